/**
 * The expiry ladder: how close a license's last day is, in one place for the grid's expiry cell
 * and the app-wide banner. Pure.
 */
import type { GridRow } from './grid-row';

/** Past, or ending within this many days: the critical rung. */
export const CRITICAL_WITHIN_DAYS = 7;
/** Ending within this many days (and not critical): the warning rung. */
const WARNING_WITHIN_DAYS = 14;

/**
 * - `critical`: past, or ending within 7 days;
 * - `warning`: ending within 14 days;
 * - `notice`: later, but within the user's warning window (the row's health is `expiring`);
 * - `none`: later still, or perpetual;
 * - `unknown`: no last day known (never read, no license, no terms).
 */
export type ExpiryRung = 'critical' | 'warning' | 'notice' | 'none' | 'unknown';

export function expiryRung(row: Pick<GridRow, 'expiryDays' | 'perpetual' | 'health'>): ExpiryRung {
  if (row.expiryDays === null) return row.perpetual ? 'none' : 'unknown';
  if (row.expiryDays <= CRITICAL_WITHIN_DAYS) return 'critical';
  if (row.expiryDays <= WARNING_WITHIN_DAYS) return 'warning';
  return row.health === 'expiring' ? 'notice' : 'none';
}
