/**
 * The user's preferences: their type, bounds and defaults, shared by the core (which validates and
 * stores them) and the settings form (which shows the same bounds).
 */
export interface Settings {
  /** Minutes between background refreshes of the whole fleet; 0 turns it off. */
  refreshIntervalMinutes: number;
  /** A license expiring within this many days is "expiring soon" and notifies once. */
  expiryWarningDays: number;
  /** Servers talked to at once by a bulk operation. */
  concurrency: number;
  /** Deadline of one request, connect and body together. */
  timeoutSeconds: number;
  /** Native notifications for licenses that become invalid, expire or are about to. */
  notifications: boolean;
  /** The apply dialog's "Try on N server(s) first": on, and how many, as the user last chose. */
  canaryEnabled: boolean;
  canaryCount: number;
  /** Stop after the canaries and let the user continue by hand. */
  canaryPause: boolean;
  /**
   * Read each server's streams (configured and analysed) with its license on every refresh: two
   * more requests a server, sent with the license read. Off for slow links.
   */
  readStreams: boolean;
}

export type NumericSetting = { [K in keyof Settings]: Settings[K] extends number ? K : never }[keyof Settings];

/** Inclusive bounds of every numeric setting (whole numbers). */
export const SETTING_BOUNDS: Record<NumericSetting, { min: number; max: number }> = {
  refreshIntervalMinutes: { min: 0, max: 24 * 60 },
  expiryWarningDays: { min: 1, max: 365 },
  concurrency: { min: 1, max: 256 },
  timeoutSeconds: { min: 1, max: 300 },
  canaryCount: { min: 1, max: 1000 },
};

/** Servers talked to at once by default. */
export const DEFAULT_CONCURRENCY = 16;
/** One request's deadline by default, connect and body together. */
export const DEFAULT_TIMEOUT_MS = 15_000;

export const DEFAULT_SETTINGS: Settings = {
  refreshIntervalMinutes: 15,
  expiryWarningDays: 30,
  concurrency: DEFAULT_CONCURRENCY,
  timeoutSeconds: DEFAULT_TIMEOUT_MS / 1000,
  notifications: true,
  canaryEnabled: true,
  canaryCount: 1,
  canaryPause: false,
  readStreams: true,
};
