// Command line for the simulator: `npm run -s sim -- --port 8000 --count 10`, or `... keygen`.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { startFleet } from './fleet';
import { mintKey, type MintKeyOptions } from './keys';
import { FAULTS, type Fault, type LicenseState, type SimServerOptions } from './server';
import { loadTestCert } from './tls';

const USAGE = `Usage:
  npm run -s sim -- --port P [--count N] [--host 127.X.Y.Z] [--auth USER:PASS] [--latency-ms MS]
                    [--state missing|valid|expired|invalid] [--fault INDEX=KIND]... [--tls]
                    [--streams TOTAL:ANALYZED]
      Serve N (default 1) simulated BrainFrame servers on 127.0.0.1 (or --host, any loopback
      address, as a target for \`bf-license discover\`) ports P..P+N-1. Prints each
      server's URL on its own line, then "ready"; stops cleanly on SIGINT or SIGTERM.
      --fault gives server INDEX (0-based) a fault; repeat it for more servers. Kinds:
      ${FAULTS.join(', ')}.
      --tls serves HTTPS with test/fixtures/tls/localhost-cert.pem.
      --streams gives every server TOTAL configured streams, the first ANALYZED of them analysed.

  npm run -s sim -- keygen [--max-streams N] [--expires YYYY-MM-DD | --perpetual] [--online-checkin]
                    [--journal-days D] [--expired] [--corrupt] [--padding BYTES]
      Print one license key (base64 text) that simulated servers judge valid, expired (--expired)
      or invalid (--corrupt). Default: 4 streams, 30 days of journal, offline, one year.
`;

const STATES: readonly LicenseState[] = ['missing', 'valid', 'expired', 'invalid'];

class UsageError extends Error {}

function wholeNumber(flag: string, text: string | undefined, min: number): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < min) throw new UsageError(`${flag} needs a whole number of at least ${min}, not "${text}"`);
  return Number(text);
}

function parse<O extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: O) {
  try {
    return parseArgs({ args, options, strict: true as const, allowPositionals: false as const });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
}

function keygen(args: string[]): number {
  const { values } = parse(args, {
    'max-streams': { type: 'string' },
    expires: { type: 'string' },
    perpetual: { type: 'boolean' },
    'online-checkin': { type: 'boolean' },
    'journal-days': { type: 'string' },
    expired: { type: 'boolean' },
    corrupt: { type: 'boolean' },
    padding: { type: 'string' },
  });
  const journal = values['journal-days'];
  if (journal !== undefined && !/^\d+(\.\d+)?$/.test(journal)) {
    throw new UsageError(`--journal-days needs a number of days, not "${journal}"`);
  }
  const opts: MintKeyOptions = {
    maxStreams: wholeNumber('--max-streams', values['max-streams'], 0),
    expires: values.expires,
    perpetual: values.perpetual === true,
    onlineCheckin: values['online-checkin'] === true,
    journalDays: journal === undefined ? undefined : Number(journal),
    expired: values.expired === true,
    corrupt: values.corrupt === true,
    padding: wholeNumber('--padding', values.padding, 0),
  };
  try {
    process.stdout.write(`${mintKey(opts)}\n`);
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  return 0;
}

function parseFaults(specs: string[], count: number): Map<number, Fault> {
  const faults = new Map<number, Fault>();
  for (const spec of specs) {
    const m = /^(\d+)=(.+)$/.exec(spec);
    const index = Number(m?.[1]);
    const kind = m?.[2];
    if (!m || !FAULTS.includes(kind as Fault)) {
      throw new UsageError(`--fault needs INDEX=KIND with KIND one of ${FAULTS.join(', ')}, not "${spec}"`);
    }
    if (index >= count) throw new UsageError(`--fault ${spec}: index ${index} is past the last server (${count - 1})`);
    if (faults.has(index)) throw new UsageError(`--fault: server ${index} is given two faults`);
    faults.set(index, kind as Fault);
  }
  return faults;
}

async function serve(args: string[]): Promise<number> {
  const { values } = parse(args, {
    port: { type: 'string' },
    host: { type: 'string' },
    count: { type: 'string' },
    auth: { type: 'string' },
    'latency-ms': { type: 'string' },
    state: { type: 'string' },
    fault: { type: 'string', multiple: true },
    tls: { type: 'boolean' },
    streams: { type: 'string' },
  });
  const basePort = wholeNumber('--port', values.port, 1);
  if (basePort === undefined) throw new UsageError('--port is required (for example --port 8000)');
  const count = wholeNumber('--count', values.count, 1) ?? 1;
  if (basePort + count - 1 > 65_535) throw new UsageError(`ports ${basePort}-${basePort + count - 1} go past 65535: lower --port or --count`);

  const shared: SimServerOptions = {};
  if (values.host !== undefined) {
    if (!/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(values.host)) throw new UsageError(`--host needs a loopback address such as 127.0.0.2, not "${values.host}"`);
    shared.host = values.host;
  }
  const auth = values.auth;
  if (auth !== undefined) {
    const colon = auth.indexOf(':');
    if (colon < 1) throw new UsageError('--auth needs USER:PASS, for example --auth admin:admin');
    shared.auth = { username: auth.slice(0, colon), password: auth.slice(colon + 1) };
  }
  shared.latencyMs = wholeNumber('--latency-ms', values['latency-ms'], 0);
  const state = values.state;
  if (state !== undefined) {
    if (!STATES.includes(state as LicenseState)) throw new UsageError(`--state needs one of ${STATES.join(', ')}, not "${state}"`);
    shared.state = state as LicenseState;
  }
  if (values.streams !== undefined) {
    const m = /^(\d+):(\d+)$/.exec(values.streams);
    if (!m || Number(m[2]) > Number(m[1])) throw new UsageError(`--streams needs TOTAL:ANALYZED with ANALYZED at most TOTAL, for example 8:6, not "${values.streams}"`);
    shared.streams = { total: Number(m[1]), analyzed: Number(m[2]) };
  }
  if (values.tls === true) {
    const { cert, key } = loadTestCert('localhost');
    shared.tls = { cert, key };
  }
  const faults = parseFaults(values.fault ?? [], count);

  let fleet;
  try {
    fleet = await startFleet({ ...shared, basePort, count, perServer: (i) => ({ fault: faults.get(i) ?? null }) });
  } catch (err) {
    process.stderr.write(`sim: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
  process.stdout.write(`${fleet.urls.join('\n')}\nready\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await fleet.close();
  return 0;
}

async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(USAGE);
    return 0;
  }
  try {
    return argv[0] === 'keygen' ? keygen(argv.slice(1)) : await serve(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`sim: ${err.message}. Run with --help for usage.\n`);
    return 2;
  }
}

process.exitCode = await main(process.argv.slice(2));
