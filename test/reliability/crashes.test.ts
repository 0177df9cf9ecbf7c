// The command line killed (SIGKILL) at random moments during a 200-server apply and during
// registry and key edits, and the core killed at the worst moments of a keychain change: each
// time the data folder opens clean, nothing stored before is lost, and a torn history line is
// skipped. The kill moments are drawn from a seeded generator: the seed is printed, and a failure
// can be run again with the same draws with BF_CRASH_SEED=<seed> (the moments are still relative to
// how far each run got, so a replay is close, not identical).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FleetCore } from '../../electron/core/fleet-core';
import type { Credentials } from '../../electron/common/types';
import { KEYCHAIN_SERVICE_ENV, KeytarSecretStore } from '../../electron/core/secrets/secret-store';
import { ROOT, TSX_ARGS, runCli, type CliRun } from '../helpers/cli';
import { SecretScan } from '../helpers/secret-scan';
import { seededRandom } from '../helpers/seeded-random';
import { tempDir } from '../helpers/keyring';
import { startFleet, type Fleet } from '../sim/fleet';
import { mintKey } from '../sim/keys';

const FLEET = 200;
const APPLY_KILLS = 6;
const EDIT_KILLS = 8;
const { stream, replay } = seededRandom('BF_CRASH_SEED');

const scan = new SecretScan();
const service = `bf-crash-${randomUUID()}`;
const env = { ...process.env, [KEYCHAIN_SERVICE_ENV]: service };
const keychain = new KeytarSecretStore(service);
let fleet: Fleet;
let data: Awaited<ReturnType<typeof tempDir>>;
let inputs: Awaited<ReturnType<typeof tempDir>>;
const outputs: string[] = [];

/** What the folder must hold after every kill: servers (with their credentials) and keys whose adding was confirmed. */
const confirmedServers = new Map<string, Credentials | null>();
const confirmedKeys = new Map<string, string>();
const removed = new Set<string>();

function credentialsFor(name: string): Credentials {
  return scan.addCredentials({ username: `admin-${name}`, password: `crash-pw-${name}-${randomUUID()}` });
}

beforeAll(async () => {
  data = await tempDir('bf-crash-data-');
  inputs = await tempDir('bf-crash-inputs-');
  // Its own password per server, so a mix-up would show as well as a loss.
  const auths = Array.from({ length: FLEET }, (_, i) => credentialsFor(`fleet-${i}`));
  fleet = await startFleet({ count: FLEET, latencyMs: 30, state: 'missing', perServer: (i) => ({ auth: auths[i] }) });
  const core = await FleetCore.open({ dataDir: data.path, secrets: keychain });
  try {
    const rows = fleet.servers.map((s, i) => {
      confirmedServers.set(`fleet-${i}`, auths[i]!);
      return `fleet-${i},${s.url},site-${i % 5},${auths[i]!.username},${auths[i]!.password}`;
    });
    const report = await core.registry.importCsv(['name,url,site,username,password', ...rows].join('\n'));
    expect(report.accepted).toBe(FLEET);
    const key = scan.addKey(mintKey({ maxStreams: 20 }));
    await core.vault.addText(key, 'fleet key');
    confirmedKeys.set('fleet key', key);
  } finally {
    await core.close();
  }
}, 60_000);

afterAll(async () => {
  await fleet?.close();
  for (const output of outputs) scan.text('command output', output);
  if (data) await scan.folder(data.path);
  expect(scan.findings, replay('secrets were written out')).toEqual([]);
  await Promise.all([data?.remove(), inputs?.remove()]);
});

/**
 * The folder opens clean, and every confirmed server (with its credentials) and key is there.
 * `after` names the kill just survived, for the messages.
 */
async function expectIntact(after: string): Promise<{ tornHistory: boolean }> {
  const why = (what: string) => replay(`${what}, after ${after}`);
  const core = await FleetCore.open({ dataDir: data.path, secrets: keychain });
  try {
    expect(core.notices, why('a data file was damaged')).toEqual([]);
    const servers = new Map(core.registry.list().map((s) => [s.name, s]));
    for (const [name, credentials] of confirmedServers) {
      const server = servers.get(name);
      expect(server, why(`${name} was lost`)).toBeDefined();
      expect(await core.registry.credentials(server!.id), why(`${name}'s credentials`)).toEqual(credentials);
    }
    for (const name of removed) expect(servers.has(name), why(`${name} came back`)).toBe(false);
    // A server a killed command left in the file has its credentials too.
    for (const server of servers.values()) {
      if (server.hasCredentials) await expect(core.registry.credentials(server.id), why(`${server.name} lost the credentials it claims`)).resolves.not.toBeNull();
    }
    for (const [label, text] of confirmedKeys) expect(await core.vault.keyText(core.vault.findByLabel(label)!.id), why(label)).toBe(text);
    for (const key of core.vault.list()) await expect(core.vault.keyText(key.id), why(`key ${key.label}`)).resolves.toMatch(/^[A-Za-z0-9+/=]+$/);
    // Every whole line of the history reads; a line torn by a kill is skipped.
    const raw = await readFile(core.audit.path, 'utf8');
    const whole = raw.split('\n').filter((line) => {
      try {
        return JSON.parse(line) !== null;
      } catch {
        return false;
      }
    });
    expect((await core.audit.query()).length, why('whole history lines were not read')).toBe(whole.length);
    return { tornHistory: raw.length > 0 && !raw.endsWith('\n') };
  } finally {
    core.dispose();
  }
}

function puts(): number {
  return fleet.servers.reduce((sum, s) => sum + s.putCount, 0);
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs the command line and kills it at the moment `when` picks; resolves to the run and whether the kill came first. */
async function killedRun(args: string[], when: (started: number) => Promise<void>, input = ''): Promise<{ run: CliRun; killed: boolean }> {
  let killed = false;
  const run = await runCli([...args, '--data-dir', data.path], {
    env,
    input,
    onSpawn: (child) => {
      void when(Date.now()).then(() => {
        killed = child.exitCode === null && child.signalCode === null;
        if (killed) child.kill('SIGKILL');
      });
    },
  });
  outputs.push(run.stdout, run.stderr);
  return { run, killed: killed && run.signal === 'SIGKILL' };
}

describe('SIGKILL during a 200-server apply', () => {
  it(`leaves the folder whole, ${APPLY_KILLS} times over`, async () => {
    const random = stream('apply');
    const runs: string[] = [];
    let kills = 0;
    for (let i = 0; i < APPLY_KILLS; i++) {
      const before = puts();
      // The first key reaching a server marks the apply under way; the kill falls anywhere in it.
      const delay = Math.round(random() * 300);
      const { killed } = await killedRun(['apply', '--key-label', 'fleet key', '--all', '--json', '--concurrency', '16'], async (started) => {
        while (puts() === before && Date.now() - started < 15_000) await wait(2);
        await wait(delay);
      });
      if (killed) kills++;
      runs.push(`apply ${i + 1} of ${APPLY_KILLS}, ${killed ? 'killed' : 'not killed'} ${delay} ms after its first key`);
      await expectIntact(runs.at(-1)!);
    }
    expect(kills, replay(`the apply always finished before the kill: ${runs.join('; ')}`)).toBeGreaterThanOrEqual(APPLY_KILLS - 1);
    expect(puts(), replay('the applies reached too few servers')).toBeGreaterThan(FLEET / 2);
  }, 120_000);
});

describe('SIGKILL during registry and key edits', () => {
  /** One edit: its command, its input, and what it confirms when it finishes. */
  function edit(i: number): { args: string[]; input?: string; confirm: () => void; prepare?: () => Promise<void> } {
    const name = `edit-${i}`;
    switch (i % 4) {
      case 0: {
        const rows = Array.from({ length: 40 }, (_, r) => ({ name: `${name}-row-${r}`, auth: credentialsFor(`${name}-row-${r}`) }));
        const file = join(inputs.path, `${name}.csv`);
        return {
          args: ['servers', 'import', file],
          prepare: () => writeFile(file, ['name,url,username,password', ...rows.map((r, n) => `${r.name},http://10.9.${i}.${n + 1},${r.auth.username},${r.auth.password}`)].join('\n')),
          confirm: () => rows.forEach((r) => confirmedServers.set(r.name, r.auth)),
        };
      }
      case 1: {
        const auth = credentialsFor(name);
        return { args: ['servers', 'add', '--name', name, '--url', `http://10.8.0.${i}`, '--username', auth.username, '--password-stdin'], input: `${auth.password}\n`, confirm: () => confirmedServers.set(name, auth) };
      }
      case 2: {
        const text = scan.addKey(mintKey({ maxStreams: i + 1 }));
        const file = join(inputs.path, `${name}.key`);
        return { args: ['keys', 'add', file, '--label', name], prepare: () => writeFile(file, `${text}\n`), confirm: () => confirmedKeys.set(name, text) };
      }
      default: {
        // A server of the fleet, with its credentials: the removal may or may not land, never half.
        const victim = `fleet-${i}`;
        return {
          args: ['servers', 'remove', victim],
          prepare: async () => void confirmedServers.delete(victim),
          confirm: () => removed.add(victim),
        };
      }
    }
  }

  it(`leaves the folder whole, ${EDIT_KILLS} times over`, async () => {
    // How long each kind of edit takes uninterrupted, so the kills fall inside the edits, not only in start-up.
    const took: number[] = [];
    const random = stream('edits');
    const runs: string[] = [];
    let kills = 0;
    for (let i = 0; i < EDIT_KILLS + 4; i++) {
      const { args, input, confirm, prepare } = edit(i);
      await prepare?.();
      const calibrating = i < 4;
      // Late in the run, where the edit itself happens, more often than in start-up.
      const at = calibrating ? null : Math.round(took[i % 4]! * (0.75 + random() * 0.3));
      const { run, killed } = await killedRun(args, async (started) => {
        if (at === null) return new Promise<void>(() => undefined); // calibrating: runs to its end
        await wait(at - (Date.now() - started));
      }, input);
      if (calibrating) {
        expect(run.code, replay(run.stderr)).toBe(0);
        took.push(run.ms);
      }
      if (killed) kills++;
      else if (run.code === 0) confirm();
      const outcome = at === null ? 'calibrating' : killed ? `killed at ${at} ms` : `not killed: kill due at ${at} ms`;
      runs.push(`${args.slice(0, 2).join(' ')} (edit ${i + 1}) ${outcome}, ended after ${run.ms} ms`);
      await expectIntact(runs.at(-1)!);
    }
    expect(kills, replay(`the edits mostly finished before the kill: ${runs.join('; ')}`)).toBeGreaterThanOrEqual(EDIT_KILLS / 2);
  }, 120_000);
});

describe('the core killed at the worst moment of a keychain change', () => {
  /**
   * Runs one registry change in a child process whose keychain kills the process the instant a
   * given keychain write returns: the moment between keychain and file where a crash could lose
   * credentials if the two were written in the wrong order.
   */
  async function crashAfter(kind: 'set' | 'delete', change: string): Promise<CliRun> {
    const module = (path: string) => JSON.stringify(join(ROOT, path));
    const script = `
      const { FleetCore } = await import(${module('electron/core/fleet-core.ts')});
      const { KeytarSecretStore } = await import(${module('electron/core/secrets/secret-store.ts')});
      const real = new KeytarSecretStore(process.env.${KEYCHAIN_SERVICE_ENV});
      const die = (account) => account.startsWith('server:') && process.kill(process.pid, 'SIGKILL');
      const secrets = {
        get: (a) => real.get(a),
        set: async (a, s) => { await real.set(a, s); if (${JSON.stringify(kind)} === 'set') die(a); },
        delete: async (a) => { const r = await real.delete(a); if (${JSON.stringify(kind)} === 'delete') die(a); return r; },
      };
      const core = await FleetCore.open({ dataDir: ${JSON.stringify(data.path)}, secrets });
      const registry = core.registry;
      ${change}
      console.log('survived');`;
    const run = await runCli([], { env, argv: [process.execPath, ...TSX_ARGS, '--input-type=module', '--eval', script] });
    outputs.push(run.stdout, run.stderr);
    expect(run.stderr).toBe('');
    return run;
  }

  const find = (name: string) => `registry.findByName(${JSON.stringify(name)}).id`;
  it.each([
    ['removing a server', 'fleet-199', 'delete', `await registry.remove(${find('fleet-199')});`, false],
    ['removing its credentials', 'fleet-198', 'delete', `await registry.update(${find('fleet-198')}, { credentials: null });`, true],
    ['replacing its credentials', 'fleet-197', 'set', `await registry.update(${find('fleet-197')}, { credentials: { username: 'new', password: ${JSON.stringify(scan.add(`replaced-${randomUUID()}`))} } });`, true],
  ] as const)('%s: no server is left without the credentials it claims', async (_what, name, kind, change, stays) => {
    const run = await crashAfter(kind, change);
    expect(run.signal, 'the keychain write never happened').toBe('SIGKILL');
    confirmedServers.delete(name);
    await expectIntact(`a kill after the keychain ${kind} of ${name}`);
    const core = await FleetCore.open({ dataDir: data.path, secrets: keychain });
    try {
      const server = core.registry.findByName(name);
      expect(!!server).toBe(stays);
      if (server?.hasCredentials) expect(await core.registry.credentials(server.id)).not.toBeNull();
    } finally {
      core.dispose();
    }
  });

  it('adding a server: killed once its credentials are stored, it is simply not there', async () => {
    const auth = credentialsFor('never-added');
    const run = await crashAfter('set', `await registry.add({ name: 'never-added', url: 'http://10.7.0.1', credentials: ${JSON.stringify(auth)} });`);
    expect(run.signal).toBe('SIGKILL');
    const { tornHistory } = await expectIntact('a kill after storing the credentials of a new server');
    expect(tornHistory).toBe(false);
    const core = await FleetCore.open({ dataDir: data.path, secrets: keychain });
    expect(core.registry.findByName('never-added')).toBeUndefined();
    core.dispose();
  });
});

describe('a history line torn by a kill', () => {
  it('is skipped on read, and the next entry starts on a line of its own', async () => {
    const core = await FleetCore.open({ dataDir: data.path, secrets: keychain });
    const before = (await core.audit.query()).length;
    core.dispose();
    // What a kill in the middle of an append leaves: half a JSON line, no line end.
    await appendFile(join(data.path, 'history.jsonl'), '{"time":"2026-01-01T00:00:00.000Z","action":"license.apply","server":{"id":"x","na');
    expect((await expectIntact('a torn history line')).tornHistory).toBe(true);
    const history = await runCli(['history', '--json', '--data-dir', data.path], { env });
    expect(history.code, history.stderr).toBe(0);
    expect((JSON.parse(history.stdout) as unknown[]).length).toBe(before);
    const added = await runCli(['servers', 'add', '--name', 'after-the-tear', '--url', 'http://10.6.0.1', '--data-dir', data.path], { env });
    expect(added.code, added.stderr).toBe(0);
    confirmedServers.set('after-the-tear', null);
    expect((await expectIntact('an add after a torn history line')).tornHistory).toBe(false);
    const reopened = await FleetCore.open({ dataDir: data.path, secrets: keychain });
    const entries = (await reopened.audit.query()).reverse();
    reopened.dispose();
    expect(entries).toHaveLength(before + 1);
    expect(entries.at(-1)).toMatchObject({ action: 'server.add', server: { name: 'after-the-tear' } });
  });
});
