// Where the passwords and key texts of a whole working session end up: a session through the IPC
// handlers (everything the renderer can ever hold) and the command line on one data folder, with
// failures on purpose. Afterwards a scan of the data folder, logs, CSV exports, command output and
// every IPC answer and event finds none of them.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FleetCore } from '../../electron/core/fleet-core';
import { KEYCHAIN_SERVICE_ENV, KeytarSecretStore } from '../../electron/core/secrets/secret-store';
import type { OperationSummary, Result } from '../../electron/ipc/contract';
import { IpcHandlers } from '../../electron/ipc/handlers';
import ExcelJS from 'exceljs';
import { runCli } from '../helpers/cli';
import { SecretScan } from '../helpers/secret-scan';
import { tempDir } from '../helpers/keyring';
import { mintKey } from '../sim/keys';
import { startSimServer, type SimServer } from '../sim/server';
import { loadTestCert } from '../sim/tls';

const scan = new SecretScan();
const service = `bf-secrets-${randomUUID()}`;
const env = { ...process.env, [KEYCHAIN_SERVICE_ENV]: service };
const north = scan.addCredentials({ username: 'admin', password: `north-${randomUUID()}` });
const south = scan.addCredentials({ username: 'operator', password: `south-${randomUUID()}` });
const pinned = scan.addCredentials({ username: 'admin', password: `pinned-${randomUUID()}` });
// Passwords that come only from .xlsx workbooks, through the app and through the command line.
const sheet = scan.addCredentials({ username: 'viewer', password: `sheet-${randomUUID()}` });
const sheetCli = scan.addCredentials({ username: 'viewer', password: `sheet-cli-${randomUUID()}` });
const keys = [mintKey({ maxStreams: 8 }), mintKey({ maxStreams: 16 }), mintKey({ maxStreams: 32, padding: 3000 })].map((k) => scan.addKey(k));
const cert = loadTestCert('localhost');

let data: Awaited<ReturnType<typeof tempDir>>;
let inputs: Awaited<ReturnType<typeof tempDir>>;
let core: FleetCore;
let handlers: IpcHandlers;
let sims: SimServer[];
/** Everything the renderer could hold: answers and events. */
const renderer: unknown[] = [];
const commandOutput: string[] = [];
const exports: string[] = [];
const logged: unknown[][] = [];

async function call<T>(channel: string, input?: unknown): Promise<Result<T>> {
  const result = (await handlers.invoke(channel, input)) as Result<T>;
  renderer.push(result);
  return result;
}

async function ok<T>(channel: string, input?: unknown): Promise<T> {
  const result = await call<T>(channel, input);
  if (!result.ok) throw new Error(`${channel}: ${result.error.message}`);
  return result.value;
}

function done(): Promise<OperationSummary> {
  return new Promise((resolve) => {
    const sub = handlers.onEvent((e) => {
      if (e.channel === 'fleet.done') {
        sub.dispose();
        resolve(e.payload as OperationSummary);
      }
    });
  });
}

/** An .xlsx workbook of one sheet, as ExcelJS writes it. */
async function workbook(rows: unknown[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.addWorksheet('Fleet').addRows(rows);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

async function cli(args: string[], input = '') {
  const run = await runCli([...args, '--data-dir', data.path], { env, input });
  commandOutput.push(run.stdout, run.stderr);
  return run;
}

beforeAll(async () => {
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void logged.push(args));
  }
  data = await tempDir('bf-secrets-data-');
  inputs = await tempDir('bf-secrets-inputs-');
  sims = await Promise.all([
    startSimServer({ auth: north, state: 'valid' }),
    startSimServer({ auth: south, state: 'expired', fault: 'expire-session' }),
    startSimServer({ auth: pinned, tls: cert, state: 'missing' }),
    startSimServer({ fault: 'refuse' }),
  ]);
  core = await FleetCore.open({ dataDir: data.path, secrets: new KeytarSecretStore(service) });
  handlers = new IpcHandlers(core, { appVersion: '1.0.0', platform: 'test', saveFile: async (name, content) => (exports.push(content), `/exports/${name}`) });
  handlers.onEvent((event) => renderer.push(event));
}, 30_000);

afterAll(async () => {
  vi.restoreAllMocks();
  handlers?.dispose();
  await core?.close();
  await Promise.all(sims.map((s) => s.close()));
  await Promise.all([data?.remove(), inputs?.remove()]);
});

describe('a working session, with failures on purpose', () => {
  it('through the IPC handlers', async () => {
    await ok('servers.add', { name: 'North', url: sims[0]!.url, site: 'hq', credentials: north });
    await ok('servers.add', { name: 'Pinned', url: sims[2]!.url, tlsFingerprint: cert.fingerprint256, credentials: pinned });
    // Refused on the way in, each echoing none of what was typed.
    for (const bad of [
      { name: 'In URL', url: `http://admin:${north.password}@10.0.0.9` },
      { name: 'No user', url: 'http://10.0.0.9', credentials: { username: '', password: north.password } },
      { name: 'Huge', url: 'http://10.0.0.9', credentials: { username: 'admin', password: `${north.password}${'x'.repeat(2000)}` } },
    ]) expect((await call('servers.add', bad)).ok).toBe(false);
    expect(await call('servers.test', { url: sims[0]!.url, credentials: { username: 'admin', password: south.password } })).toMatchObject({ ok: false, error: { kind: 'UnauthorizedError' } });
    expect(await call('servers.test', { url: sims[2]!.url, credentials: pinned })).toMatchObject({ ok: false, error: { kind: 'TlsError' } });
    await ok('servers.test', { url: sims[0]!.url, credentials: north });

    const csv = `name,url,site,username,password\nSouth,${sims[1]!.url},branch,${south.username},${south.password}\nBroken,10.0.0.7/login,branch,admin,${south.password}\nDead,${sims[3]!.url},branch,admin,${pinned.password}\nLeaky,http://admin:${pinned.password}@10.0.0.5,branch,,\n`;
    expect(await ok('servers.previewCsv', { text: csv })).toMatchObject({ accepted: 2, refused: 2 });
    await ok('servers.importCsv', { text: csv });
    const xlsx = (
      await workbook([
        ['Name', 'Host', 'Login', 'Pwd'],
        ['Sheet cam', sims[3]!.url, sheet.username, sheet.password],
        ['Sheet leaky', `http://viewer:${sheet.password}@10.0.0.5`, '', ''],
        ['Sheet path', `${sims[3]!.url}/admin`, sheet.username, sheet.password],
      ])
    ).toString('base64');
    expect(await ok('servers.previewCsv', { xlsx })).toMatchObject({ accepted: 1, refused: 2 });
    await ok('servers.importCsv', { xlsx });
    const ids = (await ok<{ id: string }[]>('servers.list')).map((s) => s.id);

    const first = await ok<{ id: string }>('keys.add', { text: `\n${keys[0]}\n`, fileName: 'C:\\licenses\\hq-2027.key' });
    await ok('keys.add', { text: keys[2], label: 'large key' });
    expect((await call('keys.add', { text: `${keys[1]}!!` })).ok).toBe(false);
    expect((await call('keys.add', { text: keys[0] })).ok).toBe(false); // a duplicate

    let finished = done();
    await ok('fleet.refresh', { serverIds: ids });
    await finished;
    finished = done();
    const { operationId } = await ok<{ operationId: string }>('fleet.apply', { keyId: first.id, serverIds: ids });
    expect((await finished).counts.failed).toBeGreaterThan(0);
    finished = done();
    await ok('fleet.retry', { operationId });
    await finished;
    await ok('status.list');
    await ok('history.list', {});
    await ok('keys.applications');
    await ok('app.info');
    const southId = (await ok<{ id: string; name: string }[]>('servers.list')).find((s) => s.name === 'South')!.id;
    await ok('servers.update', { id: southId, changes: { credentials: { username: 'operator', password: south.password } } });
    await ok('files.save', { suggestedName: 'fleet.csv', content: core.registry.exportCsv() });
  });

  it('through the command line, on the same folder', async () => {
    const keyFile = join(inputs.path, 'branch.key');
    await writeFile(keyFile, `${keys[1]}\n`);
    const csvFile = join(inputs.path, 'more.csv');
    await writeFile(csvFile, `name,url,username,password\nYard,http://127.0.0.1:9,admin,${north.password}\n`);
    const xlsxFile = join(inputs.path, 'more.xlsx');
    await writeFile(xlsxFile, await workbook([['name', 'ip address', 'user', 'password'], ['Sheet yard', sims[3]!.url, sheetCli.username, sheetCli.password]]));
    const runs = [
      await cli(['servers', 'add', '--name', 'Gate', '--url', sims[0]!.url, '--username', 'admin', '--password-stdin'], `${north.password}\n`),
      await cli(['servers', 'add', '--name', 'Argv', '--url', 'http://10.0.0.6', '--username', 'admin', `--password=${south.password}`]),
      await cli(['servers', 'add', '--name', 'Url', '--url', `http://admin:${south.password}@10.0.0.6`]),
      await cli(['servers', 'import', csvFile]),
      await cli(['servers', 'import', xlsxFile]),
      await cli(['keys', 'add', keyFile, '--label', 'branch']),
      await cli(['status', '--all', '--json']),
      await cli(['status', '--all']),
      await cli(['apply', '--key', keyFile, '--site', 'branch', '--json']),
      await cli(['apply', '--key-label', 'large key', '--server', 'North']),
      await cli(['servers', 'list', '--json']),
      await cli(['keys', 'list', '--json']),
      await cli(['history', '--json']),
      await cli(['history']),
    ];
    expect(runs.filter((r) => r.code === 2)).toHaveLength(2); // the password as an argument, and in the URL
    expect(runs[4]!.stdout).toMatch(/Sheet yard .* with credentials/);
    expect(runs.every((r) => r.signal === null)).toBe(true);
  }, 120_000); // fourteen runs of the command line: room for a loaded machine
});

describe('afterwards, no password or key text', () => {
  it('in the data folder: registry, keys, status, history, settings, backups', async () => {
    await core.status.flush();
    await scan.folder(data.path);
    expect(scan.findings).toEqual([]);
  });

  it('in anything the renderer can hold: every IPC answer and event', () => {
    expect(renderer.length).toBeGreaterThan(40);
    for (const [i, value] of renderer.entries()) scan.value(`IPC ${i}`, value);
    expect(scan.findings).toEqual([]);
  });

  it('in the CSV export, the command output or the logs', () => {
    expect(exports).toHaveLength(1);
    for (const csv of exports) scan.text('CSV export', csv);
    for (const output of commandOutput) scan.text('command output', output);
    scan.value('console', logged);
    expect(scan.findings).toEqual([]);
  });

  it('and the scan was not vacuous: the secrets were there to be found', async () => {
    const control = new SecretScan();
    control.addCredentials(north);
    control.addKey(keys[0]!);
    control.text('the key file', `${keys[0]}\n`);
    control.text('a Basic header', `Authorization: Basic ${Buffer.from(`admin:${north.password}`).toString('base64')}`);
    control.value('an answer', { password: north.password });
    expect(control.findings).toHaveLength(3);
    // The servers were sent the passwords, and the keys reached them: the session really used them.
    expect(sims[0]!.requests.some((r) => r.headers.authorization === `Basic ${Buffer.from(`admin:${north.password}`).toString('base64')}`)).toBe(true);
    expect(sims[0]!.license().terms?.max_streams).toBe(32);
  });
});
