import type { AuditEntry } from '../../core/audit/audit-log';
import { errorSummary } from '../../core/brainframe/errors';
import { shortFingerprint } from '../../core/vault/key-vault';
import { listCommand } from '../command';
import { localTime } from '../output';

function outcome({ action, outcome, detail }: AuditEntry): string {
  if (action !== 'license.apply') return detail ?? '';
  if (outcome.ok) return `applied (${outcome.state ?? 'valid'})`;
  return outcome.error ? `failed: ${errorSummary(outcome.error.kind)}` : 'failed';
}

const history = listCommand({
  name: 'history',
  help: `Shows the history shared with the desktop app, newest first: servers added, imported and
removed, keys added and removed, and every application of a key with its outcome.`,
  items: async (core) => (await core.audit.read()).reverse(),
  empty: 'No history yet.',
  headers: ['TIME', 'ACTION', 'SERVER', 'KEY', 'OUTCOME'],
  row: (e) => [localTime(e.time), e.action, e.server?.name ?? '-', e.key ? `${e.key.label} (${shortFingerprint(e.key.fingerprint)})` : '-', outcome(e)],
});

export const historyCommands = [history];
