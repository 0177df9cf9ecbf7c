/**
 * The guards of a staged apply, decided once for the core (before each non-canary target, on its
 * license read fresh) and the app's preview (on the last known status): would this key cost a
 * server streams it analyses, or shorten the license it holds? Unknown terms, licenses or streams
 * give `unknown`, never `pass`: unknown is never reported as safe.
 */
import { localTime, plural } from './format';
import type { LicenseInfo, LicenseTerms } from './license';
import type { RolloutErrorKind } from './errors';
import type { StreamUse } from './streams';

export const GUARD_KINDS = ['StreamLimitBelowUse', 'ShortensExpiry'] as const satisfies readonly RolloutErrorKind[];
export type GuardKind = (typeof GUARD_KINDS)[number];

/** What a staged apply learned of a key: the terms a server reported for it, which server, and when. */
export interface LearnedTerms {
  terms: LicenseTerms;
  server: string;
  at: string;
}


export type GuardVerdict = 'pass' | 'fail' | 'unknown';

export interface GuardCheck {
  kind: GuardKind;
  verdict: GuardVerdict;
  /** Names the server and the numbers: "cam-17 analyses 6 streams; this key allows 4". */
  message: string;
  /** A failed guard the user overrode on purpose (--force, or its confirmation in the preview). */
  overridden: boolean;
}

/** What the guards need to know of one target; null where it is not known. */
export interface GuardInput {
  server: string;
  /** The key's terms as learned; null before any server reported them. */
  terms: LicenseTerms | null;
  /** The target's license now; null when it could not be read. */
  license: LicenseInfo | null;
  /** The target's streams (common/streams.ts); null when they could not be read (or are not read). */
  streams: Pick<StreamUse, 'analyzed'> | null;
}

const NOT_LEARNED = 'the terms of this key are not known yet (no server has reported them)';

function streamGuard({ server, terms, streams }: GuardInput): Omit<GuardCheck, 'overridden'> {
  const kind = 'StreamLimitBelowUse';
  if (!terms) return { kind, verdict: 'unknown', message: `Streams not checked for ${server}: ${NOT_LEARNED}.` };
  if (!streams) return { kind, verdict: 'unknown', message: `Streams not checked: the streams ${server} analyses are unknown; this key allows ${terms.max_streams}.` };
  const use = `${server} analyses ${plural(streams.analyzed, 'stream')}; this key allows ${terms.max_streams}`;
  return streams.analyzed > terms.max_streams ? { kind, verdict: 'fail', message: use } : { kind, verdict: 'pass', message: use };
}

function expiryGuard({ server, terms, license }: GuardInput): Omit<GuardCheck, 'overridden'> {
  const kind = 'ShortensExpiry';
  if (!terms) return { kind, verdict: 'unknown', message: `Expiry not checked for ${server}: ${NOT_LEARNED}.` };
  if (!license) return { kind, verdict: 'unknown', message: `Expiry not checked: the license ${server} holds is unknown.` };
  if (license.state !== 'valid' || !license.terms) return { kind, verdict: 'pass', message: `${server} holds no valid license (${license.state}) to shorten.` };
  const current = license.terms.expiration_date;
  const next = terms.expiration_date;
  const holds = current === null ? `${server} holds a perpetual license` : `${server}'s license lasts until ${current}`;
  const gives = next === null ? 'this key is perpetual' : `this key ends ${next}`;
  const shortens = next !== null && (current === null || current > next);
  return { kind, verdict: shortens ? 'fail' : 'pass', message: `${holds}; ${gives}` };
}

/** Both guards for one target, in a fixed order; `overridden` marks the failed ones the user let through. */
export function checkGuards(input: GuardInput, override: (kind: GuardKind) => boolean = () => false): GuardCheck[] {
  return [streamGuard(input), expiryGuard(input)].map((check) => ({ ...check, overridden: check.verdict === 'fail' && override(check.kind) }));
}

/** The failed guards not overridden: the reasons not to apply. */
export function blockingGuards(checks: readonly GuardCheck[]): GuardCheck[] {
  return checks.filter((c) => c.verdict === 'fail' && !c.overridden);
}

/** "8 streams, until 2027-12-31" / "perpetual"; with check-in and journal for the full form. */
export function describeTerms(terms: LicenseTerms): string {
  const until = terms.expiration_date === null ? 'perpetual' : `until ${terms.expiration_date}`;
  return `${plural(terms.max_streams, 'stream')}, ${until}${terms.online_checkin ? ', online check-in' : ''}`;
}

/** "8 streams, until 2027-12-31, learned from cam-17 on 2026-12-01 03:14", or "terms not known yet". */
export function describeLearned(learned: LearnedTerms | null): string {
  return learned ? `${describeTerms(learned.terms)}, learned from ${learned.server} on ${localTime(learned.at)}` : 'terms not known yet';
}
