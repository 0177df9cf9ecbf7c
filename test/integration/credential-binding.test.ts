/**
 * A server's stored credentials belong to the address (origin) they were entered for. Moving the
 * server to another address, or testing another address in the edit dialog, must not send them
 * there unless the user enters them again or confirms keeping them. Asserted on the receiving
 * servers' side: which requests carried an Authorization header. And plain http is said out loud.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { FleetCore } from '../../electron/core/fleet-core';
import { IpcHandlers } from '../../electron/ipc/handlers';
import type { Result } from '../../electron/ipc/contract';
import { startSimServer, type SimServer } from '../sim/server';
import { runCli } from '../helpers/cli';
import { tempDir, testKeychain } from '../helpers/keyring';

const PASSWORD = `bound-pass-${randomUUID()}`;
const auth = { username: 'admin', password: PASSWORD };
let dir: Awaited<ReturnType<typeof tempDir>>;
let core: FleetCore;
let handlers: IpcHandlers;
let home: SimServer;
let elsewhere: SimServer;

const basicSeen = (server: SimServer) => server.requests.filter((r) => r.headers.authorization).length;

async function invoke<T>(channel: string, input: unknown): Promise<T> {
  const result = (await handlers.invoke(channel, input)) as Result<T>;
  if (!result.ok) throw new Error(`${channel}: ${result.error.kind}: ${result.error.message}`);
  return result.value;
}

beforeAll(async () => {
  dir = await tempDir('bf-binding-');
  core = await FleetCore.open({ dataDir: dir.path, secrets: testKeychain() });
  handlers = new IpcHandlers(core, { appVersion: '0', platform: 'test', saveFile: async () => null });
  [home, elsewhere] = await Promise.all([startSimServer({ auth, state: 'valid' }), startSimServer({ auth, state: 'valid' })]);
});

afterAll(async () => {
  handlers.dispose();
  await core.close();
  await Promise.all([home.close(), elsewhere.close()]);
  await dir.remove();
});

describe('credentials bound to their address', () => {
  it('are never sent by a connection test of another address, unless the user keeps them for it', async () => {
    const server = await core.registry.add({ name: 'cam-1', url: home.url, credentials: auth });
    const tested = await invoke<{ version: string }>('servers.test', { id: server.id, url: server.url });
    expect(tested.version).toBeTruthy();
    expect(basicSeen(home)).toBeGreaterThan(0);

    // The edit dialog with a new address and the password left blank.
    await expect(invoke('servers.test', { id: server.id, url: elsewhere.url })).rejects.toThrow(/UnauthorizedError/);
    expect(basicSeen(elsewhere)).toBe(0);

    // The user ticked "keep the stored credentials for this address".
    await invoke('servers.test', { id: server.id, url: elsewhere.url, keepCredentials: true });
    expect(basicSeen(elsewhere)).toBeGreaterThan(0);
  });

  it('are removed when the address changes, so the next refresh sends nothing there', async () => {
    elsewhere.requests.length = 0;
    const server = await core.registry.add({ name: 'cam-2', url: home.url, credentials: auth });
    const moved = await invoke<{ hasCredentials: boolean }>('servers.update', { id: server.id, changes: { url: elsewhere.url } });
    expect(moved.hasCredentials).toBe(false);
    expect(await core.registry.credentials(server.id)).toBeNull();
    await core.refresh([server.id]).done;
    expect(elsewhere.requests.length).toBeGreaterThan(0);
    expect(basicSeen(elsewhere)).toBe(0);
    expect(core.status.get(server.id).error?.kind).toBe('UnauthorizedError');
  });

  it('are kept for the new address only when the user confirms it, or replaced by new ones', async () => {
    const kept = await core.registry.add({ name: 'cam-3', url: home.url, credentials: auth });
    expect((await invoke<{ hasCredentials: boolean }>('servers.update', { id: kept.id, changes: { url: elsewhere.url }, keepCredentials: true })).hasCredentials).toBe(true);
    expect(await core.registry.credentials(kept.id)).toEqual(auth);

    const renewed = await core.registry.add({ name: 'cam-4', url: home.url, credentials: auth });
    const other = { username: 'operator', password: `other-${randomUUID()}` };
    await invoke('servers.update', { id: renewed.id, changes: { url: elsewhere.url, credentials: other } });
    expect(await core.registry.credentials(renewed.id)).toEqual(other);

    // Editing anything but the address leaves them alone.
    const renamed = await core.registry.add({ name: 'cam-5', url: home.url, credentials: auth });
    await invoke('servers.update', { id: renamed.id, changes: { name: 'cam-5b', site: 'north' } });
    expect(await core.registry.credentials(renamed.id)).toEqual(auth);
  });
});

describe('bf-license servers edit', () => {
  const service = `bf-binding-cli-${randomUUID()}`;
  let data: Awaited<ReturnType<typeof tempDir>>;
  const cli = (args: string[], input = '') => runCli([...args, '--data-dir', data.path], { env: { ...process.env, BF_KEYCHAIN_SERVICE: service }, input });

  beforeAll(async () => {
    data = await tempDir('bf-binding-cli-');
    const added = await cli(['servers', 'add', '--name', 'gate', '--url', home.url, '--username', 'admin', '--password-stdin'], `${PASSWORD}\n`);
    expect(added.code, added.stderr).toBe(0);
    // Said once, on standard error: this server is plain http.
    expect(added.stderr).toMatch(/"gate" uses http:\/\/: usernames, passwords and license keys sent there travel unencrypted/);
  });
  afterAll(() => data.remove());

  it('drops the credentials with a new address and says how to keep them', async () => {
    elsewhere.requests.length = 0;
    const moved = await cli(['servers', 'edit', 'gate', '--url', elsewhere.url]);
    expect(moved.code, moved.stderr).toBe(0);
    expect(moved.stdout).toContain('no credentials');
    expect(moved.stderr).toContain('were removed with the new address');
    expect(moved.stderr).toContain('--keep-credentials');
    const status = await cli(['status', '--all', '--json']);
    expect(JSON.parse(status.stdout).results[0].error.kind).toBe('UnauthorizedError');
    expect(basicSeen(elsewhere)).toBe(0);
  });

  it('keeps them with --keep-credentials, or takes new ones from standard input', async () => {
    await cli(['servers', 'edit', 'gate', '--url', home.url, '--username', 'admin', '--password-stdin'], `${PASSWORD}\n`);
    const kept = await cli(['servers', 'edit', 'gate', '--url', elsewhere.url, '--keep-credentials']);
    expect(kept.code, kept.stderr).toBe(0);
    expect(kept.stdout).toContain('with credentials');
    const status = await cli(['status', '--all', '--json']);
    expect(status.code, status.stderr).toBe(0);
    // --json output stays pure JSON; the cleartext warning is on standard error, once.
    expect(JSON.parse(status.stdout).summary).toMatchObject({ total: 1, ok: 1 });
    expect(status.stderr.match(/travel unencrypted/g)).toHaveLength(1);
  });

  it('refuses nonsense with exit 2', async () => {
    expect((await cli(['servers', 'edit', 'gate'])).code).toBe(2);
    expect((await cli(['servers', 'edit', 'gate', '--keep-credentials'])).code).toBe(2);
    const unknown = await cli(['servers', 'edit', 'nope', '--site', 'x']);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('No server is named "nope"');
  });
});
