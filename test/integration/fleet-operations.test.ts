import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FleetCore } from '../../electron/core/fleet-core';
import type { SecretStore } from '../../electron/core/secrets/secret-store';
import { startFleet, type Fleet } from '../sim/fleet';
import { mintKey } from '../sim/keys';
import type { SimServerOptions } from '../sim/server';
import { tempDir, testKeychain } from '../helpers/keyring';
import type { OperationSummary, ProgressEvent, ServerResult } from '../../electron/common/types';

const PASSWORD = 'fleet-pass-7f3a9c';
const WRONG_PASSWORD = 'not-the-password-51d2';
const KIND_BY_CLASS = ['valid', 'expired', 'invalid', 'missing', 'wrong-password', 'refused', 'hanging', 'starting'] as const;
type ServerClass = (typeof KIND_BY_CLASS)[number];
const SERVERS = 56; // seven of each class

function classOf(i: number): ServerClass {
  return KIND_BY_CLASS[i % KIND_BY_CLASS.length]!;
}

function simOptions(kind: ServerClass): Partial<SimServerOptions> {
  switch (kind) {
    case 'valid':
    case 'expired':
    case 'invalid':
    case 'missing':
      return { state: kind };
    case 'wrong-password':
      return { state: 'valid' };
    case 'refused':
      return { fault: 'refuse' };
    case 'hanging':
      return { fault: 'hang' };
    case 'starting':
      return { fault: 'starting' };
  }
}

const dataDirs: Array<{ path: string; remove(): Promise<void> }> = [];
const keysUsed: string[] = [];
let fleet: Fleet;
let core: FleetCore;
let secrets: SecretStore;
let ids: string[];

beforeAll(async () => {
  fleet = await startFleet({ count: SERVERS, auth: { username: 'admin', password: PASSWORD }, perServer: (i) => simOptions(classOf(i)) });
  const dir = await tempDir('bf-fleet-ops-');
  dataDirs.push(dir);
  secrets = testKeychain();
  core = await FleetCore.open({ dataDir: dir.path, secrets });
  for (const [i, url] of fleet.urls.entries()) {
    const password = classOf(i) === 'wrong-password' ? WRONG_PASSWORD : PASSWORD;
    await core.registry.add({ name: `srv-${String(i).padStart(2, '0')}`, url, site: `site-${i % 3}`, credentials: { username: 'admin', password } });
  }
  ids = core.registry.list().map((s) => s.id);
}, 60_000);

afterAll(async () => {
  await core.close();
  await fleet.close();
  for (const dir of dataDirs) await dir.remove();
});

function byName(summary: OperationSummary): Map<string, ServerResult> {
  return new Map(summary.results.map((r) => [r.name, r]));
}

function indexOf(result: ServerResult): number {
  return Number(result.name.slice(4));
}

describe('refresh over a mixed fleet', () => {
  let summary: OperationSummary;
  const events: ProgressEvent[] = [];
  let elapsed = 0;

  beforeAll(async () => {
    const began = Date.now();
    const op = core.refresh(ids, { concurrency: 16, timeoutMs: 1000 });
    op.onDidProgress((e) => events.push(e));
    summary = await op.done;
    elapsed = Date.now() - began;
  });

  it('gives every server the right result', () => {
    expect(summary.counts).toMatchObject({ total: SERVERS, done: SERVERS, ok: 28, failed: 28, running: 0 });
    for (const result of summary.results) {
      const kind = classOf(indexOf(result));
      const expected: Record<ServerClass, Partial<ServerResult> | { errorKind: string }> = {
        valid: { ok: true },
        expired: { ok: true },
        invalid: { ok: true },
        missing: { ok: true },
        'wrong-password': { errorKind: 'UnauthorizedError' },
        refused: { errorKind: 'Unreachable' },
        hanging: { errorKind: 'Timeout' },
        starting: { errorKind: 'ServerNotReady' },
      };
      const want = expected[kind];
      if ('errorKind' in want) {
        expect(result, result.name).toMatchObject({ ok: false, error: { kind: want.errorKind } });
      } else {
        expect(result, result.name).toMatchObject({ ok: true, error: null, version: '0.30.5', license: { state: kind } });
      }
    }
  });

  it('lets no dead server hold up the others beyond its own timeout', () => {
    // 7 hanging servers at 1 s each, 16 at a time: about one timeout in all, not seven.
    expect(elapsed).toBeLessThan(3500);
  });

  it('reports progress per server with running counts', () => {
    expect(events.filter((e) => e.type === 'started')).toHaveLength(SERVERS);
    const finished = events.filter((e) => e.type === 'finished');
    expect(finished).toHaveLength(SERVERS);
    expect(finished.map((e) => e.counts.done)).toEqual(Array.from({ length: SERVERS }, (_, i) => i + 1));
    // 16 at a time, plus requests parked while their server stays silent (at most 4 × 16 in all).
    expect(Math.max(...events.map((e) => e.counts.running))).toBeLessThanOrEqual(64);
  });

  it('records each result in the status cache, persisted for the next start', async () => {
    await core.status.flush();
    const reopened = await FleetCore.open({ dataDir: core.dataDir, secrets });
    try {
      const results = byName(summary);
      const valid = reopened.status.get(results.get('srv-00')!.serverId);
      expect(valid).toMatchObject({ reachability: 'online', version: '0.30.5', error: null, license: { state: 'valid' } });
      expect(Date.now() - Date.parse(valid.checkedAt!)).toBeLessThan(60_000);
      expect(reopened.status.get(results.get('srv-05')!.serverId)).toMatchObject({ reachability: 'offline', error: { kind: 'Unreachable' } });
      expect(reopened.status.get(results.get('srv-04')!.serverId)).toMatchObject({ reachability: 'online', error: { kind: 'UnauthorizedError' } });
    } finally {
      reopened.dispose();
    }
  });
});

describe('the version', () => {
  it('is read again only when unknown or after the server was away', async () => {
    const online = core.registry.findByName('srv-00')!;
    const starting = core.registry.findByName('srv-07')!;
    for (const sim of [fleet.servers[0]!, fleet.servers[7]!]) sim.requests.length = 0;
    await core.refresh([online.id, starting.id], { timeoutMs: 1000, streams: false }).done;
    // Known fresh from the first refresh: the license alone.
    expect(fleet.servers[0]!.requests.map((r) => r.path)).toEqual(['/api/license']);
    // Never answered yet: both.
    expect(fleet.servers[7]!.requests.map((r) => r.path).sort()).toEqual(['/api/license', '/api/version']);
    expect(core.status.get(online.id).version).toBe('0.30.5');
  });
});

describe('apply over a mixed fleet, then retry of the failures', () => {
  let first: OperationSummary;
  let keyId: string;

  beforeAll(async () => {
    const text = mintKey({ maxStreams: 16, expires: '2032-06-30' });
    keysUsed.push(text);
    keyId = (await core.vault.addText(text, 'site license 2032')).id;
    first = await core.apply(keyId, ids, { concurrency: 16, timeoutMs: 1000 }).done;
  });

  it('applies where the server takes the key and reports why elsewhere', () => {
    for (const result of first.results) {
      const kind = classOf(indexOf(result));
      if (['valid', 'expired', 'invalid', 'missing'].includes(kind)) {
        expect(result, result.name).toMatchObject({
          ok: true,
          license: { state: 'valid', terms: { max_streams: 16, expiration_date: '2032-06-30' } },
        });
        expect(fleet.servers[indexOf(result)]!.license().state).toBe('valid');
      } else {
        expect(result.ok, result.name).toBe(false);
      }
    }
    expect(first.counts).toMatchObject({ ok: 28, failed: 28 });
    // A failure reports the last known license: none for a server whose login was always refused.
    expect(byName(first).get('srv-04')).toMatchObject({ error: { kind: 'UnauthorizedError' }, license: null });
  });

  it('writes one audit line per server with the key fingerprint, never the key', async () => {
    const applies = (await core.audit.query({ actions: ['license.apply'] })).reverse();
    expect(applies).toHaveLength(SERVERS);
    const key = core.vault.get(keyId)!;
    for (const entry of applies) expect(entry.key).toEqual({ id: key.id, label: 'site license 2032', fingerprint: key.fingerprint });
    expect(applies.filter((e) => e.outcome.ok)).toHaveLength(28);
    const failed = applies.find((e) => e.server?.name === 'srv-06')!;
    expect(failed.outcome).toMatchObject({ ok: false, error: { kind: 'Timeout' } });
  });

  it('retries only the failures, and a fixed server then succeeds', async () => {
    const puts = fleet.servers.map((s) => s.putCount);
    const fixedPassword = core.registry.list().find((s) => s.name === 'srv-04')!;
    await core.registry.update(fixedPassword.id, { credentials: { username: 'admin', password: PASSWORD } });
    await fleet.servers[7]!.setFault(null); // srv-07 finished starting

    const retry = await core.retry(first.id, { concurrency: 16, timeoutMs: 1000 }).done;
    expect(retry.counts.total).toBe(28);
    const results = byName(retry);
    expect(results.get('srv-04')).toMatchObject({ ok: true, license: { state: 'valid' } });
    expect(results.get('srv-07')).toMatchObject({ ok: true, license: { state: 'valid' } });
    expect(results.get('srv-05')).toMatchObject({ ok: false, error: { kind: 'Unreachable' } });
    expect(results.has('srv-00')).toBe(false);
    // Servers that had succeeded got no second key.
    fleet.servers.forEach((server, i) => {
      if (['valid', 'expired', 'invalid', 'missing'].includes(classOf(i))) expect(server.putCount, `server ${i}`).toBe(puts[i]);
    });
  });
});

describe('cancellation and exclusivity', () => {
  let slow: Fleet;
  let slowIds: string[];
  let slowCore: FleetCore;

  beforeAll(async () => {
    slow = await startFleet({ count: 40, latencyMs: 300, state: 'missing' });
    const dir = await tempDir('bf-fleet-cancel-');
    dataDirs.push(dir);
    slowCore = await FleetCore.open({ dataDir: dir.path, secrets });
    for (const [i, url] of slow.urls.entries()) await slowCore.registry.add({ name: `slow-${i}`, url });
    slowIds = slowCore.registry.list().map((s) => s.id);
  });

  afterAll(async () => {
    await slowCore.close();
    await slow.close();
  });

  it('stops new requests and aborts those in flight', async () => {
    const key = mintKey();
    keysUsed.push(key);
    const keyId = (await slowCore.vault.addText(key)).id;
    const op = slowCore.apply(keyId, slowIds, { concurrency: 4, timeoutMs: 5000 });
    let started = 0;
    op.onDidProgress((e) => {
      if (e.type === 'started' && ++started === 6) op.cancel();
    });
    const began = Date.now();
    const summary = await op.done;
    expect(Date.now() - began).toBeLessThan(1500);
    expect(summary.cancelled).toBe(true);
    expect(summary.results).toHaveLength(40);
    const cancelled = summary.results.filter((r) => r.error?.kind === 'Cancelled');
    expect(cancelled.length).toBeGreaterThanOrEqual(30);
    // Servers never reached were never asked.
    const asked = slow.servers.filter((s) => s.requests.some((r) => r.method === 'PUT')).length;
    expect(asked).toBeLessThanOrEqual(8);
    expect(summary.counts.done).toBe(40);
  });

  it('never lets two operations talk to one server at once', async () => {
    const [one] = slowIds;
    const order: string[] = [];
    const a = slowCore.refresh([one!]);
    const b = slowCore.refresh([one!]);
    a.onDidProgress((e) => order.push(`a:${e.type}`));
    b.onDidProgress((e) => order.push(`b:${e.type}`));
    const began = Date.now();
    await Promise.all([a.done, b.done]);
    expect(order).toEqual(['a:started', 'a:finished', 'b:started', 'b:finished']);
    expect(Date.now() - began).toBeGreaterThanOrEqual(580);
  });

  it("tests a registered server's connection only in its turn, never alongside an operation on it", async () => {
    const [one] = slowIds;
    const url = slowCore.registry.get(one!)!.url;
    const server = slow.servers[slow.urls.indexOf(url)]!;
    const before = server.requests.length;
    // The test is asked for first, so it has the server first; the refresh waits for its turn.
    const test = slowCore.testConnection({ url, serverId: one! });
    const refresh = slowCore.refresh([one!]);
    const [tested, summary] = await Promise.all([test, refresh.done]);
    expect(tested.version).toBeTruthy();
    const arrivals = server.requests.slice(before).map((r) => r.time);
    // The test's version and license, then the refresh's license (and version, when it was not known fresh).
    expect(arrivals.length).toBeGreaterThanOrEqual(3);
    expect(summary.results[0]!.ok).toBe(true);
    // The server answers after 300 ms: the refresh's first request came only once the test had its answers.
    expect(arrivals[2]! - arrivals[1]!).toBeGreaterThanOrEqual(250);
  });


});

describe('secrets stay out of the data folder', () => {
  it('finds no password or key text in any file written', async () => {
    const needles = [PASSWORD, WRONG_PASSWORD, ...keysUsed, ...keysUsed.map((k) => k.slice(10, 40))];
    for (const dir of dataDirs) {
      for (const file of await listFiles(dir.path)) {
        const text = await readFile(file, 'latin1');
        for (const needle of needles) expect(text.includes(needle), `${file} contains a secret`).toBe(false);
      }
    }
  });
});

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

describe('a local failure (the keychain) says nothing about the server', () => {
  it('keeps its reachability and last check, names the failure, and does not count as an answer', async () => {
    const { FleetOperations } = await import('../../electron/core/fleet/fleet-operations');
    const { StatusCache } = await import('../../electron/core/status/status-cache');
    const { AuditLog } = await import('../../electron/core/audit/audit-log');
    const { KeychainUnavailableError } = await import('../../electron/core/secrets/secret-store');
    const { buildRow } = await import('../../renderer/model/grid-row');
    const dir = await tempDir('bf-local-failure-');
    dataDirs.push(dir);
    const cache = await StatusCache.open(dir.path);
    const ops = new FleetOperations({
      credentials: async () => {
        throw new KeychainUnavailableError('Cannot create an item in a locked collection');
      },
      cache,
      audit: new AuditLog(join(dir.path, 'history.jsonl')),
      learned: { get: () => null, learn: async () => undefined },
    });
    // A server never checked (it refuses connections, but nobody asked it) and one known to be down.
    const refused = fleet.urls[KIND_BY_CLASS.indexOf('refused')]!;
    const never = { id: 'never-checked', name: 'never', url: refused, site: '', tlsFingerprint: null };
    const down = { id: 'known-down', name: 'down', url: refused, site: '', tlsFingerprint: null };
    cache.record(down.id, { error: { kind: 'Unreachable', message: 'x' } }, new Date('2026-01-01T00:00:00Z'));
    const summary = await ops.refresh([never, down], { timeoutMs: 2000 }).done;
    expect(summary.results.map((r) => r.error?.kind)).toEqual(['KeychainUnavailable', 'KeychainUnavailable']);
    expect(cache.get(never.id)).toMatchObject({ reachability: 'never', checkedAt: null, error: { kind: 'KeychainUnavailable' } });
    expect(cache.get(down.id)).toMatchObject({ reachability: 'offline', checkedAt: '2026-01-01T00:00:00.000Z', error: { kind: 'KeychainUnavailable' } });
    // The grid shows it as it is: not online, not an authentication failure, and why.
    const server = { ...never, notes: '', hasCredentials: true, createdAt: '', updatedAt: '' };
    const row = buildRow(server, cache.get(never.id), { now: Date.now(), warningDays: 30, refreshIntervalMinutes: 15 });
    expect(row).toMatchObject({ reach: 'never', authFailed: false, errorLabel: 'Keychain unavailable' });
    cache.dispose();
    ops.dispose();
  });
});
