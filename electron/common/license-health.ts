import type { LicenseInfo } from './license';

/**
 * One word for what a license means to the integrator, shared by the grid, the command line and
 * notifications. Pure and free of Node, so the renderer uses the very same rules.
 */
export type LicenseHealth = 'valid' | 'expiring' | 'expired' | 'invalid' | 'missing' | 'unknown';

const DAY_MS = 86_400_000;

/** Whole days from `today` (local calendar day) to a YYYY-MM-DD date; negative when past. */
export function daysUntil(isoDate: string, today: Date = new Date()): number {
  const [y, m, d] = isoDate.split('-').map(Number) as [number, number, number];
  const target = Date.UTC(y, m - 1, d);
  const start = Date.UTC(today.getFullYear(), today.getMonth(), today.getDate());
  return Math.round((target - start) / DAY_MS);
}

/**
 * `expiring` is a valid license whose last day is within `warningDays`; a license the server
 * still calls valid past its date counts as expired (the server re-checks only now and then).
 * `unknown` is a server never read.
 */
export function licenseHealth(license: LicenseInfo | null, warningDays: number, today: Date = new Date()): LicenseHealth {
  if (!license) return 'unknown';
  if (license.state !== 'valid') return license.state;
  const date = license.terms?.expiration_date;
  if (!date) return 'valid';
  const days = daysUntil(date, today);
  if (days < 0) return 'expired';
  return days <= warningDays ? 'expiring' : 'valid';
}

/** "in 12 days", "today", "expired 3 days ago", "perpetual", "unknown". */
export function describeExpiry(license: LicenseInfo | null, today: Date = new Date()): string {
  if (!license?.terms) return license?.state === 'missing' ? 'no license' : 'unknown';
  const date = license.terms.expiration_date;
  if (!date) return 'perpetual';
  const days = daysUntil(date, today);
  if (days === 0) return 'expires today';
  if (days > 0) return `in ${days} day${days === 1 ? '' : 's'}`;
  return `expired ${-days} day${days === -1 ? '' : 's'} ago`;
}

/** Journal age in seconds as "30 d", "1 d 6 h", "45 min". */
export function describeDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return 'unknown';
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const parts = [days && `${days} d`, hours && `${hours} h`, minutes && `${minutes} min`].filter(Boolean);
  return parts.length ? parts.slice(0, 2).join(' ') : `${Math.round(seconds)} s`;
}
