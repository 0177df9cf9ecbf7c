import { auditOutcome } from '../../common/history';
import { shortFingerprint } from '../../core/vault/key-vault';
import { listCommand } from '../command';
import { localTime as formatLocalTime } from '../../common/format';

const localTime = (iso: string) => formatLocalTime(iso, { seconds: true });


const history = listCommand({
  name: 'history',
  help: `Shows the history shared with the desktop app, newest first: servers added, imported and
removed, keys added and removed, and every application of a key with its outcome.`,
  items: (core) => core.audit.query(),
  empty: 'No history yet.',
  headers: ['TIME', 'ACTION', 'SERVER', 'KEY', 'OUTCOME'],
  row: (e) => [localTime(e.time), e.action, e.server?.name ?? '-', e.key ? `${e.key.label} (${shortFingerprint(e.key.fingerprint)})` : '-', auditOutcome(e)],
});

export const historyCommands = [history];
