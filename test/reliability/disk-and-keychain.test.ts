// The disk and the keychain failing under the command line: a damaged registry file, a read-only
// data folder, a full disk, a locked keychain and no keychain at all. Each gives a clear message
// and loses nothing that was stored before.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { cp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { FleetCore } from '../../electron/core/fleet-core';
import { KEYCHAIN_SERVICE_ENV, KeytarSecretStore } from '../../electron/core/secrets/secret-store';
import type { Credentials } from '../../electron/common/types';
import { CLI_ARGS, runCli, type CliOptions } from '../helpers/cli';
import { SecretScan } from '../helpers/secret-scan';
import { tempDir } from '../helpers/keyring';
import { mintKey } from '../sim/keys';
import { startSimServer, type SimServer } from '../sim/server';
import { fullDisk, readOnlyDisk, type ConstrainedDisk } from './constrained-disk';

const scan = new SecretScan();
const outputs: string[] = [];
/** Data folders, where no secret may be found; and the user's own files (key files, CSV), where they are expected. */
let work: Awaited<ReturnType<typeof tempDir>>;
let inputs: Awaited<ReturnType<typeof tempDir>>;
let sims: SimServer[];
const auth = scan.addCredentials({ username: 'admin', password: `disk-${randomUUID()}` });

/** A data folder made by the real core, and what it must still hold after any failure. */
interface Prepared {
  dir: string;
  service: string;
  servers: { id: string; name: string; credentials: Credentials | null }[];
  key: { label: string; text: string };
  historyLines: number;
}

async function prepare(dir: string, service: string): Promise<Prepared> {
  const core = await FleetCore.open({ dataDir: dir, secrets: new KeytarSecretStore(service) });
  try {
    const credentials = [auth, auth, null];
    for (const [i, name] of ['north', 'south', 'yard'].entries()) {
      await core.registry.add({ name, url: sims[i]!.url, credentials: credentials[i] });
    }
    const text = scan.addKey(mintKey({ maxStreams: 9 }));
    const key = await core.vault.addText(text, 'site key');
    const ids = core.registry.list().map((s) => s.id);
    await core.refresh(ids).done;
    await core.apply(key.id, ids).done;
    return {
      dir,
      service,
      servers: core.registry.list().map((s, i) => ({ id: s.id, name: s.name, credentials: credentials[i] ?? null })),
      key: { label: key.label, text },
      historyLines: (await core.audit.query()).length,
    };
  } finally {
    await core.close();
  }
}

/** Every server with its credentials, every key with its text, the history: all still there. */
async function expectNothingLost(dir: string, before: Prepared, service = before.service): Promise<void> {
  const core = await FleetCore.open({ dataDir: dir, secrets: new KeytarSecretStore(service) });
  try {
    expect(core.notices).toEqual([]);
    expect(core.registry.list().map((s) => [s.id, s.name])).toEqual(before.servers.map((s) => [s.id, s.name]));
    for (const server of before.servers) expect(await core.registry.credentials(server.id), server.name).toEqual(server.credentials);
    const key = core.vault.findByLabel(before.key.label)!;
    expect(await core.vault.keyText(key.id)).toBe(before.key.text);
    expect((await core.audit.query()).length).toBeGreaterThanOrEqual(before.historyLines);
  } finally {
    core.dispose();
  }
}

async function fingerprints(dir: string): Promise<Map<string, string>> {
  const files = (await readdir(dir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile());
  return new Map(await Promise.all(files.map(async (e) => [relative(dir, join(e.parentPath, e.name)), createHash('sha256').update(await readFile(join(e.parentPath, e.name))).digest('hex')] as const)));
}

async function cli(args: string[], options: CliOptions & { dataDir: string; service: string }) {
  const { dataDir, service, env, ...rest } = options;
  const full = [...args, '--data-dir', dataDir];
  const run = await runCli(full, { ...rest, env: { ...process.env, [KEYCHAIN_SERVICE_ENV]: service, ...env } });
  outputs.push(run.stdout, run.stderr);
  return run;
}

/** A failure says what to do in one line on standard error. */
function expectRefusal(run: { code: number | null; stdout: string; stderr: string }, message: RegExp): void {
  expect(run.code, run.stderr).toBe(2);
  expect(run.stderr).toMatch(/^bf-license: [^\n]+\n$/);
  expect(run.stderr).toMatch(message);
}

beforeAll(async () => {
  work = await tempDir('bf-disk-');
  inputs = await tempDir('bf-disk-inputs-');
  // north and south ask for credentials, yard for none.
  sims = await Promise.all([auth, auth, undefined].map((a) => startSimServer({ auth: a, state: 'missing' })));
}, 30_000);

afterAll(async () => {
  await Promise.all(sims.map((s) => s.close()));
  for (const output of outputs) scan.text('command output', output);
  await scan.folder(work.path);
  expect(scan.findings).toEqual([]);
  await Promise.all([work.remove(), inputs.remove()]);
});

describe('a damaged registry file', () => {
  let prepared: Prepared;
  beforeAll(async () => {
    prepared = await prepare(join(work.path, 'damaged-source'), `bf-disk-damaged-${randomUUID()}`);
  }, 30_000);

  async function damagedCopy(damage: (text: string) => string | Buffer, files = ['servers.json']) {
    const dir = join(work.path, `damaged-${randomUUID()}`);
    await cp(prepared.dir, dir, { recursive: true });
    const written = new Map<string, string | Buffer>();
    for (const file of files) {
      const bad = damage(await readFile(join(dir, file), 'utf8'));
      await writeFile(join(dir, file), bad);
      written.set(file, bad);
    }
    return { dir, written };
  }

  async function setAside(dir: string, file: string): Promise<string> {
    const copies = (await readdir(dir)).filter((f) => f.startsWith(`${file}.corrupt-`));
    expect(copies).toHaveLength(1);
    return join(dir, copies[0]!);
  }

  it.each([
    ['garbage', () => Buffer.from([0x00, 0xff, 0xfe, 0x7b, 0x0a]), 'it is not valid JSON'],
    ['truncated half-way', (text: string) => text.slice(0, Math.floor(text.length / 2)), 'it is not valid JSON'],
    ['empty', () => '', 'it is not valid JSON'],
    ['from an unknown newer version', () => JSON.stringify({ version: 2, servers: [] }), 'it does not match the expected format: Invalid input: expected 1'],
  ])('%s: says what happened and where the copy went, and loads every server with its credentials', async (_what, damage, why) => {
    const { dir, written } = await damagedCopy(damage);
    const run = await cli(['servers', 'list', '--json'], { dataDir: dir, service: prepared.service });
    expect(run.code, run.stderr).toBe(0);
    const copy = await setAside(dir, 'servers.json');
    expect(run.stderr).toBe(`bf-license: servers.json could not be read (${why}); it was moved to ${copy} and the last good version was loaded.\n`);
    expect((JSON.parse(run.stdout) as { name: string }[]).map((s) => s.name)).toEqual(['north', 'south', 'yard']);
    expect(await readFile(copy)).toEqual(Buffer.from(written.get('servers.json')!));
    await expectNothingLost(dir, prepared);
    const again = await cli(['servers', 'list'], { dataDir: dir, service: prepared.service });
    expect(again.stderr).toBe('');
  });

  it('with its backup damaged too: starts empty, says so, and keeps both copies and every credential', async () => {
    const { dir, written } = await damagedCopy((text) => text.slice(0, 40), ['servers.json', 'servers.json.bak']);
    const run = await cli(['servers', 'list', '--json'], { dataDir: dir, service: prepared.service });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/servers\.json could not be read \(it is not valid JSON\); it was moved to .* and it had no usable backup, so it starts empty\./);
    expect(JSON.parse(run.stdout)).toEqual([]);
    for (const file of ['servers.json', 'servers.json.bak']) expect(await readFile(await setAside(dir, file), 'utf8')).toBe(written.get(file));
    const keychain = new KeytarSecretStore(prepared.service);
    for (const server of prepared.servers.filter((s) => s.credentials)) expect(await keychain.get(`server:${server.id}`)).not.toBeNull();
  });
});

/** What each way of refusing writes must make the command say. */
const REFUSALS: Record<string, RegExp> = {
  'a full tmpfs': /Could not save \S+ in .*: the disk is full\. Free some space, then try again\./,
  'a file-size limit of zero': /Could not save \S+ in .*: the file would exceed the size limit set for this session/,
  'a read-only bind mount': /Could not save \S+ in .*: that disk is read-only\. Make it writable, or use another data folder/,
  'file modes': /Could not save \S+ in .*: this account may not write there/,
};

describe.each([
  { name: 'a full disk', make: (dir: string) => fullDisk(dir, join(work.path, `disk-${randomUUID()}`)) },
  { name: 'a read-only data folder', make: (dir: string) => readOnlyDisk(dir) },
])('$name', ({ make }) => {
  let prepared: Prepared;
  let disk: ConstrainedDisk | null;
  let before: Map<string, string>;
  let keyFile: string;
  const run = (args: string[], input?: string) =>
    cli(args, { dataDir: disk!.path, service: prepared.service, input, argv: disk!.wrap([process.execPath, ...CLI_ARGS, ...args, '--data-dir', disk!.path]) });
  // Root writes through file modes: without mount namespaces a read-only folder cannot be made for it.
  const unavailable = (context: { skip: (note?: string) => never }) => !disk && context.skip('needs mount namespaces (root with CAP_SYS_ADMIN) or a user other than root');

  beforeAll(async () => {
    prepared = await prepare(join(work.path, `constrained-${randomUUID()}`), `bf-disk-constrained-${randomUUID()}`);
    keyFile = join(inputs.path, `${randomUUID()}.key`);
    await writeFile(keyFile, scan.addKey(mintKey()));
    before = await fingerprints(prepared.dir);
    disk = await make(prepared.dir);
  }, 30_000);

  afterAll(async () => {
    await disk?.close();
  });

  it('still lists, reads the fleet and applies keys', async (context) => {
    unavailable(context);
    const [list, status, apply] = await Promise.all([
      run(['servers', 'list', '--json']),
      run(['status', '--all', '--json']),
      run(['apply', '--key-label', 'site key', '--all', '--json']),
    ]);
    expect(list.code, list.stderr).toBe(0);
    expect((JSON.parse(list.stdout) as unknown[]).length).toBe(3);
    // The servers answered: their results stand, though the status cache cannot be saved.
    for (const done of [status, apply]) {
      expect(done.code, done.stderr + done.stdout).toBe(0);
      expect(JSON.parse(done.stdout)).toMatchObject({ summary: { total: 3, ok: 3, failed: 0 } });
    }
  });

  it('refuses every change with a message that says what to do, storing no secret', async (context) => {
    unavailable(context);
    const keychain = (await import('keytar')).default;
    const secretsBefore = (await keychain.findCredentials(prepared.service)).length;
    const refusals = await Promise.all([
      run(['servers', 'add', '--name', 'gate', '--url', 'http://10.0.0.9', '--username', 'admin', '--password-stdin'], `${scan.add(`new-pw-${randomUUID()}`)}\n`),
      run(['servers', 'remove', 'south']),
      run(['keys', 'add', keyFile, '--label', 'another']),
      run(['servers', 'import', await csvFile()]),
    ]);
    for (const refusal of refusals) expectRefusal(refusal, REFUSALS[disk!.how]!);
    expect((await keychain.findCredentials(prepared.service)).length).toBe(secretsBefore);
  });

  it('lost nothing, damaged nothing and left no temporary file', async (context) => {
    unavailable(context);
    const out = join(work.path, `out-${randomUUID()}`);
    await mkdir(out);
    await disk!.copyOut(out);
    await expectNothingLost(out, prepared);
    const after = await fingerprints(out);
    expect([...after.keys()].filter((f) => f.endsWith('.tmp'))).toEqual([]);
    // The registry, keys and settings are as they were; only history and status may have grown where room allowed.
    for (const file of ['servers.json', 'servers.json.bak', 'keys.json']) expect(after.get(file), file).toBe(before.get(file));
  });

  async function csvFile(): Promise<string> {
    const path = join(inputs.path, `${randomUUID()}.csv`);
    await writeFile(path, `name,url,username,password\nimported,http://10.0.0.10,admin,${scan.add(`csv-pw-${randomUUID()}`)}\n`);
    return path;
  }
});

/**
 * A keychain of this test's own, on a D-Bus session of its own, so it can be locked without
 * disturbing the other tests: dbus-daemon and gnome-keyring-daemon, both children of this process.
 */
class PrivateKeyring {
  private daemon: ChildProcess | null = null;
  private constructor(
    private readonly bus: ChildProcess,
    readonly env: NodeJS.ProcessEnv,
  ) {}

  static async start(home: string): Promise<PrivateKeyring> {
    await mkdir(join(home, 'runtime'), { mode: 0o700, recursive: true });
    const bus = spawn('dbus-daemon', ['--session', '--nofork', '--print-address=1'], { stdio: ['ignore', 'pipe', 'ignore'] });
    const address = await new Promise<string>((resolve) => bus.stdout!.once('data', (chunk: Buffer) => resolve(chunk.toString().trim())));
    const keyring = new PrivateKeyring(bus, { ...process.env, DBUS_SESSION_BUS_ADDRESS: address, XDG_DATA_HOME: join(home, 'data'), XDG_RUNTIME_DIR: join(home, 'runtime') });
    await keyring.unlock();
    return keyring;
  }

  /** Starts (or restarts) the keyring, unlocking the login collection with its password, as a desktop login does. */
  async unlock(): Promise<void> {
    await this.stopDaemon();
    this.daemon = spawn('gnome-keyring-daemon', ['--foreground', '--unlock', '--components=secrets'], { env: this.env, stdio: ['pipe', 'ignore', 'ignore'] });
    this.daemon.stdin!.end('pw');
    for (let i = 0; i < 100 && !this.dbus('org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus.NameHasOwner', 'string:org.freedesktop.secrets').includes('true'); i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Locks the login collection, as a screen lock or a timeout does. */
  lock(): void {
    const answer = this.dbus('org.freedesktop.secrets', '/org/freedesktop/secrets', 'org.freedesktop.Secret.Service.Lock', 'array:objpath:/org/freedesktop/secrets/collection/login');
    if (!answer.includes('collection/login')) throw new Error(`could not lock the test keyring: ${answer}`);
  }

  async close(): Promise<void> {
    await this.stopDaemon();
    this.bus.kill();
  }

  /** A D-Bus call with dbus-send, which the dbus package brings (gdbus would need GLib's tools). */
  private dbus(dest: string, path: string, method: string, arg: string): string {
    return spawnSync('dbus-send', ['--session', '--print-reply', `--dest=${dest}`, path, method, arg], { env: this.env, encoding: 'utf8' }).stdout ?? '';
  }

  private async stopDaemon(): Promise<void> {
    const daemon = this.daemon;
    if (!daemon || daemon.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      daemon.once('exit', () => resolve());
      daemon.kill();
    });
  }
}

describe('the keychain', () => {
  let keyring: PrivateKeyring;
  let dataDir: string;
  let keyFile: string;
  let newKeyFile: string;
  const service = `bf-disk-keychain-${randomUUID()}`;
  const run = (args: string[], env: NodeJS.ProcessEnv = keyring.env, input?: string) => cli(args, { dataDir, service, env, input, timeoutMs: 8000 });

  beforeAll(async () => {
    keyring = await PrivateKeyring.start(join(work.path, 'keyring'));
    dataDir = join(work.path, 'keychain-data');
    keyFile = join(inputs.path, 'keychain.key');
    newKeyFile = join(inputs.path, 'keychain-new.key');
    await writeFile(keyFile, scan.addKey(mintKey({ maxStreams: 5 })));
    await writeFile(newKeyFile, scan.addKey(mintKey({ maxStreams: 6 })));
    for (const [i, name] of ['north', 'south'].entries()) {
      const added = await run(['servers', 'add', '--name', name, '--url', sims[i]!.url, '--username', 'admin', '--password-stdin'], keyring.env, `${auth.password}\n`);
      expect(added.code, added.stderr).toBe(0);
    }
    expect((await run(['servers', 'add', '--name', 'yard', '--url', sims[2]!.url])).code).toBe(0);
    expect((await run(['keys', 'add', keyFile, '--label', 'kept key'])).code).toBe(0);
  }, 60_000);

  afterAll(async () => {
    await keyring?.close();
  });

  async function expectWorking(): Promise<void> {
    const [status, list] = await Promise.all([run(['status', '--all', '--json']), run(['servers', 'list', '--json'])]);
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ summary: { total: 3, ok: 3 } });
    expect((JSON.parse(list.stdout) as { name: string; hasCredentials: boolean }[]).map((s) => [s.name, s.hasCredentials])).toEqual([
      ['north', true],
      ['south', true],
      ['yard', false],
    ]);
    const apply = await run(['apply', '--key-label', 'kept key', '--all', '--json']);
    expect(apply.code, apply.stderr).toBe(0);
    expect(JSON.parse(apply.stdout)).toMatchObject({ summary: { total: 3, ok: 3 } });
  }

  describe.each([
    ['locked', () => (keyring.lock(), keyring.env), /The OS keychain is locked \(.*\)\. Unlock it, then try again/],
    ['missing', () => ({ ...keyring.env, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bf-test-bus' }), /No OS keychain is available \(.*\)\. On Linux, install and unlock a Secret Service/],
  ] as const)('%s', (_state, enter, message) => {
    it('lists, refuses what needs it with a message that says what to do, and never hangs', async () => {
      const env = enter();
      // One after another, as a person would: gnome-keyring keeps a second process's unlock prompt
      // waiting for as long as the first one's is open, which without a display is for ever
      // (within one process the app's keychain calls take turns, so there it cannot happen).
      const list = await run(['servers', 'list', '--json'], env);
      const status = await run(['status', '--all', '--json'], env);
      const add = await run(['servers', 'add', '--name', 'gate', '--url', 'http://10.0.0.9', '--username', 'admin', '--password-stdin'], env, `${scan.add(`gate-${randomUUID()}`)}\n`);
      const remove = await run(['servers', 'remove', 'north'], env);
      const keys = await run(['keys', 'add', newKeyFile, '--label', 'another key'], env);
      const apply = await run(['apply', '--key-label', 'kept key', '--all', '--json'], env);
      expect(list.code, list.stderr).toBe(0);
      expect((JSON.parse(list.stdout) as unknown[]).length).toBe(3);
      // Reading the fleet: the server without credentials answers, the others say why they cannot.
      expect(status.code).toBe(1);
      const results = (JSON.parse(status.stdout) as { results: { name: string; ok: boolean; error: { kind: string; message: string } | null }[] }).results;
      expect(results.find((r) => r.name === 'yard')).toMatchObject({ ok: true });
      for (const r of results.filter((r) => r.name !== 'yard')) {
        expect(r.error?.kind, r.name).toBe('KeychainUnavailable');
        expect(r.error?.message).toMatch(message);
      }
      for (const refusal of [add, remove, keys]) expectRefusal(refusal, message);
      expect(apply.code).toBe(1);
      for (const r of (JSON.parse(apply.stdout) as { results: { error: { message: string } | null }[] }).results) expect(r.error?.message).toMatch(message);
      for (const r of [list, status, add, remove, keys, apply]) expect(r.signal, 'a command hung').toBeNull();
    });

    it('lost nothing: once the keychain is back, every server, credential and key works', async () => {
      await keyring.unlock();
      await expectWorking();
    });
  });
});
