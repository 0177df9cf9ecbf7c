import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { AuditLog } from '../../electron/core/audit/audit-log';
import { KeychainUnavailableError, type SecretStore } from '../../electron/core/secrets/secret-store';
import type { Server, ServerInput } from '../../electron/common/types';
import { REGISTRY_FILE_NAME, ServerRegistry } from '../../electron/core/registry/server-registry';
import { tempDir, testKeychain } from '../helpers/keyring';

const FINGERPRINT = 'AB:'.repeat(31) + 'AB';

/** Every password a test stores, and every data folder: the last test checks that none holds one. */
const passwords: string[] = [];
const dataDirs: string[] = [];

function password(): string {
  const pw = `pw-${randomUUID()}`;
  passwords.push(pw);
  return pw;
}

/** The real keychain, recording which accounts were written so a test can check they are gone again. */
function recorded(store: SecretStore): SecretStore & { written: Set<string> } {
  const written = new Set<string>();
  return {
    written,
    get: (account) => store.get(account),
    set: (account, secret) => {
      written.add(account);
      return store.set(account, secret);
    },
    delete: (account) => store.delete(account),
  };
}

async function setup(secrets: SecretStore = testKeychain()) {
  const dir = await tempDir();
  dataDirs.push(dir.path);
  const audit = new AuditLog(join(dir.path, 'audit.jsonl'));
  const open = () => ServerRegistry.open({ dataDir: dir.path, secrets, audit });
  return { dir: dir.path, secrets, audit, open, registry: await open(), file: join(dir.path, REGISTRY_FILE_NAME) };
}

async function readJson(path: string): Promise<unknown> {
  return JSON.parse(await readFile(path, 'utf8'));
}

/** Every file under a folder, recursively. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

afterAll(() => Promise.all(dataDirs.map((dir) => rm(dir, { recursive: true, force: true }))));

describe('ServerRegistry: servers', () => {
  it('adds, lists, edits and removes servers, and keeps them across restarts', async () => {
    const { registry, open, audit, file } = await setup();
    const lobby = await registry.add({ name: '  Lobby  ', url: 'http://10.0.0.5:8000', site: 'Acme HQ' });
    const dock = await registry.add({ name: 'dock 10', url: 'https://dock.example', notes: 'behind the forklift' });
    const dock2 = await registry.add({ name: 'Dock 2', url: 'https://dock2.example' });

    expect(lobby).toMatchObject({ name: 'Lobby', url: 'http://10.0.0.5:8000', site: 'Acme HQ', notes: '', tlsFingerprint: null, hasCredentials: false });
    expect(lobby.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(lobby.createdAt).toBe(lobby.updatedAt);
    // Sorted by name, case-insensitively and with numbers in numeric order.
    expect(registry.list().map((s) => s.name)).toEqual(['Dock 2', 'dock 10', 'Lobby']);
    expect(registry.get(dock.id)).toEqual(dock);
    expect(registry.get('no-such-id')).toBeUndefined();

    // Callers get copies: changing one changes nothing inside.
    registry.list()[0]!.name = 'changed';
    registry.get(dock.id)!.url = 'http://changed';
    expect(registry.get(dock.id)).toEqual(dock);

    const edited = await registry.update(lobby.id, { site: 'Acme Annex', notes: 'ring first' });
    expect(edited).toMatchObject({ id: lobby.id, name: 'Lobby', site: 'Acme Annex', notes: 'ring first', createdAt: lobby.createdAt });
    expect(edited.updatedAt >= lobby.updatedAt).toBe(true);
    await registry.remove(dock2.id);
    expect(registry.get(dock2.id)).toBeUndefined();

    const reopened = await open();
    expect(reopened.recovered).toBeNull();
    expect(reopened.list()).toEqual(registry.list());
    expect(await readJson(file)).toEqual({ version: 1, servers: expect.any(Array) });

    const entries = (await audit.query()).reverse();
    expect(entries.map((e) => [e.action, e.server?.name])).toEqual([
      ['server.add', 'Lobby'],
      ['server.add', 'dock 10'],
      ['server.add', 'Dock 2'],
      ['server.update', 'Lobby'],
      ['server.remove', 'Dock 2'],
    ]);
    expect(entries[3]!.detail).toBe('changed: site, notes');
  });

  it('leaves the file and history alone when an edit changes nothing', async () => {
    const { registry, audit } = await setup();
    const server = await registry.add({ name: 'Gate', url: 'http://gate' });
    expect(await registry.update(server.id, { name: 'Gate', url: 'HTTP://GATE/' })).toEqual(server);
    expect((await audit.query()).map((e) => e.action)).toEqual(['server.add']);
  });

  it('says NotFound for an unknown id', async () => {
    const { registry } = await setup();
    await expect(registry.update('missing', { notes: 'x' })).rejects.toMatchObject({ kind: 'NotFound' });
    await expect(registry.remove('missing')).rejects.toMatchObject({ kind: 'NotFound' });
    await expect(registry.credentials('missing')).rejects.toMatchObject({ kind: 'NotFound' });
  });

  it('keeps names unique regardless of case', async () => {
    const { registry, open } = await setup();
    const lobby = await registry.add({ name: 'Acme Lobby', url: 'http://10.0.0.1' });
    const yard = await registry.add({ name: 'Yard', url: 'http://10.0.0.2' });

    await expect(registry.add({ name: ' acme LOBBY ', url: 'http://10.0.0.3' })).rejects.toMatchObject({
      kind: 'DuplicateName',
      message: expect.stringContaining('"Acme Lobby" already exists'),
    });
    await expect(registry.update(yard.id, { name: 'ACME lobby' })).rejects.toMatchObject({ kind: 'DuplicateName' });
    // A server may change the case of its own name.
    expect((await registry.update(lobby.id, { name: 'ACME LOBBY' })).name).toBe('ACME LOBBY');

    expect(registry.findByName('acme lobby')?.id).toBe(lobby.id);
    expect(registry.findByName('  yard ')?.id).toBe(yard.id);
    expect(registry.findByName('nobody')).toBeUndefined();
    expect((await open()).list().map((s) => s.name)).toEqual(['ACME LOBBY', 'Yard']);
  });

  it('normalises URLs', async () => {
    const { registry } = await setup();
    expect((await registry.add({ name: 'a', url: ' HTTP://Camera.Example.COM:80/ ' })).url).toBe('http://camera.example.com');
    expect((await registry.add({ name: 'b', url: 'https://10.1.1.1:8443' })).url).toBe('https://10.1.1.1:8443');
    expect((await registry.add({ name: 'c', url: 'http://[::1]:8000' })).url).toBe('http://[::1]:8000');
  });

  it.each([
    ['no scheme', '10.0.0.5:8000', 'has no scheme'],
    ['file:', 'file:///etc/passwd', 'only http and https'],
    ['javascript:', 'javascript:alert(1)', 'has no scheme'],
    ['ftp:', 'ftp://server', 'only http and https'],
    ['credentials in the URL', 'http://admin:secret@10.0.0.5', 'contains credentials'],
    ['a path', 'http://10.0.0.5/api/license', 'has a path'],
    ['nothing', '   ', 'empty'],
  ])('refuses a URL with %s and saves nothing', async (_, url, why) => {
    const { registry, file } = await setup();
    await expect(registry.add({ name: 'x', url })).rejects.toMatchObject({ kind: 'InvalidUrl', message: expect.stringContaining(why) });
    expect(registry.list()).toEqual([]);
    await expect(readFile(file)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('refuses bad names, sites, notes and fingerprints with what to do', async () => {
    const { registry } = await setup();
    const bad = async (draft: ServerInput, text: string) =>
      expect(registry.add(draft)).rejects.toMatchObject({ kind: 'InvalidInput', message: expect.stringContaining(text) });
    await bad({ name: '   ', url: 'http://a' }, 'has no name');
    await bad({ name: 'x'.repeat(101), url: 'http://a' }, 'at most 100');
    await bad({ name: 'two\nlines', url: 'http://a' }, 'control character');
    await bad({ name: 'a', url: 'http://a', site: 's'.repeat(101) }, 'at most 100');
    await bad({ name: 'a', url: 'http://a', notes: 'n'.repeat(2001) }, 'at most 2000');
    await bad({ name: 'a', url: 'https://a', tlsFingerprint: 'AB:CD' }, '64 hexadecimal digits');
    await bad({ name: 'a', url: 'http://a', tlsFingerprint: FINGERPRINT }, 'only applies to an https:// address');
    expect(registry.list()).toEqual([]);

    const pinned = await registry.add({ name: 'a', url: 'https://a', tlsFingerprint: `sha256:${FINGERPRINT.replace(/:/g, '').toLowerCase()}` });
    expect(pinned.tlsFingerprint).toBe(FINGERPRINT);
    expect((await registry.update(pinned.id, { tlsFingerprint: null })).tlsFingerprint).toBeNull();
    expect((await registry.add({ name: 'b', url: 'https://b', tlsFingerprint: ' ' })).tlsFingerprint).toBeNull();
  });

  it('groups servers by site', async () => {
    const { registry } = await setup();
    await registry.add({ name: 'b', url: 'http://b', site: 'Acme' });
    await registry.add({ name: 'a', url: 'http://a', site: 'acme ' });
    await registry.add({ name: 'c', url: 'http://c', site: 'Globex' });
    await registry.add({ name: 'd', url: 'http://d' });
    expect(registry.bySite('ACME').map((s) => s.name)).toEqual(['a', 'b']);
    expect(registry.bySite('').map((s) => s.name)).toEqual(['d']);
  });

  it('tells listeners about every saved change, and only those', async () => {
    const { registry } = await setup();
    let calls = 0;
    const subscription = registry.onDidChange(() => calls++);
    registry.onDidChange(() => {
      throw new Error('a broken listener');
    });
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const server = await registry.add({ name: 'a', url: 'http://a' });
    await registry.update(server.id, { notes: 'n' });
    await expect(registry.add({ name: 'A', url: 'http://b' })).rejects.toMatchObject({ kind: 'DuplicateName' });
    await registry.update(server.id, { notes: 'n' }); // no change
    expect(calls).toBe(2);
    subscription.dispose();
    await registry.remove(server.id);
    expect(calls).toBe(2);
    // The broken listener was reported each time, and no change failed because of it.
    expect(logged).toHaveBeenCalledTimes(3);
    logged.mockRestore();
    expect(registry.list()).toEqual([]);
  });
});

describe('ServerRegistry: credentials', () => {
  it('keeps credentials in the keychain only, and replaces, keeps and removes them on edit', async () => {
    const { registry, secrets, file, open } = await setup();
    const first = { username: 'admin', password: password() };
    const server = await registry.add({ name: 'Lobby', url: 'http://lobby', credentials: first });

    expect(server.hasCredentials).toBe(true);
    expect(server).not.toHaveProperty('credentials');
    expect(JSON.stringify(registry.list())).not.toContain(first.password);
    expect(await registry.credentials(server.id)).toEqual(first);
    expect(JSON.parse((await secrets.get(`server:${server.id}`))!)).toEqual(first);
    expect(await readFile(file, 'utf8')).not.toContain(first.password);
    // A fresh registry over the same keychain reads them back.
    expect(await (await open()).credentials(server.id)).toEqual(first);

    await registry.update(server.id, { notes: 'edited', credentials: undefined });
    expect(await registry.credentials(server.id)).toEqual(first);

    const second = { username: ' operator ', password: password() };
    expect((await registry.update(server.id, { credentials: second })).hasCredentials).toBe(true);
    expect(await registry.credentials(server.id)).toEqual({ username: 'operator', password: second.password });

    const cleared = await registry.update(server.id, { credentials: null });
    expect(cleared.hasCredentials).toBe(false);
    expect(await registry.credentials(server.id)).toBeNull();
    expect(await secrets.get(`server:${server.id}`)).toBeNull();
  });

  it('deletes the credentials when the server is removed', async () => {
    const { registry, secrets } = await setup();
    const server = await registry.add({ name: 'Lobby', url: 'http://lobby', credentials: { username: 'admin', password: password() } });
    await registry.remove(server.id);
    expect(await secrets.get(`server:${server.id}`)).toBeNull();
    expect(registry.list()).toEqual([]);
  });

  it('removes many servers in one save, with their credentials, and none when one id is unknown', async () => {
    const { registry, secrets, audit, open } = await setup();
    const added: Server[] = [];
    for (const name of ['A', 'B', 'C', 'D']) added.push(await registry.add({ name, url: `http://${name.toLowerCase()}`, credentials: { username: 'admin', password: password() } }));
    const [a, b, c, d] = added as [Server, Server, Server, Server];

    await expect(registry.removeMany([a.id, 'missing'])).rejects.toMatchObject({ kind: 'NotFound' });
    expect(registry.list()).toHaveLength(4);
    expect(await secrets.get(`server:${a.id}`)).not.toBeNull();

    await registry.removeMany([a.id, c.id, d.id]);
    expect(registry.list().map((s) => s.name)).toEqual(['B']);
    for (const gone of [a, c, d]) expect(await secrets.get(`server:${gone.id}`)).toBeNull();
    expect(await secrets.get(`server:${b.id}`)).not.toBeNull();
    expect((await open()).list().map((s) => s.name)).toEqual(['B']);
    const removals = (await audit.query({ actions: ['server.remove'] })).reverse().map((e) => e.server?.name);
    expect(removals).toEqual(['A', 'C', 'D']);
  });

  it('refuses incomplete or oversized credentials', async () => {
    const { registry } = await setup();
    const bad = async (username: string, pw: string, text: string) =>
      expect(registry.add({ name: 'a', url: 'http://a', credentials: { username, password: pw } })).rejects.toMatchObject({
        kind: 'InvalidInput',
        message: expect.stringContaining(text),
      });
    await bad('admin', '', 'password is empty');
    await bad('  ', 'pw', 'username is empty');
    await bad('admin', 'p'.repeat(1001), 'longer than 1,000 characters');
    await bad('u'.repeat(201), 'pw', 'longer than 200 characters');
    await bad('admin', '€'.repeat(1000), 'too large for the OS keychain');
    expect(registry.list()).toEqual([]);
  });

  it('says so when the keychain lost a server’s credentials', async () => {
    const { registry, secrets } = await setup();
    const server = await registry.add({ name: 'a', url: 'http://a', credentials: { username: 'admin', password: password() } });
    await secrets.delete(`server:${server.id}`);
    await expect(registry.credentials(server.id)).rejects.toMatchObject({ kind: 'CredentialsMissing', message: expect.stringContaining('enter its username') });
  });

  it('puts the keychain back when the registry file cannot be written', async () => {
    const secrets = recorded(testKeychain());
    const { registry, file, open } = await setup(secrets);
    const old = { username: 'admin', password: password() };
    const server = await registry.add({ name: 'Lobby', url: 'http://lobby', credentials: old });
    // A directory where the backup goes: every later save fails before touching servers.json.
    await rm(`${file}.bak`);
    await mkdir(`${file}.bak`);

    secrets.written.clear();
    await expect(registry.add({ name: 'New', url: 'http://new', credentials: { username: 'u', password: password() } })).rejects.toThrow();
    expect(secrets.written.size).toBe(1);
    for (const account of secrets.written) expect(await secrets.get(account)).toBeNull();

    await expect(registry.update(server.id, { credentials: { username: 'other', password: password() } })).rejects.toThrow();
    expect(await registry.credentials(server.id)).toEqual(old);
    await expect(registry.update(server.id, { credentials: null })).rejects.toThrow();
    expect(await registry.credentials(server.id)).toEqual(old);
    await expect(registry.remove(server.id)).rejects.toThrow();
    expect(await registry.credentials(server.id)).toEqual(old);
    expect(registry.list().map((s) => s.name)).toEqual(['Lobby']);

    await rm(`${file}.bak`, { recursive: true });
    // The file still holds the last good version, and it agrees with the keychain.
    const reopened = await open();
    expect(reopened.list().map((s) => [s.name, s.hasCredentials])).toEqual([['Lobby', true]]);
    expect(await reopened.credentials(server.id)).toEqual(old);
  });

  it(
    'with no keychain, refuses a server with credentials and saves nothing',
    async () => {
      const { dir, file } = await setup();
      const pw = password();
      const module = (path: string) => fileURLToPath(new URL(path, import.meta.url));
      // libsecret connects to D-Bus once per process, so the missing bus needs a process of its own.
      const script = `
        const { ServerRegistry } = await import(${JSON.stringify(module('../../electron/core/registry/server-registry.ts'))});
        const { AuditLog } = await import(${JSON.stringify(module('../../electron/core/audit/audit-log.ts'))});
        const { KeytarSecretStore } = await import(${JSON.stringify(module('../../electron/core/secrets/secret-store.ts'))});
        const { dataDir, password } = JSON.parse(process.env.BF_CHILD);
        const registry = await ServerRegistry.open({ dataDir, secrets: new KeytarSecretStore('bf-fleet-test-nobus'), audit: new AuditLog(dataDir + '/audit.jsonl') });
        const outcome = (p) => p.then(() => ({ ok: true }), (e) => ({ ok: false, kind: e.kind, message: e.message }));
        // Without credentials the keychain is not needed; added first, so a wrongly saved Lobby would stay in the file.
        const withoutCredentials = await outcome(registry.add({ name: 'Yard', url: 'http://yard' }));
        const withCredentials = await outcome(registry.add({ name: 'Lobby', url: 'http://lobby', credentials: { username: 'admin', password } }));
        console.log(JSON.stringify({ withCredentials, withoutCredentials }));
      `;
      const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        cwd: fileURLToPath(new URL('../..', import.meta.url)),
        env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bf-fleet-test-bus', BF_CHILD: JSON.stringify({ dataDir: dir, password: pw }) },
      });
      const result = JSON.parse(stdout.trim().split('\n').at(-1)!);
      expect(result.withCredentials).toMatchObject({ ok: false, kind: 'KeychainUnavailable' });
      expect(result.withCredentials.message).toContain('No OS keychain is available');
      expect(result.withoutCredentials).toEqual({ ok: true });
      const saved = (await readJson(file)) as { servers: { name: string }[] };
      expect(saved.servers.map((s) => s.name)).toEqual(['Yard']);
    },
    60_000,
  );
});

describe('ServerRegistry: storage', () => {
  it('serialises concurrent writes: all land, one name wins, no temporary file is left', async () => {
    const { registry, open, dir, file } = await setup();
    const names = Array.from({ length: 20 }, (_, i) => `server ${i}`);
    const results = await Promise.allSettled([
      ...names.map((name, i) => registry.add({ name, url: `http://10.0.0.${i + 1}` })),
      ...Array.from({ length: 5 }, (_, i) => registry.add({ name: 'Contested', url: `http://10.0.1.${i + 1}` })),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(21);
    expect(results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason.kind)).toEqual(Array(4).fill('DuplicateName'));

    const reopened = await open();
    expect(reopened.list()).toEqual(registry.list());
    expect(reopened.list()).toHaveLength(21);
    // The backup is a second copy of the latest version.
    expect(((await readJson(`${file}.bak`)) as { servers: unknown[] }).servers).toHaveLength(21);
    expect((await readdir(dir)).sort()).toEqual(['audit.jsonl', 'servers.json', 'servers.json.bak']);
  });

  it.each([
    ['bad JSON', '{"version": 1, "servers": [', 'not valid JSON'],
    ['the wrong schema', JSON.stringify({ version: 1, servers: [{ id: 'x', name: 'Broken' }] }), 'does not match the expected format'],
    ['an unknown version', JSON.stringify({ version: 99, servers: [] }), 'does not match the expected format'],
  ])('recovers from a servers.json with %s: moved aside, the backup of the latest version loaded', async (_, bad, why) => {
    const { registry, open, dir, file } = await setup();
    await registry.add({ name: 'First', url: 'http://first' });
    await registry.add({ name: 'Second', url: 'http://second' });
    await writeFile(file, bad);

    const reopened = await open();
    expect(reopened.recovered).toContain(why);
    expect(reopened.recovered).toContain('the last good version was loaded');
    expect(reopened.list().map((s) => s.name)).toEqual(['First', 'Second']);
    const corrupt = (await readdir(dir)).filter((f) => f.startsWith('servers.json.corrupt-'));
    expect(corrupt).toHaveLength(1);
    expect(await readFile(join(dir, corrupt[0]!), 'utf8')).toBe(bad);
    expect(reopened.recovered).toContain(corrupt[0]);
    // The recovered version is written back, so the next start is clean.
    expect((await open()).recovered).toBeNull();
  });
});

describe('ServerRegistry: CSV', () => {
  const MIXED = [
    'URL,Name,site,username,password',
    'http://10.0.0.1,Lobby,Acme,admin,PW1',
    'https://10.0.0.2:8443,Yard,Acme,,',
    'http://10.0.0.3,lobby,Acme,,', // same name as row 2
    '10.0.0.4,Gate,Acme,,', // no scheme: a bare address, read as http
    'http://10.0.0.5,,Acme,,', // no name
    'http://10.0.0.6,Dock,Acme,admin,', // username without password
    'http://10.0.0.7,Roof,Acme,,PW2', // password without username
    'http://10.0.0.8,Existing,Acme,,', // already registered
    'http://10.0.0.9,Short,Acme', // too few cells
    '',
    'http://user:pw@10.0.0.10,Office,Acme,,', // credentials in the URL
    'ftp://10.0.0.11,"Store, back",Acme,,',
    ',,,,',
    'http://10.0.0.12,"Plant', // one row over two lines, refused for the line break in its name
    'floor",Globex,,',
    'http://10.0.0.13,Plant,Globex,op,PW3',
  ];
  const mixedCsv = (pw: string[]) => `\uFEFF${MIXED.join('\r\n').replace(/PW(\d)/g, (_, n: string) => pw[Number(n) - 1]!)}\n`;

  it('reports each row, refusing bad ones with the reason, and imports exactly the accepted rows', async () => {
    const { registry, audit, open } = await setup();
    await registry.add({ name: 'existing', url: 'http://old' });
    const pw = [password(), password(), password()];
    const text = mixedCsv(pw);

    const preview = registry.previewCsv(text);
    expect(registry.list()).toHaveLength(1);
    expect(preview.rows.map((r) => [r.row, r.name, r.accepted ? 'ok' : r.kind])).toEqual([
      [2, 'Lobby', 'ok'],
      [3, 'Yard', 'ok'],
      [4, 'lobby', 'DuplicateName'],
      [5, 'Gate', 'ok'],
      [6, '', 'InvalidInput'],
      [7, 'Dock', 'InvalidInput'],
      [8, 'Roof', 'InvalidInput'],
      [9, 'Existing', 'DuplicateName'],
      [10, 'Short', 'InvalidInput'],
      [12, 'Office', 'InvalidUrl'],
      [13, 'Store, back', 'InvalidUrl'],
      [15, 'Plant\r\nfloor', 'InvalidInput'],
      [16, 'Plant', 'ok'],
    ]);
    const reasons = Object.fromEntries(preview.rows.flatMap((r) => (r.accepted ? [] : [[r.row, r.reason]])));
    expect(reasons[4]).toContain('Row 2 of this file has the same name');
    expect(reasons[6]).toContain('has no name');
    expect(reasons[7]).toContain('username but no password');
    expect(reasons[8]).toContain('password but no username');
    expect(reasons[9]).toContain('"existing" already exists');
    expect(reasons[10]).toContain('3 cells but the header has 5');
    expect(reasons[12]).toContain('contains credentials');
    expect(reasons[13]).toContain('only http and https');
    expect(reasons[15]).toContain('control character');
    expect([preview.accepted, preview.refused]).toEqual([4, 9]);
    expect(preview.rows.find((r) => r.row === 5)).toMatchObject({ url: 'http://10.0.0.4', bareAddress: '10.0.0.4' });
    expect(JSON.stringify(preview)).not.toMatch(/pw-/);

    const imported = await registry.importCsv(text);
    expect(imported).toEqual(preview);
    expect(registry.list().map((s) => [s.name, s.url, s.site, s.hasCredentials])).toEqual([
      ['existing', 'http://old', '', false],
      ['Gate', 'http://10.0.0.4', 'Acme', false],
      ['Lobby', 'http://10.0.0.1', 'Acme', true],
      ['Plant', 'http://10.0.0.13', 'Globex', true],
      ['Yard', 'https://10.0.0.2:8443', 'Acme', false],
    ]);
    expect(await registry.credentials(registry.findByName('lobby')!.id)).toEqual({ username: 'admin', password: pw[0] });
    expect(await registry.credentials(registry.findByName('plant')!.id)).toEqual({ username: 'op', password: pw[2] });
    expect(await registry.credentials(registry.findByName('yard')!.id)).toBeNull();
    expect((await open()).list()).toEqual(registry.list());
    const history = (await audit.query({ actions: ['server.import'] })).reverse();
    expect(history.map((e) => [e.server?.name, e.detail])).toEqual([
      ['Lobby', 'CSV row 2'],
      ['Yard', 'CSV row 3'],
      ['Gate', 'CSV row 5'],
      ['Plant', 'CSV row 16'],
    ]);

    // Preview and import decide the same way the second time too: everything is now a duplicate.
    const again = registry.previewCsv(text);
    expect(again.accepted).toBe(0);
    expect(await registry.importCsv(text)).toEqual(again);
    expect(registry.list()).toHaveLength(5);
  });

  it.each([
    ['unbalanced quotes', 'name,url\nLobby,http://a\n"Yard,http://b\n', 'row 3, cell 1 (name), opens a double quote that is never closed'],
    ['a quote inside a field', 'name,url\nLobby,http://a\nYa"rd,http://b\n', 'line 3, cell 1 (name), has a double quote inside a cell'],
    ['no header row', 'Lobby,http://a\nYard,http://b\n', 'The first row holds an address, so it is a server, not the header row'],
    ['no header row, a password in the first row', 'Lobby,http://a,admin,Hdr-S3cret-pw\n', 'add a header row above it'],
    ['no header row, a bare address', 'Lobby,10.0.0.5,admin,Hdr-S3cret-pw\n', 'add a header row above it'],
    ['a missing url column', 'name,site\nLobby,Acme\n', 'has no address column'],
    ['no header row, bare host names', 'Lobby,cam-1.lan,admin,Hdr-S3cret-pw\n', 'has no address column'],
    ['nothing in it', '\uFEFF', 'The first row is empty'],
    ['a blank first row', '\nname,url\nLobby,http://a\n', 'The first row is empty'],
    ['binary content', 'name,url\nLobby,http://a\n\u0000\u0001\u0002', 'not a text file'],
  ])('refuses a file with %s as InvalidCsv and imports nothing', async (_, text, detail) => {
    const { registry, file } = await setup();
    for (const attempt of [() => registry.previewCsv(text), () => registry.importCsv(text)]) {
      const err: unknown = await Promise.resolve().then(attempt).catch((e: unknown) => e);
      expect(err).toMatchObject({ kind: 'InvalidCsv' });
      expect((err as Error).message).toContain(detail);
      expect((err as Error).message).toContain('Nothing was imported');
      expect((err as Error).message).not.toContain('S3cret');
    }
    expect(registry.list()).toEqual([]);
    await expect(readFile(file)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('imports nothing when the keychain fails part-way', async () => {
    const real = recorded(testKeychain());
    let sets = 0;
    const failing: SecretStore = {
      get: (account) => real.get(account),
      delete: (account) => real.delete(account),
      set: async (account, secret) => {
        if (++sets === 2) throw new KeychainUnavailableError('the keychain was locked');
        return real.set(account, secret);
      },
    };
    const { registry, file, audit } = await setup(failing);
    const csv = `name,url,username,password\nA,http://a,admin,${password()}\nB,http://b,admin,${password()}\nC,http://c,,\n`;
    await expect(registry.importCsv(csv)).rejects.toMatchObject({ kind: 'KeychainUnavailable' });
    expect(real.written.size).toBe(1);
    for (const account of real.written) expect(await real.get(account)).toBeNull();
    expect(registry.list()).toEqual([]);
    await expect(readFile(file)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await audit.query()).toEqual([]);
  });

  it('exports without secrets, neutralising formulas, in a form that imports again', async () => {
    const { registry } = await setup();
    const pw = password();
    await registry.add({ name: '=HYPERLINK("http://evil","click")', url: 'http://a', site: '+Acme', notes: '-1, then "quotes"\nand a line', credentials: { username: 'admin', password: pw } });
    await registry.add({ name: '@Lobby', url: 'https://b:8443', tlsFingerprint: FINGERPRINT });

    const csv = registry.exportCsv();
    expect(csv).not.toContain(pw);
    expect(csv).not.toContain('admin');
    expect(csv.split('\r\n')).toEqual([
      'name,url,site,notes,tls_fingerprint,has_credentials',
      `'@Lobby,https://b:8443,,,${FINGERPRINT},no`,
      `"'=HYPERLINK(""http://evil"",""click"")",http://a,'+Acme,"'-1, then ""quotes""\nand a line",,yes`,
      '',
    ]);

    const fresh = (await setup()).registry;
    const report = await fresh.importCsv(csv);
    expect(report.accepted).toBe(2);
    const strip = (s: { name: string; url: string; site: string; notes: string; tlsFingerprint: string | null }) => [s.name.replace(/^'/, ''), s.url, s.site.replace(/^'/, ''), s.notes.replace(/^'/, ''), s.tlsFingerprint];
    // The quote that neutralised a formula stays part of the text on the way back in.
    expect(fresh.list().map(strip)).toEqual(registry.list().map(strip));
    expect(fresh.list().every((s) => !s.hasCredentials)).toBe(true);
  });
});

// Last in the file: vitest runs a file's tests in order, so every other test has written its data by now.
describe('ServerRegistry: data folders', () => {
  it('hold none of the passwords used in these tests', async () => {
    expect(passwords.length).toBeGreaterThan(10);
    const files = (await Promise.all(dataDirs.map(filesUnder))).flat();
    expect(files.filter((f) => f.endsWith('servers.json')).length).toBeGreaterThan(10);
    for (const file of files) {
      const text = await readFile(file, 'utf8');
      for (const pw of passwords) expect(text.includes(pw), `${file} holds a password`).toBe(false);
    }
  });
});
