import { errorSummary } from '../../common/errors';
import { shortFingerprint } from '../../core/vault/key-vault';
import { listCommand } from '../command';
import { localTime as formatLocalTime } from '../../common/format';
import type { AuditEntry } from '../../common/types';

const localTime = (iso: string) => formatLocalTime(iso, { seconds: true });

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
