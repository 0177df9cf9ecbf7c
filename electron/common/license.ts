/**
 * BrainFrame's license as its API reports it. Wire names are kept everywhere (core, IPC, CLI
 * JSON), so there is one vocabulary, BrainFrame's own. The zod schemas that check a server's
 * answer against these types live in the core (electron/core/brainframe/license.ts).
 */
export const LICENSE_STATES = ['valid', 'invalid', 'expired', 'missing'] as const;
export type LicenseState = (typeof LICENSE_STATES)[number];

export interface LicenseTerms {
  online_checkin: boolean;
  max_streams: number;
  /** Seconds. */
  journal_max_allowed_age: number;
  /** YYYY-MM-DD, or null for a perpetual license. */
  expiration_date: string | null;
}

export interface LicenseInfo {
  state: LicenseState;
  /** null when no license is loaded. */
  terms: LicenseTerms | null;
}
