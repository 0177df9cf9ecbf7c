/**
 * What applying a key to these servers will change, said before anything is sent. Keys are
 * opaque to the app: their terms are never decoded. Until a server has reported a key's terms
 * (learned on an apply), the preview cannot know whether the new key is "better": it warns
 * whenever a license that is still valid would be replaced, and more strongly when it is valid
 * beyond the warning window (or perpetual). Once they are known, it shows the guards (the same
 * checkGuards the core runs before each target) per server, on its last known license.
 */
import type { LicenseHealth } from '../../electron/common/license-health';
import type { GridRow } from './grid-row';
import { count, plural } from '../../electron/common/format';
import { cleartextWarning, isCleartext } from '../../electron/common/server-url';
import { HEALTH } from './states';
import { checkGuards, type GuardCheck, type GuardKind } from '../../electron/common/guards';
import type { LicenseInfo, LicenseTerms } from '../../electron/common/license';
import type { StreamUse } from '../../electron/common/streams';

export type PreviewLevel = 'danger' | 'warn' | 'info';

export interface PreviewTarget {
  id: string;
  name: string;
  site: string;
  health: LicenseHealth;
  expiryText: string;
  reachWord: string;
  /** What will happen to this server, in words; '' when nothing notable. */
  note: string;
  level: PreviewLevel | null;
  /** Tried first, unguarded. */
  canary: boolean;
  /** The guards on the last known license; empty for a canary. */
  guards: GuardCheck[];
}

/** How the apply is staged, and what the guards judge by. */
export interface RolloutPlan {
  /** The key's learned terms; null when no server has reported them yet. */
  terms: LicenseTerms | null;
  canaryIds: ReadonlySet<string>;
  /** The server's last known license, or null. */
  licenseOf: (serverId: string) => LicenseInfo | null;
  /** The streams it analysed at its last read, or null (never read, or unknown). */
  streamsOf: (serverId: string) => Pick<StreamUse, 'analyzed'> | null;
  /** Failed guards the user confirmed. */
  overridden: (serverId: string, kind: GuardKind) => boolean;
}

export interface ApplyPreview {
  total: number;
  byHealth: Record<LicenseHealth, number>;
  unreachable: number;
  authFailed: number;
  /** Valid (including expiring) licenses the key will replace. */
  replacingValid: number;
  /** Valid beyond the warning window, perpetual included. */
  replacingLongValid: number;
  perpetual: number;
  /** "12 valid licenses will be replaced", "3 unreachable servers may fail", … */
  lines: { text: string; level: PreviewLevel }[];
  warnings: { text: string; level: PreviewLevel }[];
  /** The user must tick "I understand" before confirming. */
  needsAcknowledge: boolean;
  /** Which targets get the key text over plain http, in words; '' when none. */
  cleartext: string;
  targets: PreviewTarget[];
  /** Whether the guards could be judged here: the key's terms are known. */
  guardsKnown: boolean;
  /** Targets that a guard will hold back (failed, not confirmed). */
  held: number;
}

const NO_PLAN: RolloutPlan = { terms: null, canaryIds: new Set(), licenseOf: () => null, streamsOf: () => null, overridden: () => false };

export function applyPreview(rows: readonly GridRow[], warningDays: number, plan: RolloutPlan = NO_PLAN): ApplyPreview {
  const byHealth: Record<LicenseHealth, number> = { valid: 0, expiring: 0, expired: 0, invalid: 0, missing: 0, unknown: 0 };
  let unreachable = 0;
  let authFailed = 0;
  let replacingLongValid = 0;
  let perpetual = 0;
  const targets: PreviewTarget[] = [];
  let held = 0;
  for (const row of rows) {
    byHealth[row.health]++;
    let note = '';
    let level: PreviewLevel | null = null;
    const valid = row.health === 'valid' || row.health === 'expiring';
    if (row.health === 'valid' && (row.perpetual || (row.expiryDays ?? 0) > warningDays)) {
      replacingLongValid++;
      if (row.perpetual) perpetual++;
      note = row.perpetual ? 'perpetual license — will be replaced' : `valid, ${expiresPhrase(row.expiryText)} — will be replaced`;
      level = 'danger';
    } else if (valid) {
      note = `valid, ${expiresPhrase(row.expiryText)} — will be replaced`;
      level = 'warn';
    }
    if (row.reach === 'offline') {
      unreachable++;
      note = note ? `${note}; offline, may fail` : 'offline at last check — may fail';
      level ??= 'info';
    } else if (row.authFailed) {
      authFailed++;
      note = note ? `${note}; login failed last time` : 'login failed at last check — may fail';
      level ??= 'info';
    }
    const reachWord = row.authFailed ? 'auth failed' : row.reach === 'never' ? 'never checked' : row.reach;
    const canary = plan.canaryIds.has(row.id);
    // On the last known license and streams; the core checks both again, read fresh, before sending.
    const guards = canary ? [] : checkGuards({ server: row.name, terms: plan.terms, license: plan.licenseOf(row.id), streams: plan.streamsOf(row.id) }, (kind) => plan.overridden(row.id, kind));
    if (guards.some((g) => g.verdict === 'fail' && !g.overridden)) {
      held++;
      level = 'danger';
    }
    targets.push({ id: row.id, name: row.name, site: row.site, health: row.health, expiryText: row.expiryText, reachWord, note, level, canary, guards });
  }
  targets.sort((a, b) => levelRank(a.level) - levelRank(b.level) || a.name.localeCompare(b.name));

  const replacingValid = byHealth.valid + byHealth.expiring;
  const lines: ApplyPreview['lines'] = [];
  const add = (n: number, text: string, level: PreviewLevel) => n > 0 && lines.push({ text: `${count(n)} ${text}`, level });
  add(byHealth.valid, `${byHealth.valid === 1 ? 'valid license' : 'valid licenses'} will be replaced`, 'warn');
  add(byHealth.expiring, `expiring ${byHealth.expiring === 1 ? 'license' : 'licenses'} will be replaced`, 'info');
  add(byHealth.expired, 'expired', 'info');
  add(byHealth.invalid, HEALTH.invalid.word, 'info');
  add(byHealth.missing, `without a license`, 'info');
  add(byHealth.unknown, `never read (license unknown)`, 'info');
  add(unreachable, `${unreachable === 1 ? 'server was' : 'servers were'} unreachable at the last check and may fail`, 'warn');
  add(authFailed, `${authFailed === 1 ? 'server' : 'servers'} refused the login at the last check and may fail`, 'warn');

  const warnings: ApplyPreview['warnings'] = [];
  const cleartextNames = rows.filter((r) => isCleartext(r.url)).map((r) => r.name);
  if (replacingValid > 0) {
    warnings.push({
      level: 'warn',
      text:
        `${plural(replacingValid, 'server')} ${replacingValid === 1 ? 'holds' : 'hold'} a license that is still valid. Applying replaces it. ` +
        (plan.terms
          ? 'The guards below compare each with the terms a server reported for this key.'
          : "This app never reads a key's terms, and no server has reported this key's yet, so it cannot tell whether this key lasts longer: check that it does before you continue."),
    });
  }
  if (replacingLongValid > 0) {
    const perp = perpetual > 0 ? ` (${count(perpetual)} perpetual)` : '';
    warnings.push({
      level: 'danger',
      text:
        `${plural(replacingLongValid, 'server')}${perp} ${replacingLongValid === 1 ? 'is' : 'are'} still licensed for more than ${plural(warningDays, 'day')}. ` +
        'If this key expires sooner, applying it brings their expiry forward.',
    });
  }
  return {
    total: rows.length,
    byHealth,
    unreachable,
    authFailed,
    replacingValid,
    replacingLongValid,
    perpetual,
    lines,
    warnings,
    needsAcknowledge: replacingLongValid > 0,
    cleartext: cleartextNames.length ? `The key text goes to each server: ${cleartextWarning(cleartextNames)}` : '',
    targets,
    guardsKnown: plan.terms !== null,
    held,
  };
}

/** "in 12 days" → "expires in 12 days"; "expires today" stays. */
function expiresPhrase(expiryText: string): string {
  return expiryText.startsWith('expire') ? expiryText : `expires ${expiryText}`;
}

function levelRank(level: PreviewLevel | null): number {
  return level === 'danger' ? 0 : level === 'warn' ? 1 : level === 'info' ? 2 : 3;
}
