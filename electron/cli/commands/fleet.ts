import { AppError, errorSummary } from '../../common/errors';
import { cleartextWarning, isCleartext } from '../../common/server-url';
import type { FleetCore } from '../../core/fleet-core';
import type { Operation, OperationOptions } from '../../core/fleet/fleet-operations';
import { describeDuration, licenseHealth } from '../../common/license-health';
import { describeHeadroom } from '../../common/streams';
import { describeDiagnosis, diagnose } from '../../common/diagnosis';
import { RUN_OPTIONS, SELECTION_OPTIONS, UsageError, parseCommand, seconds, wholeNumber } from '../args';
import { withCore, type Command } from '../command';
import { expiryText, print, printJson, table, warn } from '../output';
import { showProgress, untilDone } from '../progress';
import { findKey, readKeyArgument } from './keys';
import { findServer } from './servers';
import type { ServerResult, Server, KeyInfo, OperationKind } from '../../common/types';
import { plural } from '../../common/format';

export const SELECTION_HELP = `  --all            Every registered server.
  --site SITE      The servers of one site.
  --server NAME    One server by name; repeat it for more.`;

const RUN_HELP = `  --json           Only JSON on standard output: {"results": [...], "summary": {...}}.
  --concurrency N  How many servers to talk to at once (1-256). Default: the app's setting.
  --timeout SECONDS
                   Deadline of each request, connect and answer together. Default: the app's
                   setting.

Exit status: 0 when every server succeeded, 1 when any failed, 2 for a usage or input error.`;

type Selection = { all?: boolean; site?: string; server?: string[] };
type RunValues = { json?: boolean; concurrency?: string; timeout?: string };

/** The servers chosen by --all, --site or --server, as ids; a name or site that matches nothing is an input error. */
export function selectServers(core: FleetCore, { all, site, server }: Selection, required: boolean): string[] {
  const ways = [all, site !== undefined, server !== undefined].filter(Boolean).length;
  if (ways > 1) throw new UsageError('Choose the servers one way only: --all, --site SITE, or --server NAME (repeatable).');
  if (ways === 0 && required) throw new UsageError('Say which servers: --all, --site SITE, or --server NAME (repeatable).');
  let servers: Server[];
  if (site !== undefined) {
    servers = core.registry.bySite(site);
    if (servers.length === 0) throw new AppError('NotFound', `No server is at site "${site}": run \`bf-license servers list\` to see the sites.`);
  } else if (server !== undefined) {
    servers = server.map((name) => findServer(core, name));
  } else {
    servers = core.registry.list();
    if (servers.length === 0) {
      throw new AppError('NotFound', `No servers are registered in ${core.dataDir}: add them with \`bf-license servers add\` or \`servers import\`, or give the right --data-dir.`);
    }
  }
  return servers.map((s) => s.id);
}

/** Only the options given: an absent one must not override the app's setting with undefined. */
export function runOptions({ concurrency, timeout }: RunValues): OperationOptions {
  const options: OperationOptions = {};
  const n = wholeNumber('--concurrency', concurrency, 1, 256);
  if (n !== undefined) options.concurrency = n;
  const s = seconds('--timeout', timeout, 300);
  if (s !== undefined) options.timeoutMs = Math.round(s * 1000);
  return options;
}

/**
 * One server's outcome as the JSON output gives it, terms under their wire names. `id` is the
 * registry's, which a rename keeps (the Ansible module matches before and after by it). `streams`
 * only when they were asked for (status --streams): {configured, analyzed}, or null when unknown;
 * an apply's guards.
 */
function resultJson(r: ServerResult, kind: OperationKind, streams: boolean) {
  return {
    id: r.serverId,
    name: r.name,
    url: r.url,
    site: r.site,
    ok: r.ok,
    state: r.license?.state ?? null,
    terms: r.license?.terms ?? null,
    version: r.version,
    ...(streams ? { streams: r.streams ? { configured: r.streams.configured, analyzed: r.streams.analyzed } : null } : {}),
    error: r.error && { kind: r.error.kind, message: r.error.message },
    ...(kind === 'apply' && { guards: r.guards.map(({ kind, verdict, message, overridden }) => ({ kind, verdict, message, overridden })) }),
  };
}

/** One line on the guards that could not decide, so unknown is never read as safe: "2 servers: …". */
function unknownGuardsLine(results: ServerResult[]): string[] {
  const unknown = results.filter((r) => r.guards.some((g) => g.verdict === 'unknown'));
  if (!unknown.length) return [];
  const example = unknown[0]!.guards.find((g) => g.verdict === 'unknown')!.message;
  return [`Guards not checked on ${plural(unknown.length, 'server')} (for example: ${example}) See --json for each.`];
}

function resultTable(results: ServerResult[], okWord: string, warningDays: number, streams: boolean): string {
  const rows = results.map((r) => {
    const health = licenseHealth(r.license, warningDays);
    const terms = r.license?.terms;
    return [
      r.name,
      r.site || '-',
      !r.ok && r.license ? `${health} (last known)` : health,
      expiryText(r.license),
      terms ? String(terms.max_streams) : '-',
      ...(streams ? [describeHeadroom(r.streams ?? null, r.license)] : []),
      terms ? describeDuration(terms.journal_max_allowed_age) : '-',
      terms ? (terms.online_checkin ? 'yes' : 'no') : '-',
      r.version ?? '-',
      r.error ? `failed: ${errorSummary(r.error.kind)}` : okWord,
    ];
  });
  const headers = ['NAME', 'SITE', 'STATE', 'EXPIRES', 'STREAMS', ...(streams ? ['ANALYSED'] : []), 'JOURNAL', 'CHECK-IN', 'VERSION', 'RESULT'];
  return table(headers, rows);
}

/** Waits for the operation with a live progress line, then reports; Ctrl-C cancels what is still pending. */
async function finish(core: FleetCore, op: Operation, json: boolean | undefined, streams = false): Promise<number> {
  const summary = await untilDone(op, json ? null : showProgress(op, op.kind === 'apply' ? 'apply' : 'status'));
  const { results } = summary;
  const { total, ok, failed } = summary.counts;
  if (json) {
    printJson({ results: results.map((r) => resultJson(r, op.kind, streams)), summary: { total, ok, failed } });
  } else {
    const okWord = op.kind === 'apply' ? 'applied' : 'ok';
    const warningDays = core.settings.get().expiryWarningDays;
    const lines = [resultTable(results, okWord, warningDays, streams), '', ...results.flatMap((r) => diagnosisLines(r, warningDays)), ...unknownGuardsLine(results)];
    print([...lines, `${total} servers: ${ok} ${okWord}, ${failed} failed.`].join('\n'));
  }
  return failed > 0 ? 1 : 0;
}

/**
 * What the table cannot say, one line each: a failure's message (with its advice) and likely
 * cause; for a server that answered, its license state's and stream headroom's cause and next step.
 */
function diagnosisLines(r: ServerResult, warningDays: number): string[] {
  // After a failure the license is the last known one: only the failure is news.
  const found = diagnose({ license: r.ok ? r.license : null, error: r.error, streams: r.streams, warningDays });
  return found.map((d, i) => (i === 0 && r.error ? `${r.name}: ${r.error.message} Likely cause: ${d.cause}` : `${r.name}: ${describeDiagnosis(d)}`));
}

const status: Command = {
  name: 'status',
  synopsis: '[--all | --site SITE | --server NAME ...] [--streams] [--json] [--concurrency N] [--timeout SECONDS]',
  help: `Reads the license and version of servers (default: all of them) and records them in the
status cache the desktop app shows. A server succeeds when it answers; its state is what it holds.

${SELECTION_HELP}
  --streams        Also read how many streams each server has configured and analyses (two more
                   requests a server, sent with the license read): an ANALYSED column (analysed /
                   max, marked near the limit at 90 % and over it), and in JSON
                   "streams": {"configured": N, "analyzed": M}, or null where they could not be
                   read (no valid license, an older server, no answer). Without it, no stream
                   request is sent and the field is absent.
${RUN_HELP}`,
  async run(args) {
    const { values } = parseCommand(args, { ...SELECTION_OPTIONS, ...RUN_OPTIONS, streams: { type: 'boolean' } });
    const options = { ...runOptions(values), streams: values.streams === true };
    return withCore(values['data-dir'], (core) => {
      const serverIds = selectServers(core, values, false);
      warnCleartext(core, serverIds, (s) => s.hasCredentials);
      return finish(core, core.refresh(serverIds, options), values.json, options.streams);
    });
  },
};

/** Once per command, on standard error (never in --json output): which targets get secrets over plain http. */
function warnCleartext(core: FleetCore, serverIds: readonly string[], sendsSecrets: (server: Server) => boolean): void {
  const names = serverIds.flatMap((id) => {
    const server = core.registry.get(id);
    return server && isCleartext(server.url) && sendsSecrets(server) ? [server.name] : [];
  });
  if (names.length) warn(cleartextWarning(names));
}

/**
 * The key named by --key-label, or the one in --key FILE: added to the vault, or the vault's entry
 * when it already holds that key, so history names the key the same way each time.
 */
async function keyToApply(core: FleetCore, file: string | undefined, label: string | undefined): Promise<KeyInfo> {
  if (label !== undefined) return findKey(core, label);
  const { text, fileName } = await readKeyArgument(file!);
  return core.vault.findByText(text) ?? core.vault.addText(text, undefined, fileName);
}

const apply: Command = {
  name: 'apply',
  synopsis: '(--key FILE | --key-label LABEL) (--all | --site SITE | --server NAME ...) [--canary N] [--force] [--json] [--concurrency N] [--timeout SECONDS]',
  help: `Applies one license key to servers, replacing the key each holds. A server succeeds when it
then reports a valid license, whose terms the vault learns for the key (see \`keys list\`). Every
application is recorded in the history.

Before each server that is not a canary, guards read its license and refuse the key when it
would shorten a valid license that lasts longer (ShortensExpiry) or allow fewer streams than the
server analyses (StreamLimitBelowUse). They judge by the terms the vault has learned for the key;
where those are not known yet, each result says the guards were not checked.

  --key FILE       The key in a file (- reads standard input). It is added to the vault, or the
                   vault's entry is used when it already holds the key.
  --key-label LABEL
                   A key already in the vault (see \`bf-license keys list\`).
  --canary N       Try the key on the first N servers first, in the order \`servers list\` prints
                   them; the others are contacted only when every canary ends valid. Otherwise
                   each of them is reported "ok": false with the error kind Halted.
  --force          Apply even where a guard refuses (each result still shows its guards).
${SELECTION_HELP}
${RUN_HELP}`,
  async run(args) {
    const { values } = parseCommand(args, {
      key: { type: 'string' },
      'key-label': { type: 'string' },
      canary: { type: 'string' },
      force: { type: 'boolean' },
      ...SELECTION_OPTIONS,
      ...RUN_OPTIONS,
    });
    const { key: file, 'key-label': label } = values;
    if ((file === undefined) === (label === undefined)) throw new UsageError('Give the key one way: --key FILE or --key-label LABEL.');
    const canaries = wholeNumber('--canary', values.canary, 1, 100_000) ?? 0;
    const options = { ...runOptions(values), canaries, override: values.force ? () => true : undefined };
    return withCore(values['data-dir'], async (core) => {
      const serverIds = selectServers(core, values, true);
      const key = await keyToApply(core, file, label);
      warnCleartext(core, serverIds, () => true); // the key text itself goes to every target
      return finish(core, core.apply(key.id, serverIds, options), values.json);
    });
  },
};

export const fleetCommands = [status, apply];
