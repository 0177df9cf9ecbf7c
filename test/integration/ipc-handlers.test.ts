import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMAND_CHANNELS, type CommandChannel, type OperationSummary, type Result } from '../../electron/ipc/contract';
import { IpcHandlers, type EmittedEvent } from '../../electron/ipc/handlers';
import { FleetCore } from '../../electron/core/fleet-core';
import { startSimServer, type SimServer } from '../sim/server';
import { mintKey } from '../sim/keys';
import { tempDir, testKeychain } from '../helpers/keyring';

const PASSWORD = 'ipc-secret-pass-93d1';
const KEY = mintKey({ maxStreams: 6 });
let dir: Awaited<ReturnType<typeof tempDir>>;
let core: FleetCore;
let handlers: IpcHandlers;
let sims: SimServer[];
const events: EmittedEvent[] = [];
const answers: unknown[] = [];
const saved: Array<[string, string]> = [];

async function call<T = unknown>(channel: string, input?: unknown): Promise<Result<T>> {
  const result = (await handlers.invoke(channel, input)) as Result<T>;
  answers.push(result);
  return result;
}

async function ok<T>(channel: string, input?: unknown): Promise<T> {
  const result = await call<T>(channel, input);
  if (!result.ok) throw new Error(`${channel} failed: ${result.error.kind}: ${result.error.message}`);
  return result.value;
}

function nextEvent(channel: string, predicate: (payload: never) => boolean = () => true): Promise<unknown> {
  return new Promise((resolve) => {
    const sub = handlers.onEvent((event) => {
      if (event.channel === channel && predicate(event.payload as never)) {
        sub.dispose();
        resolve(event.payload);
      }
    });
  });
}

beforeAll(async () => {
  dir = await tempDir('bf-ipc-');
  core = await FleetCore.open({ dataDir: dir.path, secrets: testKeychain() });
  handlers = new IpcHandlers(core, {
    appVersion: '9.9.9',
    platform: 'test',
    saveFile: async (name, content) => {
      saved.push([name, content]);
      return `/saved/${name}`;
    },
  });
  handlers.onEvent((e) => events.push(e));
  const auth = { username: 'admin', password: PASSWORD };
  sims = await Promise.all([
    startSimServer({ auth, state: 'valid' }),
    startSimServer({ auth, state: 'expired', latencyMs: 400 }),
    startSimServer({ fault: 'refuse' }),
  ]);
});

afterAll(async () => {
  handlers.dispose();
  await core.close();
  await Promise.all(sims.map((s) => s.close()));
  await dir.remove();
});

describe('input validation', () => {
  // One malformed input per command: wrong types, unknown fields, oversized values.
  const BAD: Record<CommandChannel, unknown> = {
    'app.info': { extra: true },
    'servers.list': 'all',
    'servers.add': { name: 'a', url: 'http://10.0.0.1', password: 'x' },
    'servers.update': { id: 'x', changes: { url: 42 } },
    'servers.remove': { ids: 'one' },
    'servers.test': { url: ['http://10.0.0.1'] },
    'servers.previewCsv': { text: 5 },
    'servers.importCsv': {},
    'status.list': null,
    'keys.list': [1],
    'keys.add': { text: 'a'.repeat(1_000_001) },
    'keys.remove': { id: '' },
    'keys.applications': { id: 7 }, // it takes nothing: every key's applications at once
    'fleet.refresh': { serverIds: [null] },
    'fleet.apply': { keyId: 'k', serverIds: 'all' },
    'discovery.start': { targets: ['127.0.0.1'], ports: '80', concurrency: 0 },
    'discovery.add': { urls: 'http://127.0.0.1:1' },
    'fleet.cancel': {},
    'fleet.retry': { operationId: 'x'.repeat(101) },
    'history.list': { limit: -1 },
    'settings.get': 0,
    'settings.update': { refreshIntervalMinutes: -5 },
    'files.save': { suggestedName: '', content: 'x' },
    'report.save': { serverIds: null, scope: 'all', format: 'docx' },
  };

  it.each(COMMAND_CHANNELS)('%s refuses malformed input with InvalidInput, before any work', async (channel) => {
    const before = core.registry.list().length;
    const result = await call(channel, BAD[channel]);
    expect(result).toMatchObject({ ok: false, error: { kind: 'InvalidInput' } });
    if (!result.ok) expect(result.error.message).toMatch(new RegExp(`^Refused ${channel.replace('.', '\\.')}: `));
    expect(core.registry.list()).toHaveLength(before);
  });

  it('refuses a channel outside the contract', async () => {
    expect(await call('shell.exec', { cmd: 'rm -rf /' })).toMatchObject({ ok: false, error: { kind: 'UnknownChannel' } });
  });
});

describe('servers', () => {
  it('adds, lists, edits and removes, never returning credentials', async () => {
    const added = await ok<{ id: string; hasCredentials: boolean }>('servers.add', {
      name: 'North gate',
      url: sims[0]!.url,
      site: 'north',
      credentials: { username: 'admin', password: PASSWORD },
    });
    expect(added.hasCredentials).toBe(true);
    expect(await ok('servers.list')).toEqual([expect.objectContaining({ name: 'North gate', site: 'north' })]);
    const edited = await ok<{ notes: string }>('servers.update', { id: added.id, changes: { notes: 'rack 4' } });
    expect(edited.notes).toBe('rack 4');
    const duplicate = await call('servers.add', { name: 'north GATE', url: sims[1]!.url });
    expect(duplicate).toMatchObject({ ok: false, error: { kind: 'DuplicateName' } });
  });

  it('tests a connection with typed credentials, or the stored ones, saving nothing', async () => {
    const typed = await ok('servers.test', { url: sims[0]!.url, credentials: { username: 'admin', password: PASSWORD } });
    expect(typed).toMatchObject({ version: '0.30.5', license: { state: 'valid' } });
    const [stored] = await ok<Array<{ id: string }>>('servers.list');
    expect(await ok('servers.test', { url: sims[0]!.url, id: stored!.id })).toMatchObject({ license: { state: 'valid' } });
    const wrong = await call('servers.test', { url: sims[0]!.url, credentials: { username: 'admin', password: 'nope' } });
    expect(wrong).toMatchObject({ ok: false, error: { kind: 'UnauthorizedError' } });
    const refused = await call('servers.test', { url: sims[2]!.url });
    expect(refused).toMatchObject({ ok: false, error: { kind: 'Unreachable' } });
    expect(await ok('servers.list')).toHaveLength(1);
  });

  it('previews and imports CSV with the same verdicts', async () => {
    const csv = `name,url,site,username,password\nSouth,${sims[1]!.url},south,admin,${PASSWORD}\nBroken,10.0.0.9/login,south,,\nDead,${sims[2]!.url},south,,\n`;
    const preview = await ok<{ accepted: number; refused: number }>('servers.previewCsv', { text: csv });
    expect(preview).toMatchObject({ accepted: 2, refused: 1 });
    expect(await ok('servers.list')).toHaveLength(1);
    expect(await ok('servers.importCsv', { text: csv })).toEqual(preview);
    expect(await ok('servers.list')).toHaveLength(3);
  });
});

describe('keys and fleet operations', () => {
  let keyId: string;

  it('adds a key and shows only its metadata', async () => {
    const key = await ok<{ id: string; label: string; shortFingerprint: string }>('keys.add', { text: `\n${KEY}\n`, fileName: 'C:\\keys\\north-2031.key' });
    keyId = key.id;
    expect(key.label).toBe('north-2031');
    expect(key.shortFingerprint).toMatch(/^[0-9a-f]{12}$/);
    expect(await call('keys.add', { text: KEY })).toMatchObject({ ok: false, error: { kind: 'DuplicateKey' } });
  });

  it('refreshes, sending progress, statuses and one summary', async () => {
    const ids = (await ok<Array<{ id: string }>>('servers.list')).map((s) => s.id);
    const done = nextEvent('fleet.done') as Promise<OperationSummary>;
    const statusChanged = nextEvent('status.changed');
    const started = await ok<{ operationId: string; counts: { total: number } }>('fleet.refresh', { serverIds: ids });
    expect(started.counts.total).toBe(3);
    const summary = await done;
    expect(summary.id).toBe(started.operationId);
    expect(summary.counts).toMatchObject({ total: 3, ok: 2, failed: 1 });
    // Every server's start and end, in batches that all arrive before the summary.
    const progress = events.filter((e) => e.channel === 'fleet.progress').flatMap((e) => e.payload as Array<{ operationId: string }>);
    expect(progress.filter((p) => p.operationId === summary.id)).toHaveLength(6);
    expect(events.filter((e) => e.channel === 'fleet.progress').length).toBeLessThan(6);
    expect(await statusChanged).toEqual(expect.arrayContaining([expect.objectContaining({ reachability: 'online' })]));
    expect(await ok<unknown[]>('status.list')).toHaveLength(3);
  });

  it('applies, cancels and retries by operation id', async () => {
    const ids = (await ok<Array<{ id: string; name: string }>>('servers.list')).map((s) => s.id);
    const done = nextEvent('fleet.done') as Promise<OperationSummary>;
    const { operationId } = await ok<{ operationId: string }>('fleet.apply', { keyId, serverIds: ids });
    const summary = await done;
    expect(summary.id).toBe(operationId);
    expect(summary.key?.id).toBe(keyId);
    expect(summary.counts).toMatchObject({ ok: 2, failed: 1 });
    expect(await call('fleet.cancel', { operationId })).toMatchObject({ ok: false, error: { kind: 'NotFound' } });

    await sims[2]!.setFault(null);
    const retried = nextEvent('fleet.done') as Promise<OperationSummary>;
    await ok('fleet.retry', { operationId });
    expect((await retried).counts).toMatchObject({ total: 1, ok: 1, failed: 0 });

    const slow = nextEvent('fleet.done') as Promise<OperationSummary>;
    const { operationId: slowId } = await ok<{ operationId: string }>('fleet.refresh', { serverIds: ids });
    await ok('fleet.cancel', { operationId: slowId });
    expect((await slow).cancelled).toBe(true);

    const applications = await ok<Record<string, Array<{ server: { name: string }; outcome: { ok: boolean } }>>>('keys.applications');
    expect(applications[keyId]).toHaveLength(4);
    const history = await ok<Array<{ action: string }>>('history.list', { serverId: ids[0], limit: 50 });
    expect(history.every((e) => e.action)).toBe(true);
    expect(history.length).toBeGreaterThan(0);
  });

  it('refuses an unknown server id with a message', async () => {
    expect(await call('fleet.refresh', { serverIds: ['no-such-id'] })).toMatchObject({ ok: false, error: { kind: 'NotFound' } });
  });
});

describe('settings and files', () => {
  it('validates and saves settings', async () => {
    expect(await call('settings.update', { concurrency: 1000 })).toMatchObject({ ok: false, error: { kind: 'InvalidInput' } });
    expect(await ok('settings.update', { refreshIntervalMinutes: 0, expiryWarningDays: 14 })).toMatchObject({ refreshIntervalMinutes: 0, expiryWarningDays: 14 });
    expect(await ok('settings.get')).toMatchObject({ expiryWarningDays: 14 });
  });

  it('saves files under a bare name only', async () => {
    expect(await ok('files.save', { suggestedName: '../../etc/evil.csv', content: 'a,b\n' })).toEqual({ path: '/saved/evil.csv' });
    expect(saved).toEqual([['evil.csv', 'a,b\n']]);
  });

  it('saves the report of the chosen servers in the format asked, and says when this host cannot print a PDF', async () => {
    const [first] = core.registry.list();
    saved.length = 0;
    expect(await ok('report.save', { serverIds: [first!.id], scope: first!.name, format: 'ics', reminderDays: [3], group: 'site' })).toEqual({
      path: expect.stringMatching(/^\/saved\/license-expiries-\d{4}-\d\d-\d\d\.ics$/),
    });
    expect(saved[0]![1]).toMatch(/^BEGIN:VCALENDAR\r\n[\s\S]*X-WR-CALNAME:BrainFrame license expiries: /);
    expect(await ok('report.save', { serverIds: null, scope: 'all servers', format: 'csv' })).toEqual({ path: expect.stringMatching(/\.csv$/) });
    expect(saved[1]![1].split('\r\n').filter(Boolean)).toHaveLength(1 + core.registry.list().length);
    expect(await call('report.save', { serverIds: null, scope: 'all servers', format: 'pdf' })).toEqual({
      ok: false,
      error: { kind: 'NotFound', message: 'This window cannot print a PDF. Save the report as HTML and print it from a browser.' },
    });
  });

  it('reports app info with the data folder', async () => {
    expect(await ok('app.info')).toEqual({ version: '9.9.9', dataDir: dir.path, platform: 'test', notices: [] });
  });
});

describe('what crosses to the renderer', () => {
  it('never carries a password or key text', () => {
    const everything = JSON.stringify([answers, events]);
    expect(everything.length).toBeGreaterThan(1000);
    expect(everything).not.toContain(PASSWORD);
    expect(everything).not.toContain(KEY.slice(0, 40));
  });
});
