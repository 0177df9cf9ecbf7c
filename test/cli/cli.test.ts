// The real command line, run as a subprocess against simulated servers on loopback and the real
// OS keychain (the private one `npm test` provides: the child inherits its D-Bus session).
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { version } from '../../package.json';
import { KEYCHAIN_SERVICE_ENV } from '../../electron/core/secrets/secret-store';
import { tempDir } from '../helpers/keyring';
import { mintKey, todayUtc, utcDateFromToday, type MintKeyOptions } from '../sim/keys';
import { startSimServer, type SimServer, type SimServerOptions } from '../sim/server';
import { loadTestCert } from '../sim/tls';

/** The simulator speaks plain http: a command sending it secrets says so on stderr, `times` times, and nothing else. */
function expectCleartextNotice(stderr: string, times: number): void {
  const lines = stderr.split('\n').filter(Boolean);
  expect(lines, stderr).toHaveLength(times);
  for (const line of lines) expect(line).toMatch(/^bf-license: .+ http:\/\/.*: usernames, passwords and license keys sent there travel unencrypted on the network\. Use https:\/\/ where the server offers it\.$/);
}

// Secrets go to the real OS keychain: only ever the private one `npm test` provides.
if (!process.env.BF_TEST_KEYRING) {
  throw new Error('test/cli runs the real command against the OS keychain: run it with `npm test -- test/cli`, which gives it a private keyring.');
}
/** What every run inherits: the private keyring's D-Bus session, and a service name of this file's own. */
const ENV = { ...process.env, [KEYCHAIN_SERVICE_ENV]: `bf-fleet-test-cli-${randomUUID()}` };

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RESULT_KEYS = ['error', 'id', 'name', 'ok', 'site', 'state', 'terms', 'url', 'version'];
const APPLY_RESULT_KEYS = ['error', 'guards', 'id', 'name', 'ok', 'site', 'state', 'terms', 'url', 'version'];
const TERMS_KEYS = ['expiration_date', 'journal_max_allowed_age', 'max_streams', 'online_checkin'];

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

interface RunOptions {
  input?: string;
  env?: NodeJS.ProcessEnv;
}

interface JsonResult {
  name: string;
  url: string;
  site: string;
  ok: boolean;
  state: string | null;
  terms: { max_streams: number; expiration_date: string | null } | null;
  version: string | null;
  error: { kind: string; message: string } | null;
}

interface JsonReport {
  results: JsonResult[];
  summary: { total: number; ok: number; failed: number };
}

/** Every password and key text a test uses, every output and data folder: afterAll checks none leaked. */
const secrets: string[] = [];
const outputs: string[] = [];
const dataDirs: string[] = [];
const sims: SimServer[] = [];
let files: Awaited<ReturnType<typeof tempDir>>;

function secret(prefix: string): string {
  const value = `${prefix}-${randomUUID()}`;
  secrets.push(value);
  return value;
}

/** A key file outside every data folder; its text is a secret that must not leak. */
async function keyFile(name: string, opts: MintKeyOptions = {}): Promise<string> {
  const key = mintKey(opts);
  secrets.push(key);
  const path = join(files.path, name);
  await writeFile(path, `${key}\n`);
  return path;
}

async function sim(opts: SimServerOptions = {}): Promise<SimServer> {
  const server = await startSimServer(opts);
  sims.push(server);
  return server;
}

// Each run costs about half a second of CPU: more at once than there are cores only thrashes.
const MAX_RUNNING = availableParallelism();
let running = 0;
const queued: (() => void)[] = [];

async function inTurn<T>(work: () => Promise<T>): Promise<T> {
  if (running < MAX_RUNNING) running++;
  else await new Promise<void>((resolve) => queued.push(resolve)); // a finishing run hands its slot over
  try {
    return await work();
  } finally {
    const next = queued.shift();
    if (next) next();
    else running--;
  }
}

/** `node --import tsx` starts about twice as fast as `npx tsx`. */
function cli(args: string[], options: RunOptions = {}): Promise<Run> {
  return inTurn(() => spawnCli(args, options));
}

function spawnCli(args: string[], { input = '', env = ENV }: RunOptions): Promise<Run> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(process.execPath, ['--import', 'tsx', 'electron/cli/main.ts', ...args], { cwd: ROOT, env });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(killer);
      outputs.push(stdout, stderr);
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
    child.stdin.end(input);
  });
}

/** A fresh data folder and a runner that passes it with --data-dir. */
async function workspace() {
  const dir = await tempDir('bf-cli-data-');
  dataDirs.push(dir.path);
  return { dir: dir.path, run: (args: string[], opts?: RunOptions) => cli([...args, '--data-dir', dir.path], opts) };
}

function json<T>(run: Run): T {
  return JSON.parse(run.stdout) as T;
}

/** A failure says what to do in one line on standard error, and nothing on standard output. */
function expectInputError(run: Run, message: RegExp): void {
  expect(run.code, run.stderr).toBe(2);
  expect(run.stdout).toBe('');
  expect(run.stderr).toMatch(/^bf-license: .+\n$/);
  expect(run.stderr.trim().split('\n')).toHaveLength(1);
  expect(run.stderr).toMatch(message);
}

function byName(report: JsonReport): Record<string, JsonResult> {
  return Object.fromEntries(report.results.map((r) => [r.name, r]));
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

beforeAll(async () => {
  files = await tempDir('bf-cli-files-');
});

afterAll(async () => {
  await Promise.all(sims.map((s) => s.close()));
  // Not vacuous: passwords and keys went through arguments' neighbours, stdin, CSV and servers.
  expect(secrets.length).toBeGreaterThan(8);
  expect(outputs.length).toBeGreaterThan(60);
  for (const dir of dataDirs) {
    for (const file of await filesUnder(dir)) {
      const text = await readFile(file, 'latin1');
      for (const s of secrets) expect(text.includes(s.slice(0, 40)), `${file} holds a secret`).toBe(false);
    }
  }
  for (const output of outputs) for (const s of secrets) expect(output.includes(s.slice(0, 40)), 'a secret was printed').toBe(false);
  await Promise.all([files.remove(), ...dataDirs.map((dir) => rm(dir, { recursive: true, force: true }))]);
});

describe('help and version', () => {
  it('documents the tool and every command, and prints the version', async () => {
    const commands = ['servers add', 'servers import', 'servers list', 'servers remove', 'keys add', 'keys list', 'keys remove', 'status', 'apply', 'history', 'discover'];
    const [tool, ver, group, none, unknown, bare, ...each] = await Promise.all([
      cli(['--help']),
      cli(['--version']),
      cli(['servers', '--help']),
      cli([]),
      cli(['frobnicate']),
      cli(['keys']),
      ...commands.map((c) => cli([...c.split(' '), '--help'])),
    ]);
    expect(tool.code).toBe(0);
    for (const c of commands) expect(tool.stdout).toContain(`bf-license ${c} `);
    expect(tool.stdout).toContain('--data-dir DIR');
    expect(ver).toMatchObject({ code: 0, stdout: `${version}\n` });
    expect(group.code).toBe(0);
    expect(group.stdout).toContain('bf-license servers import FILE [--sheet NAME]');
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('Usage:');
    expectInputError(unknown, /no command "frobnicate".*--help/);
    expectInputError(bare, /keys needs one of: add, list, remove/);
    each.forEach((run, i) => {
      expect(run.code, commands[i]).toBe(0);
      expect(run.stdout).toMatch(new RegExp(`^Usage: bf-license ${commands[i]} `));
      expect(run.stdout).toContain('--data-dir DIR');
    });
    expect(each[0]!.stdout).toContain('--password-stdin');
    expect(each[0]!.stdout).not.toMatch(/--password\s/);
    expect(each[8]!.stdout).toMatch(/--key-label LABEL[\s\S]*--timeout SECONDS/);
  }, 60_000); // many runs: room for a loaded machine

  it('bin/bf-license.js runs the built command, or says to build it', async () => {
    const built = existsSync(join(ROOT, 'out/main/cli.js'));
    const run = await new Promise<Run>((resolve) => {
      const child = spawn(process.execPath, ['bin/bf-license.js', '--version'], { cwd: ROOT });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
      child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
      child.on('close', (code) => resolve({ code, stdout, stderr, ms: 0 }));
    });
    if (built) expect(run).toMatchObject({ code: 0, stdout: `${version}\n` });
    else expectInputError(run, /not built yet.*run `npm run build`/);
  });
});

describe('servers', () => {
  it('adds with --password-stdin, lists, checks and removes servers', async () => {
    const password = secret('stdin-pw');
    const guarded = await sim({ auth: { username: 'admin', password }, state: 'valid' });
    const tlsCert = loadTestCert('localhost');
    const secure = await sim({ tls: { cert: tlsCert.cert, key: tlsCert.key }, state: 'missing' });
    const { run, dir } = await workspace();

    const added = await run(['servers', 'add', '--name', 'cam-01', '--url', `${guarded.url}/`, '--site', 'north', '--username', 'admin', '--password-stdin'], {
      input: `${password}\n`,
    });
    expect(added.code).toBe(0);
    expectCleartextNotice(added.stderr, 1);
    expect(added.stdout).toBe(`Added server "cam-01" (${guarded.url}, site north, with credentials).\n`);
    const pinned = await run(['servers', 'add', '--name', 'vault-door', '--url', secure.url, '--tls-fingerprint', tlsCert.fingerprint256]);
    expect(pinned.code, pinned.stderr).toBe(0);
    expectInputError(await run(['servers', 'add', '--name', 'CAM-01', '--url', 'http://10.0.0.9']), /already exists/);

    const listed = await run(['servers', 'list', '--json']);
    expect(listed.code).toBe(0);
    const servers = json<Record<string, unknown>[]>(listed);
    expect(servers.map((s) => s.name)).toEqual(['cam-01', 'vault-door']);
    for (const s of servers) {
      expect(Object.keys(s).sort()).toEqual(['createdAt', 'hasCredentials', 'id', 'name', 'notes', 'site', 'tlsFingerprint', 'updatedAt', 'url']);
    }
    expect(servers[0]).toMatchObject({ url: guarded.url, site: 'north', hasCredentials: true, tlsFingerprint: null });
    expect(servers[1]).toMatchObject({ hasCredentials: false, tlsFingerprint: tlsCert.fingerprint256 });

    const table = await run(['servers', 'list']);
    expect(table.stdout.split('\n')[0]).toMatch(/^NAME\s+SITE\s+URL\s+CREDENTIALS\s+CERTIFICATE$/);
    expect(table.stdout).toMatch(/cam-01\s+north\s+http:\/\/127\.0\.0\.1:\d+\s+yes\s+-/);
    expect(table.stdout).toMatch(/vault-door\s+-\s+https:\/\/127\.0\.0\.1:\d+\s+no\s+pinned/);

    // The password from standard input (without its line end) logs in; the pin lets TLS through.
    const status = await run(['status', '--json']);
    expect(status.code, status.stdout).toBe(0);
    const results = byName(json<JsonReport>(status));
    expect(results['cam-01']).toMatchObject({ ok: true, state: 'valid', version: '0.30.5', error: null });
    expect(results['vault-door']).toMatchObject({ ok: true, state: 'missing', terms: null });
    expect(guarded.requests.some((r) => r.headers.authorization)).toBe(true);

    expect(await run(['servers', 'remove', 'CAM-01'])).toMatchObject({ code: 0, stdout: 'Removed server "cam-01".\n' });
    expectInputError(await run(['servers', 'remove', 'cam-01']), /No server is named "cam-01": run `bf-license servers list`/);
    expect(json<unknown[]>(await run(['servers', 'list', '--json']))).toHaveLength(1);
    // The removed server's status left the shared cache with it.
    const cache = JSON.parse(await readFile(join(dir, 'status.json'), 'utf8')) as { statuses: unknown[] };
    expect(cache.statuses).toHaveLength(1);
  });

  it('uses BF_FLEET_DATA_DIR when --data-dir is not given', async () => {
    const dir = await tempDir('bf-cli-env-');
    dataDirs.push(dir.path);
    const env = { ...ENV, BF_FLEET_DATA_DIR: dir.path };
    expect((await cli(['servers', 'add', '--name', 'lobby', '--url', 'http://10.0.0.5:8000'], { env })).code).toBe(0);
    const listed = await cli(['servers', 'list', '--json', '--data-dir', dir.path]);
    expect(json<{ name: string }[]>(listed).map((s) => s.name)).toEqual(['lobby']);
    expect(existsSync(join(dir.path, 'servers.json'))).toBe(true);
  });

  it('refuses bad input with exit 2 and one line that says what to do', async () => {
    const password = secret('arg-pw');
    const { run } = await workspace();
    const missingKey = join(files.path, 'no-such-key.txt');
    const runs = await Promise.all([
      run(['status', '--json']),
      run(['status', '--site', 'nowhere']),
      run(['servers', 'add', '--name', 'x', '--url', '10.0.0.5:8000']),
      run(['servers', 'add', '--name', 'x', '--url', 'http://10.0.0.5', '--username', 'admin', '--password', password]),
      run(['servers', 'add', '--name', 'x', '--url', 'http://10.0.0.5', '--username', 'admin', `--password=${password}`]),
      run(['servers', 'add', '--name', 'x', '--url', 'http://10.0.0.5', '--username', 'admin']),
      run(['servers', 'add', '--name', 'x', '--url', 'http://10.0.0.5', '--password-stdin'], { input: password }),
      run(['servers', 'add', '--url', 'http://10.0.0.5']),
      run(['servers', 'add', '--name', 'x', '--url', 'http://10.0.0.5', '--tls-fingerprint', 'AB:CD']),
      run(['servers', 'list', 'extra']),
      run(['status', '--server', 'ghost']),
      run(['status', '--all', '--site', 'north']),
      run(['status', '--concurrency', '0']),
      run(['status', '--timeout', 'soon']),
      run(['status', '--bogus']),
      run(['apply', '--all']),
      run(['apply', '--key', missingKey]),
      run(['apply', '--key', missingKey, '--key-label', 'k', '--all']),
      cli(['servers', 'list', '--data-dir', '']),
    ]);
    const expected = [
      /No servers are registered in .*bf-cli-data-.*: add them with `bf-license servers add`/,
      /No server is at site "nowhere"/,
      /has no scheme: start it with http:\/\/ or https:\/\//,
      /never taken as an argument.*--password-stdin/,
      /never taken as an argument.*--password-stdin/,
      /--username needs --password-stdin/,
      /--password-stdin needs --username USER/,
      /needs --name NAME and --url URL.*servers add --help/,
      /SHA-256 fingerprint/,
      /takes no arguments besides its options/,
      /No server is named "ghost"/,
      /one way only: --all, --site SITE, or --server NAME/,
      /--concurrency needs a whole number from 1 to 256/,
      /--timeout needs a number of seconds/,
      /Unknown option '--bogus'.*status --help/,
      /Give the key one way: --key FILE or --key-label LABEL/,
      /Say which servers: --all, --site SITE, or --server NAME/,
      /Give the key one way/,
      /--data-dir is empty/,
    ];
    runs.forEach((r, i) => expectInputError(r, expected[i]!));
    // An unknown server is refused before the key file is even read; a missing key file after the servers are known.
    await run(['servers', 'add', '--name', 'cam-01', '--url', 'http://127.0.0.1:9']);
    expectInputError(await run(['apply', '--key', missingKey, '--server', 'cam-01']), /“no-such-key.txt” cannot be read.*Check that the file exists/);
    expectInputError(await run(['apply', '--key', missingKey, '--server', 'cam-02']), /No server is named "cam-02"/);
    expectInputError(await run(['apply', '--key-label', 'nope', '--all']), /No key is labelled "nope": run `bf-license keys list`/);
    expect(json<unknown[]>(await run(['keys', 'list', '--json']))).toEqual([]);
    expect(json<unknown[]>(await run(['history', '--json'])).length).toBe(1); // the one server.add
  }, 60_000); // many runs: room for a loaded machine

  it('imports a CSV with a per-row report: exit 1 when a row is refused, 2 when the file is unusable', async () => {
    const password = secret('csv-pw');
    const guarded = await sim({ auth: { username: 'ops', password }, state: 'valid' });
    const { run } = await workspace();
    const csv = join(files.path, 'fleet.csv');
    await writeFile(
      csv,
      [
        'name,url,site,username,password',
        `cam-01,${guarded.url},north,ops,${password}`,
        'cam-02,http://10.0.0.6:8000,south,,',
        'cam-03,10.0.0.7/admin,south,,',
        'cam-02,http://10.0.0.8,south,,',
        'cam-04,http://10.0.0.9,south,admin,',
      ].join('\r\n'),
    );
    const imported = await run(['servers', 'import', csv]);
    expect(imported.code, imported.stderr).toBe(1);
    const [how, ...lines] = imported.stdout.trim().split('\n');
    expect(how).toBe('Read as CSV separated by commas (,).');
    expect(lines[0]).toMatch(/^ROW\s+RESULT\s+NAME\s+URL\s+DETAIL$/);
    expect(lines[1]).toMatch(/^2\s+imported\s+cam-01\s+http:\/\/127\.0\.0\.1:\d+\s+site north, with credentials$/);
    expect(lines[2]).toMatch(/^3\s+imported\s+cam-02\s+http:\/\/10\.0\.0\.6:8000\s+site south$/);
    expect(lines[3]).toMatch(/^4\s+refused\s+cam-03\s+10\.0\.0\.7\/admin\s+.*has a path/);
    expect(lines[4]).toMatch(/^5\s+refused\s+cam-02\s+.*Row 3 of this file has the same name/);
    expect(lines[5]).toMatch(/^6\s+refused\s+cam-04\s+.*username but no password/);
    expect(lines[6]).toBe('2 imported, 3 refused.');

    const servers = json<{ name: string; hasCredentials: boolean }[]>(await run(['servers', 'list', '--json']));
    expect(servers.map((s) => [s.name, s.hasCredentials])).toEqual([
      ['cam-01', true],
      ['cam-02', false],
    ]);
    // The CSV's password went to the keychain and logs in.
    const status = json<JsonReport>(await run(['status', '--server', 'cam-01', '--json']));
    expect(status.results[0]).toMatchObject({ ok: true, state: 'valid' });

    const clean = join(files.path, 'more.csv');
    await writeFile(clean, 'url,name\nhttp://10.0.0.10,cam-05\n');
    expect(await run(['servers', 'import', clean])).toMatchObject({ code: 0, stderr: '' });

    const badHeader = join(files.path, 'bad-header.csv');
    await writeFile(badHeader, 'nom,adresse\ncam-06,http://10.0.0.11\n');
    const unclosed = join(files.path, 'unclosed.csv');
    await writeFile(unclosed, 'name,url\n"cam-07,http://10.0.0.12\n');
    const binary = join(files.path, 'photo.csv');
    await writeFile(binary, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d]));
    expectInputError(await run(['servers', 'import', badHeader]), /cannot be imported.*has no address column/);
    expectInputError(await run(['servers', 'import', unclosed]), /cannot be imported.*not valid CSV/);
    expectInputError(await run(['servers', 'import', binary]), /not a text file/);
    expectInputError(await run(['servers', 'import', join(files.path, 'absent.csv')]), /“absent.csv” cannot be read/);
    expect(json<unknown[]>(await run(['servers', 'list', '--json']))).toHaveLength(3);

    // A workbook, on the sheet named; Excel's ";" CSV with its BOM; --sheet only for workbooks.
    const book = new ExcelJS.Workbook();
    book.addWorksheet('North').addRows([['Name', 'Host'], ['cam-10', '10.0.1.10']]);
    book.addWorksheet('South').addRows([['Name', 'IP Address', 'Location'], ['cam-11', '10.0.1.11:8080', 'south']]);
    const xlsx = join(files.path, 'fleet.xlsx');
    await writeFile(xlsx, Buffer.from(await book.xlsx.writeBuffer()));
    const south = await run(['servers', 'import', xlsx, '--sheet', 'South']);
    expect(south.code, south.stderr).toBe(0);
    expect(south.stdout.split('\n').slice(0, 3)).toEqual(['Read sheet “South” of 2: “North”, “South”.', 'Column “IP Address” read as url.', 'Column “Location” read as site.']);
    expect(south.stdout).toMatch(/^2\s+imported\s+cam-11\s+http:\/\/10\.0\.1\.11:8080\s+site south, from 10\.0\.1\.11:8080$/m);
    expectInputError(await run(['servers', 'import', xlsx, '--sheet', 'West']), /no sheet named “West”: its sheets are “North”, “South”/);
    const semicolons = join(files.path, 'excel.csv');
    await writeFile(semicolons, '\uFEFFname;url\r\ncam-12;10.0.1.12\r\n');
    expect((await run(['servers', 'import', semicolons])).stdout).toMatch(/^Read as CSV separated by semicolons \(;\)\.\n/);
    expectInputError(await run(['servers', 'import', semicolons, '--sheet', 'South']), /--sheet names a sheet of an .xlsx workbook/);
    expect(json<{ name: string }[]>(await run(['servers', 'list', '--json'])).map((s) => s.name)).toEqual(['cam-01', 'cam-02', 'cam-05', 'cam-11', 'cam-12']);
  }, 120_000); // many runs: room for a loaded machine

  it('says plainly when there is no OS keychain, and stores nothing', async () => {
    const { run, dir } = await workspace();
    const env = { ...ENV, DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(files.path, 'no-bus')}` };
    const password = secret('no-keychain-pw');
    const add = await run(['servers', 'add', '--name', 'x', '--url', 'http://10.0.0.5', '--username', 'admin', '--password-stdin'], { input: password, env });
    expectInputError(add, /No OS keychain is available.*Nothing is saved without it/);
    expectInputError(await run(['keys', 'add', await keyFile('no-keychain.key')], { env }), /No OS keychain is available/);
    // Reading needs no keychain.
    expect(await run(['servers', 'list', '--json'], { env })).toMatchObject({ code: 0, stdout: '[]\n' });
    expect(existsSync(join(dir, 'servers.json'))).toBe(false);
  });
});

describe('keys', () => {
  it('adds from a file and from standard input, lists and removes', async () => {
    const { run } = await workspace();
    const file = await keyFile('north-2027.key');
    const fromFile = await run(['keys', 'add', file]);
    expect(fromFile.code, fromFile.stderr).toBe(0);
    expect(fromFile.stdout).toMatch(/^Added key "north-2027" \(fingerprint [0-9a-f]{12}\)\.\n$/);
    const piped = mintKey({ maxStreams: 2 });
    secrets.push(piped);
    const fromStdin = await run(['keys', 'add', '-', '--label', 'spare'], { input: `  ${piped.slice(0, 30)}\n${piped.slice(30)}\n` });
    expect(fromStdin.code, fromStdin.stderr).toBe(0);
    expectInputError(await run(['keys', 'add', file, '--label', 'again']), /already in the vault as “north-2027”/);
    expectInputError(await run(['keys', 'add', join(files.path, 'missing.key')]), /“missing.key” cannot be read/);
    expectInputError(await run(['keys', 'add', '-'], { input: 'not a key!' }), /not base64/);

    const keys = json<Record<string, unknown>[]>(await run(['keys', 'list', '--json']));
    expect(keys.map((k) => k.label)).toEqual(['north-2027', 'spare']);
    for (const k of keys) expect(Object.keys(k).sort()).toEqual(['addedAt', 'bytes', 'fingerprint', 'id', 'label', 'learned', 'shortFingerprint']);
    for (const k of keys) expect(k.learned).toBeNull(); // never applied yet
    const table = await run(['keys', 'list']);
    expect(table.stdout).toMatch(/^LABEL\s+FINGERPRINT\s+ADDED\s+TERMS\nnorth-2027\s+[0-9a-f]{12}\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+terms not known yet\nspare\s+/);

    expect(await run(['keys', 'remove', 'SPARE'])).toMatchObject({ code: 0, stdout: 'Removed key "spare".\n' });
    expectInputError(await run(['keys', 'remove', 'spare']), /No key is labelled "spare"/);
    expect(json<unknown[]>(await run(['keys', 'list', '--json']))).toHaveLength(1);
  });
});

describe('a mixed fleet', () => {
  const password = secret('fleet-pw');
  let ws: Awaited<ReturnType<typeof workspace>>;
  let good: SimServer;
  let wrongPassword: SimServer;
  const inYear = utcDateFromToday(400);

  beforeAll(async () => {
    ws = await workspace();
    const auth = { username: 'admin', password };
    good = await sim({ auth, terms: { max_streams: 8, expiration_date: inYear } });
    wrongPassword = await sim({ auth, state: 'valid' });
    const servers: [string, string, SimServer, string][] = [
      ['good', 'north', good, password],
      ['soon', 'north', await sim({ terms: { expiration_date: utcDateFromToday(10) } }), ''],
      ['lapsed', 'north', await sim({ state: 'expired' }), ''],
      ['blank', 'north', await sim({ state: 'missing' }), ''],
      ['locked', 'south', wrongPassword, secret('wrong-pw')],
      ['dark', 'south', await sim({ fault: 'refuse' }), ''],
      ['frozen', 'south', await sim({ fault: 'hang' }), ''],
      ['booting', 'south', await sim({ fault: 'starting' }), ''],
    ];
    const csv = join(files.path, 'mixed.csv');
    const rows = servers.map(([name, site, s, pw]) => [name, s.url, site, pw && 'admin', pw].join(','));
    await writeFile(csv, ['name,url,site,username,password', ...rows].join('\n'));
    const imported = await ws.run(['servers', 'import', csv]);
    expect(imported.code, imported.stdout).toBe(0);
  });

  it('status --json: every server, exact shape, failures with their kinds, exit 1', async () => {
    const run = await ws.run(['status', '--all', '--json', '--timeout', '1']);
    expect(run.code).toBe(1);
    expectCleartextNotice(run.stderr, 1); // on stderr only: stdout stays pure JSON
    expect(run.ms).toBeLessThan(10_000); // the hanging server costs its own 1 s only
    const report = json<JsonReport>(run);
    expect(Object.keys(report).sort()).toEqual(['results', 'summary']);
    expect(report.summary).toEqual({ total: 8, ok: 4, failed: 4 });
    for (const r of report.results) {
      expect(Object.keys(r).sort()).toEqual(RESULT_KEYS);
      if (r.terms) expect(Object.keys(r.terms).sort()).toEqual(TERMS_KEYS);
      if (r.error) expect(Object.keys(r.error).sort()).toEqual(['kind', 'message']);
    }
    const results = byName(report);
    expect(results.good).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: 'good',
      url: good.url,
      site: 'north',
      ok: true,
      state: 'valid',
      terms: { online_checkin: false, max_streams: 8, journal_max_allowed_age: 2_592_000, expiration_date: inYear },
      version: '0.30.5',
      error: null,
    });
    expect(results.soon).toMatchObject({ ok: true, state: 'valid' });
    expect(results.lapsed).toMatchObject({ ok: true, state: 'expired' });
    expect(results.lapsed!.terms!.expiration_date! < todayUtc()).toBe(true);
    expect(results.blank).toMatchObject({ ok: true, state: 'missing', terms: null });
    const failures = Object.fromEntries(report.results.filter((r) => !r.ok).map((r) => [r.name, r.error!.kind]));
    expect(failures).toEqual({ locked: 'UnauthorizedError', dark: 'Unreachable', frozen: 'Timeout', booting: 'ServerNotReady' });
    expect(results.locked).toMatchObject({ state: null, terms: null, version: null });
    expect(results.frozen!.error!.message).toMatch(/within 1 s/);
  });

  it('status as a table: aligned, state words, expiry in days, the reason of each failure', async () => {
    const north = await ws.run(['status', '--site', 'north']);
    expect(north.code).toBe(0);
    expectCleartextNotice(north.stderr, 1);
    const [header, ...rows] = north.stdout.split('\n');
    expect(header).toMatch(/^NAME\s+SITE\s+STATE\s+EXPIRES\s+STREAMS\s+JOURNAL\s+CHECK-IN\s+VERSION\s+RESULT$/);
    const column = (name: string) => header!.indexOf(name);
    const cell = (name: string) => rows.find((r) => r.startsWith(`${name} `))!.slice(column('STATE')).split(/\s{2,}/)[0];
    expect([cell('good'), cell('soon'), cell('lapsed'), cell('blank')]).toEqual(['valid', 'expiring', 'expired', 'missing']);
    for (const row of rows.slice(0, 4)) expect(row.slice(column('RESULT'))).toBe('ok');
    expect(rows.find((r) => r.startsWith('good '))).toMatch(new RegExp(`${inYear} \\(in \\d+ days\\)\\s+8\\s+30 d\\s+no\\s+0\\.30\\.5`));
    expect(rows.find((r) => r.startsWith('lapsed '))).toMatch(/\d{4}-\d\d-\d\d \(expired \d+ days ago\)/);
    expect(north.stdout).toContain('\n4 servers: 4 ok, 0 failed.\n');

    const all = await ws.run(['status', '--timeout', '1']);
    expect(all.code).toBe(1);
    expect(all.stdout).toMatch(/\nlocked\s+south\s+unknown\s+unknown\s+-\s+-\s+-\s+-\s+failed: Wrong username or password\n/);
    expect(all.stdout).toMatch(/\nlocked: Wrong username or password.*Check the credentials/);
    expect(all.stdout).toMatch(/\nfrozen: No answer in time.*raise the timeout/);
    expect(all.stdout).toContain('\n8 servers: 4 ok, 4 failed.\n');
  });

  it('shows a live progress line on a terminal only', async () => {
    const quote = (arg: string) => `'${arg.replace(/'/g, `'\\''`)}'`;
    const command = [process.execPath, '--import', 'tsx', 'electron/cli/main.ts', 'status', '--site', 'north', '--data-dir', ws.dir].map(quote).join(' ');
    const run = await new Promise<Run>((resolve) => {
      const child = spawn('script', ['-qec', command, '/dev/null'], { cwd: ROOT, env: ENV });
      let stdout = '';
      child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
      child.on('close', (code) => resolve({ code, stdout, stderr: '', ms: 0 }));
      child.stdin.end();
    });
    outputs.push(run.stdout);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('\r\u001b[2Kstatus: 0/4 done, 0 failed');
    expect(run.stdout).toContain('\r\u001b[2Kstatus: 4/4 done, 0 failed');
    expect(run.stdout).toContain('4 servers: 4 ok, 0 failed.');
  });

  it('apply --json: the key takes where the server answers, exit 1 for the rest', async () => {
    const file = await keyFile('fleet-2027.key', { maxStreams: 12 });
    const run = await ws.run(['apply', '--key', file, '--all', '--json', '--timeout', '1', '--concurrency', '3']);
    expect(run.code).toBe(1);
    expectCleartextNotice(run.stderr, 1); // the key text goes to plain-http servers: said once
    const report = json<JsonReport>(run);
    expect(report.summary).toEqual({ total: 8, ok: 4, failed: 4 });
    for (const r of report.results) expect(Object.keys(r).sort()).toEqual(APPLY_RESULT_KEYS);
    for (const r of report.results.filter((r) => r.ok)) {
      expect(r).toMatchObject({ state: 'valid', error: null, version: '0.30.5' });
      expect(r.terms!.max_streams).toBe(12);
    }
    const failures = Object.fromEntries(report.results.filter((r) => !r.ok).map((r) => [r.name, r.error!.kind]));
    expect(failures).toEqual({ locked: 'UnauthorizedError', dark: 'Unreachable', frozen: 'Timeout', booting: 'ServerNotReady' });
    // The servers really hold the new key now; the one with the wrong password was never changed.
    expect(good.license().terms?.max_streams).toBe(12);
    expect(wrongPassword.putCount).toBe(0);
  });

  it('apply of a key the server refuses: not ok, with the last known license', async () => {
    const expired = await keyFile('old.key', { expired: true });
    const run = await ws.run(['apply', '--key', expired, '--server', 'good', '--json']);
    expect(run.code).toBe(1);
    const [result] = json<JsonReport>(run).results;
    expect(result).toMatchObject({ name: 'good', ok: false, state: 'valid', version: '0.30.5', error: { kind: 'LicenseExpiredError' } });
    expect(result!.terms!.max_streams).toBe(12);
    expect(good.license().terms?.max_streams).toBe(12);
  });

  it('reuses a key already in the vault, applies by label, and records history under its label', async () => {
    const file = join(files.path, 'fleet-2027.key');
    const again = await ws.run(['apply', '--key', file, '--server', 'good', '--server', 'soon']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/\ngood\s+north\s+valid\s+.*\s+applied\n/);
    expect(again.stdout).toContain('\n2 servers: 2 applied, 0 failed.\n');
    const byLabel = await ws.run(['apply', '--key-label', 'FLEET-2027', '--site', 'north', '--json']);
    expect(byLabel.code).toBe(0);
    expect(json<JsonReport>(byLabel).summary).toEqual({ total: 4, ok: 4, failed: 0 });

    const keys = json<{ label: string; fingerprint: string }[]>(await ws.run(['keys', 'list', '--json']));
    expect(keys.map((k) => k.label)).toEqual(['fleet-2027', 'old']);
    const history = json<{ time: string; action: string; server: { name: string } | null; key: { label: string; fingerprint: string } | null; outcome: { ok: boolean; error: { kind: string } | null } }[]>(
      await ws.run(['history', '--json']),
    );
    const applies = history.filter((e) => e.action === 'license.apply');
    expect(applies).toHaveLength(8 + 1 + 2 + 4);
    expect(applies.filter((e) => e.key?.label === 'fleet-2027').every((e) => e.key!.fingerprint === keys[0]!.fingerprint)).toBe(true);
    expect(applies.find((e) => e.server?.name === 'locked')?.outcome).toMatchObject({ ok: false, error: { kind: 'UnauthorizedError' } });
    expect(history.at(-1)!.action).toBe('server.import'); // newest first
    expect(history[0]!.time >= history.at(-1)!.time).toBe(true);

    const table = await ws.run(['history']);
    expect(table.stdout.split('\n')[0]).toMatch(/^TIME\s+ACTION\s+SERVER\s+KEY\s+OUTCOME$/);
    expect(table.stdout).toMatch(/license\.apply\s+good\s+fleet-2027 \([0-9a-f]{12}\)\s+applied \(valid\)/);
    expect(table.stdout).toMatch(/license\.apply\s+locked\s+fleet-2027 \([0-9a-f]{12}\)\s+failed: Wrong username or password/);
    expect(table.stdout).toMatch(/license\.apply\s+good\s+old \([0-9a-f]{12}\)\s+failed: Key expired/);
  });
});

describe('status --streams', () => {
  let ws: Awaited<ReturnType<typeof workspace>>;
  const servers: Record<string, SimServer> = {};

  beforeAll(async () => {
    ws = await workspace();
    const fleet: Array<[string, SimServerOptions]> = [
      ['roomy', { terms: { max_streams: 8 }, streams: { total: 6, analyzed: 4 } }],
      ['full', { terms: { max_streams: 8 }, streams: { total: 9, analyzed: 8 } }],
      ['over', { terms: { max_streams: 4 }, streams: { total: 8, analyzed: 6 } }],
      ['unlicensed', { state: 'missing', streams: { total: 8, analyzed: 6 } }],
      ['dark', { fault: 'refuse' }],
    ];
    const csv = join(files.path, 'streams.csv');
    const rows: string[] = [];
    for (const [name, options] of fleet) {
      servers[name] = await sim(options);
      rows.push(`${name},${servers[name].url}`);
    }
    await writeFile(csv, ['name,url', ...rows].join('\n'));
    expect((await ws.run(['servers', 'import', csv])).code).toBe(0);
  });

  const streamRequests = () => Object.values(servers).flatMap((s) => s.requests).filter((r) => r.path.startsWith('/api/streams'));

  it('--json: each result gains streams {configured, analyzed}, null where unknown', async () => {
    const run = await ws.run(['status', '--streams', '--json', '--timeout', '2']);
    expect(run.code).toBe(1); // the dark server
    const report = json<{ results: Array<JsonResult & { streams: unknown }> }>(run);
    for (const r of report.results) expect(Object.keys(r).sort()).toEqual([...RESULT_KEYS, 'streams'].sort());
    const streams = Object.fromEntries(report.results.map((r) => [r.name, r.streams]));
    expect(streams).toEqual({
      roomy: { configured: 6, analyzed: 4 },
      full: { configured: 9, analyzed: 8 },
      over: { configured: 8, analyzed: 6 },
      unlicensed: null,
      dark: null,
    });
  });

  it('as a table: analysed / max, marked near and over the limit, unknown where unread', async () => {
    const run = await ws.run(['status', '--streams', '--timeout', '2']);
    const [header, ...rows] = run.stdout.split('\n');
    expect(header).toMatch(/^NAME\s+SITE\s+STATE\s+EXPIRES\s+STREAMS\s+ANALYSED\s+JOURNAL\s/);
    const cell = (name: string) => rows.find((r) => r.startsWith(`${name} `))!.slice(header!.indexOf('ANALYSED')).split(/\s{2,}/)[0];
    expect([cell('roomy'), cell('full'), cell('over'), cell('unlicensed'), cell('dark')]).toEqual([
      '4 / 8',
      '8 / 8 near the limit',
      '6 / 4 over the limit',
      'unknown',
      'unknown',
    ]);
    // Below the table, each problem with its likely cause and next step.
    expect(run.stdout).toContain('\nover: Over the stream limit: It analyses 6 streams and its license allows 4');
    expect(run.stdout).toContain('Next: Apply a key for at least 6 streams, or turn analysis off on 2 streams.\n');
    expect(run.stdout).toContain('\nfull: Near the stream limit: It analyses 8 of the 8 streams');
    expect(run.stdout).toContain('\nunlicensed: No license: No key is loaded: BrainFrame analyses no stream. Next: Apply a key.\n');
    expect(run.stdout).toMatch(/\ndark: Server unreachable: .* Likely cause: Nothing answered at this address/);
    expect(run.stdout).not.toMatch(/\nroomy: /);
  });

  it('without --streams: no streams field, and no stream request sent', async () => {
    for (const s of Object.values(servers)) s.requests.length = 0;
    const report = json<JsonReport>(await ws.run(['status', '--json', '--timeout', '2']));
    for (const r of report.results) expect(Object.keys(r).sort()).toEqual(RESULT_KEYS);
    expect(report.results.find((r) => r.name === 'roomy')).toMatchObject({ ok: true, state: 'valid' });
    expect(servers.roomy!.requests.length).toBeGreaterThan(0);
    expect(streamRequests()).toEqual([]);
  });
});
