// Every fault a server can throw at the app, in one mixed batch through FleetCore (registry with
// credentials in the real keychain, then refresh and apply): each faulty server gets its error
// kind within its own timeout, the healthy ones succeed, the batch finishes, nothing is unhandled.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetCore } from '../../electron/core/fleet-core';
import { SecretScan } from '../helpers/secret-scan';
import { tempDir, testKeychain } from '../helpers/keyring';
import { mintKey } from '../sim/keys';
import { startSimServer, type SimServer, type SimServerOptions } from '../sim/server';
import { loadTestCert } from '../sim/tls';
import type { OperationSummary, ServerResult } from '../../electron/common/types';

const TIMEOUT_MS = 1500;
/** Generous: other test files share the CPU. */
const MARGIN_MS = 1500;

const scan = new SecretScan();
const admin = scan.addCredentials({ username: 'admin', password: `fault-batch-${crypto.randomUUID()}` });
const wrong = scan.addCredentials({ username: 'admin', password: `not-the-password-${crypto.randomUUID()}` });
const localhostCert = loadTestCert('localhost');
const otherCert = loadTestCert('other');

interface Case {
  sim: SimServerOptions;
  /** What the registry holds for it, where it differs from admin credentials and no pin. */
  password?: string;
  pin?: string;
  /** The error kind of a refresh and of an apply; null: success. */
  refresh: string | null;
  apply: string | null;
  /** What the message must say (refresh and apply alike). */
  message?: RegExp;
}

const CASES: Record<string, Case> = {
  'healthy-1': { sim: { state: 'valid' }, refresh: null, apply: null },
  'healthy-2': { sim: { state: 'missing' }, refresh: null, apply: null },
  'healthy-3': { sim: { state: 'expired', latencyMs: 50 }, refresh: null, apply: null },
  refused: { sim: { fault: 'refuse' }, refresh: 'Unreachable', apply: 'Unreachable', message: /connection refused.*Check the address/ },
  reset: { sim: { fault: 'reset' }, refresh: 'Unreachable', apply: 'Unreachable', message: /reset|cut off/ },
  hang: { sim: { fault: 'hang' }, refresh: 'Timeout', apply: 'Timeout', message: /within 1\.5 s.*Try again/ },
  'byte-a-second': { sim: { fault: 'slow', slowByteMs: 1000 }, refresh: 'Timeout', apply: 'Timeout', message: /within 1\.5 s/ },
  starting: { sim: { fault: 'starting' }, refresh: 'ServerNotReady', apply: 'ServerNotReady', message: /still starting.*Try again in a minute/ },
  'error500-html': { sim: { fault: 'error500' }, refresh: 'UnknownError', apply: 'UnknownError', message: /HTTP 500, body "<html>.*Check its logs/ },
  'non-json': { sim: { fault: 'nonjson' }, refresh: 'BadResponse', apply: 'BadResponse', message: /not JSON.*points at a BrainFrame server/ },
  oversized: { sim: { fault: 'oversized' }, refresh: 'BadResponse', apply: 'BadResponse', message: /larger than 1024 KiB/ },
  'wrong-shape': { sim: { fault: 'wrongshape' }, refresh: 'BadResponse', apply: 'BadResponse', message: /unexpected JSON/ },
  redirect: { sim: { fault: 'redirect' }, refresh: 'BadResponse', apply: 'BadResponse', message: /redirect to .* not followed/ },
  'https-unpinned': { sim: { tls: localhostCert }, refresh: 'TlsError', apply: 'TlsError', message: new RegExp(`${localhostCert.fingerprint256}.*pin it`) },
  'https-pinned': { sim: { tls: localhostCert, state: 'valid' }, pin: localhostCert.fingerprint256, refresh: null, apply: null },
  'https-wrong-pin': { sim: { tls: otherCert }, pin: localhostCert.fingerprint256, refresh: 'TlsError', apply: 'TlsError', message: /does not match the pinned/ },
  'session-expires': { sim: { fault: 'expire-session', state: 'valid' }, refresh: null, apply: null },
  'wrong-password': { sim: { state: 'valid' }, password: wrong.password, refresh: 'UnauthorizedError', apply: 'UnauthorizedError', message: /Check the credentials/ },
  'not-admin': { sim: { role: 'user', state: 'valid' }, refresh: null, apply: 'InsufficientRoleError', message: /Use an admin account/ },
};
const NAMES = Object.keys(CASES);
const TIMEOUT_KINDS = new Set(['Timeout']);

let dir: Awaited<ReturnType<typeof tempDir>>;
let core: FleetCore;
let elsewhere: SimServer;
const sims = new Map<string, SimServer>();
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
let refresh: OperationSummary;
let apply: OperationSummary;
let key: string;

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  // The redirect's target: another origin with its own request log, which must never see credentials.
  elsewhere = await startSimServer({ auth: admin, state: 'valid' });
  for (const name of NAMES) {
    const { sim } = CASES[name]!;
    sims.set(name, await startSimServer({ auth: admin, ...sim, ...(sim.fault === 'redirect' ? { redirectTo: elsewhere.url } : {}) }));
  }
  dir = await tempDir('bf-faults-');
  core = await FleetCore.open({ dataDir: dir.path, secrets: testKeychain() });
  for (const name of NAMES) {
    const { password, pin } = CASES[name]!;
    await core.registry.add({ name, url: sims.get(name)!.url, tlsFingerprint: pin ?? null, credentials: { username: 'admin', password: password ?? admin.password } });
  }
  const ids = core.registry.list().map((s) => s.id);
  key = scan.addKey(mintKey({ maxStreams: 12 }));
  const keyId = (await core.vault.addText(key, 'fault batch')).id;
  const options = { timeoutMs: TIMEOUT_MS, concurrency: 64 };
  refresh = await core.refresh(ids, options).done;
  apply = await core.apply(keyId, ids, options).done;
  // Rejections surface a tick later: give them the chance before the listener goes.
  await new Promise((resolve) => setTimeout(resolve, 100));
}, 60_000);

afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  await core?.close();
  await Promise.all([...sims.values(), elsewhere].map((s) => s?.close()));
  await dir?.remove();
});

function resultOf(summary: OperationSummary, name: string): ServerResult {
  return summary.results.find((r) => r.name === name)!;
}

function durationMs(result: ServerResult): number {
  return Date.parse(result.finishedAt) - Date.parse(result.startedAt!);
}

describe.each([
  ['refresh', () => refresh, 'refresh'],
  ['apply', () => apply, 'apply'],
] as const)('a mixed batch: %s', (_label, summary, which) => {
  it('finishes with a result for every server', () => {
    expect(summary().results.map((r) => r.name).sort()).toEqual([...NAMES].sort());
    expect(summary().cancelled).toBe(false);
    const failures = NAMES.filter((n) => CASES[n]![which] !== null).length;
    expect(summary().counts).toMatchObject({ total: NAMES.length, done: NAMES.length, failed: failures, ok: NAMES.length - failures, running: 0 });
  });

  it.each(NAMES)('%s: the right outcome, with a message that says what to do', (name) => {
    const expected = CASES[name]![which];
    const result = resultOf(summary(), name);
    if (expected === null) {
      expect(result.error, result.error?.message).toBeNull();
      expect(result.license?.state).toBe(which === 'apply' ? 'valid' : CASES[name]!.sim.state ?? 'missing');
      return;
    }
    expect(result).toMatchObject({ ok: false, error: { kind: expected } });
    expect(result.error!.message).toMatch(CASES[name]!.message ?? /./);
    expect(result.error!.message.length).toBeLessThan(600);
  });

  it.each(NAMES.filter((n) => CASES[n]![which] !== null))('%s: failed within its own timeout', (name) => {
    const result = resultOf(summary(), name);
    const took = durationMs(result);
    if (TIMEOUT_KINDS.has(result.error!.kind)) expect(took).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
    expect(took).toBeLessThan(TIMEOUT_MS + MARGIN_MS);
  });

  it('held up no healthy server behind a dead one', () => {
    for (const name of NAMES.filter((n) => CASES[n]![which] === null)) expect(durationMs(resultOf(summary(), name)), name).toBeLessThan(1000);
    expect(Date.parse(summary().finishedAt) - Date.parse(summary().startedAt)).toBeLessThan(TIMEOUT_MS + MARGIN_MS);
  });
});

describe('what the servers saw', () => {
  it('the apply reached the healthy servers, which now hold the key', () => {
    for (const name of NAMES.filter((n) => CASES[n]!.apply === null)) {
      expect(sims.get(name)!.license(), name).toMatchObject({ state: 'valid', terms: { max_streams: 12 } });
    }
    expect(sims.get('not-admin')!.license().terms?.max_streams).not.toBe(12);
  });

  it('no credentials followed the redirect to the other origin', () => {
    // The redirecting server itself was sent Basic credentials: the test could see a leak.
    expect(sims.get('redirect')!.requests.some((r) => r.headers.authorization?.startsWith('Basic '))).toBe(true);
    for (const request of elsewhere.requests) {
      expect(request.headers.authorization, request.path).toBeUndefined();
      expect(request.headers.cookie, request.path).toBeUndefined();
    }
  });

  it('no byte reached an https server whose certificate failed', () => {
    expect(sims.get('https-unpinned')!.requests).toHaveLength(0);
    expect(sims.get('https-wrong-pin')!.requests).toHaveLength(0);
    expect(sims.get('https-pinned')!.requests.length).toBeGreaterThan(0);
  });

  it('a session that expired mid-batch cost one fresh login, then the key took once', () => {
    const log = sims.get('session-expires')!;
    // Every request that presented a session was answered InvalidSessionError and followed by one Basic login.
    const withCookie = log.requests.filter((r) => r.headers.cookie);
    const withBasic = log.requests.filter((r) => r.headers.authorization?.startsWith('Basic '));
    // The apply reused the refresh's session (as BrainFrame's own clients keep theirs), and it had expired.
    expect(withCookie.length).toBeGreaterThan(0);
    expect(withBasic.length).toBe(log.requests.length - withCookie.length);
    for (const r of withCookie) expect(r.status).toBe(401);
    expect(log.putCount).toBe(1);
  });

  it('the failures were recorded in the status cache and the audit log', async () => {
    expect(core.status.get(resultOf(refresh, 'hang').serverId)).toMatchObject({ reachability: 'offline', error: { kind: 'Timeout' } });
    const applies = (await core.audit.query({ actions: ['license.apply'] })).reverse();
    expect(applies).toHaveLength(NAMES.length);
    expect(applies.find((e) => e.server?.name === 'not-admin')?.outcome).toMatchObject({ ok: false, error: { kind: 'InsufficientRoleError' } });
  });
});

describe('the process', () => {
  it('had no unhandled rejection during the batch', () => {
    expect(unhandled).toEqual([]);
  });

  it('wrote no password or key text to the data folder, results or cache', async () => {
    await core.status.flush();
    await scan.folder(dir.path);
    scan.value('refresh summary', refresh);
    scan.value('apply summary', apply);
    scan.value('status cache', core.status.all());
    expect(scan.findings).toEqual([]);
  });
});
