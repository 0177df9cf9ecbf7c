import {
  DEFAULT_DISCOVERY_CONCURRENCY,
  DEFAULT_DISCOVERY_PORTS,
  DEFAULT_DISCOVERY_TIMEOUT_MS,
  DISCOVERY_BOUNDS,
  parsePorts,
  parseTargets,
  type AddFoundResult,
  type FoundServer,
} from '../../common/discovery';
import { errorSummary } from '../../common/errors';
import { cleartextWarning } from '../../common/server-url';
import { UsageError, parseCommand, seconds, wholeNumber } from '../args';
import { withCore, type Command } from '../command';
import { print, printJson, table, warn } from '../output';
import { liveLine, untilDone } from '../progress';
import { credentials } from './servers';

const AUTH_TEXT: Record<FoundServer['auth'], string> = {
  none: 'none (anyone is admin)',
  required: 'login required',
  unknown: 'unknown',
};

/** One found server as --json gives it; with --add, what adding it did (`added` is false for one registered before). */
function foundJson(f: FoundServer, add: { result: AddFoundResult | undefined } | null) {
  const entry = { url: f.url, version: f.version, auth: f.auth, ready: f.ready, registered: f.registered, name: f.name };
  if (!add) return entry;
  const r = add.result;
  return {
    ...entry,
    added: r?.outcome === 'added',
    credentials: r?.credentialsAccepted == null ? null : r.credentialsAccepted ? 'accepted' : 'refused',
    error: r?.error ? { kind: r.error.kind, message: r.error.message } : null,
  };
}

/** What --add did for one found server; `-` for one not added because the scan was cancelled. */
function addedText(f: FoundServer, r: AddFoundResult | undefined): string {
  if (!r) return f.registered ? 'already registered' : '-';
  if (r.outcome === 'registered') return 'already registered';
  if (r.outcome === 'failed') return `failed: ${errorSummary(r.error!.kind)}`;
  if (r.credentialsAccepted === false) return 'added, credentials refused';
  if (r.error) return `added, credentials untested: ${errorSummary(r.error.kind)}`;
  return r.credentialsAccepted ? 'added, credentials accepted' : 'added';
}

const discover: Command = {
  name: 'discover',
  synopsis: 'TARGET... [--ports LIST] [--timeout SECONDS] [--concurrency N] [--json] [--add [--site SITE] [--username USER --password-stdin]]',
  help: `Finds BrainFrame servers on a network: asks GET /api/version at every address and port, over
http and never with credentials, and reports what answered as BrainFrame: its version, whether it
requires a login (with none, anyone on the network is admin there) or is still starting, and
whether the registry already holds it.

  TARGET           An IPv4 address (10.0.4.17), a range (10.0.4.1-60 or 10.0.4.1-10.0.4.60), a
                     CIDR block (10.0.4.0/24: its hosts, without network and broadcast addresses)
                     or a host name. At most 65,536 addresses in all.
  --ports LIST     Ports and ranges to try at each address: 80,8080,20000-20009. Default: 80,
                     BrainFrame's own unless its SERVER_PORT changed it.
  --timeout SECONDS
                   How long each probe waits for an answer. Default: ${DEFAULT_DISCOVERY_TIMEOUT_MS / 1000}.
  --concurrency N  Probes at once (1-256). Default: ${DEFAULT_DISCOVERY_CONCURRENCY}.
  --json           Only JSON on standard output: {"found": [{"url", "version", "auth",
                     "ready", "registered", "name"}], "summary": {"probed", "found", "added"}};
                     with --add each entry also says "added", "credentials" and "error".
  --add            Register the servers found that are not registered yet, named HOST (or
                     HOST-PORT off port 80), made unique.
  --site SITE      With --add: the site of the servers added.
  --username USER  With --add: credentials for all the servers added, the password read from
  --password-stdin   standard input. Each server is tested with them; one that refuses them is
                     still added, and reported.

Ctrl-C cancels the scan: what it found so far is reported, and nothing is added.

Exit status: 0 when the scan completed (even with nothing found), 1 when a server could not be
added or the scan was cancelled, 2 for a usage or input error (such as a target too large: narrow
it).`,
  async run(args) {
    const { values, positionals } = parseCommand(
      args,
      {
        ports: { type: 'string' },
        timeout: { type: 'string' },
        concurrency: { type: 'string' },
        json: { type: 'boolean' },
        add: { type: 'boolean' },
        site: { type: 'string' },
        username: { type: 'string' },
        'password-stdin': { type: 'boolean' },
      },
      ['TARGET...'],
    );
    const hosts = parseTargets(positionals);
    const ports = values.ports === undefined ? [...DEFAULT_DISCOVERY_PORTS] : parsePorts(values.ports);
    const timeoutS = seconds('--timeout', values.timeout, DISCOVERY_BOUNDS.timeoutSeconds.max) ?? DEFAULT_DISCOVERY_TIMEOUT_MS / 1000;
    const { min, max } = DISCOVERY_BOUNDS.concurrency;
    const concurrency = wholeNumber('--concurrency', values.concurrency, min, max) ?? DEFAULT_DISCOVERY_CONCURRENCY;
    if (!values.add && (values.site !== undefined || values.username !== undefined || values['password-stdin'])) {
      throw new UsageError('--site, --username and --password-stdin go with --add.');
    }
    const creds = values.add ? await credentials(values.username, values['password-stdin']) : null;
    return withCore(values['data-dir'], async (core) => {
      const scan = core.discover(hosts, { ports, timeoutMs: Math.round(timeoutS * 1000), concurrency });
      const progress = values.json
        ? null
        : liveLine(scan.counts, scan.onDidProgress, ({ probed, total, found }) => `discover: ${probed}/${total} probed, ${found} found`);
      const summary = await untilDone(scan, progress);
      const { found } = summary;
      let added = new Map<string, AddFoundResult>();
      // Ctrl-C stops the scan; what it found is reported, but nothing is added from a scan cut short.
      if (values.add && !summary.cancelled) {
        const fresh = found.filter((f) => !f.registered).map((f) => f.url);
        if (creds && fresh.length) warn(cleartextWarning(fresh.map((url) => url.slice('http://'.length))));
        const results = await core.addFound(fresh, { site: values.site, credentials: creds });
        added = new Map(results.map((r) => [r.url, r]));
        for (const f of found) {
          const r = added.get(f.url);
          if (r?.name) Object.assign(f, { registered: true, name: r.name });
        }
      }
      const addedCount = [...added.values()].filter((r) => r.outcome === 'added').length;
      const failed = [...added.values()].filter((r) => r.outcome === 'failed');
      if (values.json) {
        printJson({ found: found.map((f) => foundJson(f, values.add ? { result: added.get(f.url) } : null)), summary: { probed: summary.counts.probed, found: found.length, added: addedCount } });
      } else {
        const headers = ['URL', 'VERSION', 'AUTH', 'READY', 'REGISTERED AS', ...(values.add ? ['ADDED'] : [])];
        const rows = found.map((f) => [
          f.url,
          f.version ?? '-',
          AUTH_TEXT[f.auth],
          f.ready ? 'yes' : 'starting',
          f.name ?? '-',
          ...(values.add ? [addedText(f, added.get(f.url))] : []),
        ]);
        const open = found.filter((f) => f.auth === 'none').length;
        const lines = [
          ...(rows.length ? [table(headers, rows), ''] : []),
          ...[...added.values()].filter((r) => r.error).map((r) => `${r.name ?? r.url}: ${r.error!.message}`),
          `${summary.counts.probed} probed${summary.cancelled ? ' (cancelled)' : ''}, ${found.length} BrainFrame servers found${values.add ? `, ${addedCount} added` : ''}.`,
          ...(summary.cancelled && values.add ? ['The scan was cancelled: nothing was added. Run it again to add what it finds.'] : []),
          ...(open ? [`${open === 1 ? 'One of them requires' : `${open} of them require`} no login: anyone on its network is admin there. Turn on AUTHORIZE_CLIENTS there.`] : []),
        ];
        print(lines.join('\n'));
      }
      return failed.length > 0 || summary.cancelled ? 1 : 0;
    });
  },
};

export const discoverCommands = [discover];
