/**
 * One way to describe a line of the history, for the command line's table and the app's side
 * panel alike.
 */
import { errorSummary } from './errors';
import type { AuditAction, AuditEntry } from './types';

const AUDIT_ACTION_LABELS: Record<AuditAction, string> = {
  'server.add': 'Added',
  'server.update': 'Edited',
  'server.remove': 'Removed',
  'server.import': 'Imported',
  'key.add': 'Key added',
  'key.remove': 'Key removed',
  'license.apply': 'Key applied',
};

/** What came of an entry: "applied (valid)", "failed: Wrong username or password", or its detail. */
export function auditOutcome({ action, outcome, detail }: AuditEntry): string {
  if (action !== 'license.apply') return detail ?? '';
  if (outcome.ok) return `applied (${outcome.state ?? 'valid'})`;
  return outcome.error ? `failed: ${errorSummary(outcome.error.kind)}` : 'failed';
}

/** Good, bad or neutral, for colour beside the words. */
export function auditTone({ action, outcome }: AuditEntry): 'ok' | 'bad' | '' {
  if (action !== 'license.apply') return '';
  return outcome.ok ? 'ok' : 'bad';
}

/** One line of prose: "Key applied “Fleet 2028” — applied (valid)". */
export function describeAuditEntry(entry: AuditEntry): string {
  const key = entry.key ? ` “${entry.key.label}”` : '';
  const outcome = auditOutcome(entry);
  return `${AUDIT_ACTION_LABELS[entry.action]}${key}${outcome && entry.action === 'license.apply' ? ` — ${outcome}` : ''}`;
}
