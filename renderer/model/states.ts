/**
 * The words, icons and tones of every state the grid shows: always icon + word + colour, never
 * colour alone. Tones map to CSS colours that have light and dark variants.
 */
import type { LicenseHealth } from '../../electron/common/license-health';
import type { StreamHeadroom } from '../../electron/common/streams';

export type { LicenseHealth };
export type Tone = 'ok' | 'warn' | 'bad' | 'muted' | 'info';
export type IconName = 'check' | 'clock' | 'cross' | 'minus' | 'question' | 'dot' | 'offline' | 'lock' | 'spinner' | 'alert';

/** Did the server answer lately? `stale`: it did, but longer ago than the refresh rule allows. */
export type Reach = 'online' | 'stale' | 'offline' | 'never';

export interface StateLook {
  word: string;
  icon: IconName;
  tone: Tone;
}

export const HEALTH: Record<LicenseHealth, StateLook> = {
  valid: { word: 'valid', icon: 'check', tone: 'ok' },
  expiring: { word: 'expiring', icon: 'clock', tone: 'warn' },
  expired: { word: 'expired', icon: 'cross', tone: 'bad' },
  invalid: { word: 'invalid', icon: 'alert', tone: 'bad' },
  missing: { word: 'no license', icon: 'minus', tone: 'bad' },
  unknown: { word: 'unknown', icon: 'question', tone: 'muted' },
};

export const REACH: Record<Reach, StateLook> = {
  online: { word: 'online', icon: 'dot', tone: 'ok' },
  stale: { word: 'stale', icon: 'clock', tone: 'warn' },
  offline: { word: 'offline', icon: 'offline', tone: 'bad' },
  never: { word: 'never checked', icon: 'question', tone: 'muted' },
};

export const AUTH_FAILED: StateLook = { word: 'auth failed', icon: 'lock', tone: 'bad' };


/** The state filter chips, in the order shown. Health chips are exclusive; the last two overlap them. */
export const CHIPS = ['expired', 'expiring', 'invalid', 'missing', 'valid', 'unknown', 'unreachable', 'auth', 'streams'] as const;
export type Chip = (typeof CHIPS)[number];

export const CHIP_LOOK: Record<Chip, StateLook> = {
  expired: HEALTH.expired,
  expiring: { ...HEALTH.expiring, word: 'expiring soon' },
  invalid: HEALTH.invalid,
  missing: HEALTH.missing,
  valid: HEALTH.valid,
  unknown: { ...HEALTH.unknown, word: 'not read yet' },
  unreachable: { word: 'unreachable', icon: 'offline', tone: 'bad' },
  auth: AUTH_FAILED,
  streams: { word: 'near the stream limit', icon: 'alert', tone: 'warn' },
};

/** The streams column's marks beyond the numbers: a word and an icon, never colour alone. */
export const HEADROOM: Record<StreamHeadroom, StateLook | null> = {
  ok: null,
  near: { word: 'near', icon: 'alert', tone: 'warn' },
  over: { word: 'over', icon: 'cross', tone: 'bad' },
  unknown: null,
};

/** Default sort: what needs attention first. */
export const HEALTH_SEVERITY: Record<LicenseHealth, number> = { expired: 0, invalid: 1, expiring: 2, missing: 3, unknown: 4, valid: 5 };
