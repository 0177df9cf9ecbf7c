// Discovery over simulated servers and plain web servers on a loopback "subnet" (127.A.B.x): the
// real prober, the real registry and the real (private) OS keychain. Nothing is probed outside
// 127.0.0.0/8.
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseTargets } from '../../electron/common/discovery';
import { FleetCore } from '../../electron/core/fleet-core';
import { probe } from '../../electron/core/discovery/discovery';
import type { DiscoveryDone } from '../../electron/ipc/contract';
import { IpcHandlers, type EmittedEvent } from '../../electron/ipc/handlers';
import { tempDir, testKeychain } from '../helpers/keyring';
import { freePort, loopbackPrefix, plainServer, type PlainServer } from '../helpers/loopback-subnet';
import { startSimServer, type SimServer, type SimServerOptions } from '../sim/server';

const prefix = loopbackPrefix();
let port: number;
const sims: SimServer[] = [];
const plains: PlainServer[] = [];
const cores: FleetCore[] = [];
const dirs: Array<{ remove(): Promise<void> }> = [];

async function sim(last: number, opts: SimServerOptions = {}): Promise<SimServer> {
  const server = await startSimServer({ host: `${prefix}.${last}`, port, ...opts });
  sims.push(server);
  return server;
}

async function core(): Promise<FleetCore> {
  const dir = await tempDir();
  dirs.push(dir);
  const opened = await FleetCore.open({ dataDir: dir.path, secrets: testKeychain() });
  cores.push(opened);
  return opened;
}

/** Every request any server on the subnet received: no probe may carry a credential. */
function everyRequestHeaders(): IncomingHttpHeaders[] {
  return [...sims.flatMap((s) => s.requests.map((r) => r.headers)), ...plains.flatMap((p) => p.requests)];
}

const admin = { username: 'admin', password: `pw-${randomUUID()}` };

beforeAll(async () => {
  port = await freePort(prefix);
});

afterEach(async () => {
  await Promise.all(cores.splice(0).map((c) => c.close()));
});

afterAll(async () => {
  await Promise.all([...sims.map((s) => s.close()), ...plains.map((p) => p.close()), ...dirs.map((d) => d.remove())]);
});

describe('a scan of a loopback subnet', () => {
  it('tells each kind of answer apart, sends no credential even where the registry holds some, and marks registered ones', async () => {
    const open = await sim(1, { version: '0.29.7' });
    const locked = await sim(2, { auth: admin });
    await sim(3, { fault: 'starting' });
    await sim(4, { fault: 'nonjson' }); // a 200 whose body is HTML
    await sim(5, { fault: 'hang' }); // accepts, never answers
    plains.push(await plainServer(`${prefix}.6`, port, (res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"status": "ok"}')));
    plains.push(
      await plainServer(`${prefix}.7`, port, (res) =>
        res.writeHead(401, { 'www-authenticate': 'Basic realm="router"', 'content-type': 'text/html' }).end('<h1>401</h1>'),
      ),
    );
    plains.push(await plainServer(`${prefix}.8`, port, (res) => res.writeHead(404, { server: 'nginx' }).end('<html>Not Found</html>')));
    await sim(9, { fault: 'refuse' });
    // .10 has nothing at all on it.

    const fleet = await core();
    // The registry holds credentials for the locked server: the scan must still not send them.
    await fleet.registry.add({ name: 'locked-one', url: locked.url, credentials: admin });
    const scan = fleet.discover(parseTargets([`${prefix}.1-10`]), { ports: [port], timeoutMs: 400, concurrency: 64 });
    const streamed: string[] = [];
    scan.onDidFind((f) => streamed.push(f.url));
    const summary = await scan.done;

    expect(summary.cancelled).toBe(false);
    expect(summary.counts).toEqual({ total: 10, probed: 10, found: 3 });
    expect(summary.found).toEqual([
      { url: open.url, host: `${prefix}.1`, port, version: '0.29.7', auth: 'none', ready: true, registered: false, name: null },
      { url: locked.url, host: `${prefix}.2`, port, version: null, auth: 'required', ready: true, registered: true, name: 'locked-one' },
      { url: `http://${prefix}.3:${port}`, host: `${prefix}.3`, port, version: null, auth: 'unknown', ready: false, registered: false, name: null },
    ]);
    expect(streamed.sort()).toEqual(summary.found.map((f) => f.url).sort());

    const headers = everyRequestHeaders();
    // Every server that listens was asked (the hanging one included), each with one GET /api/version.
    expect(sims.filter((s) => s.requests.length > 0)).toHaveLength(5);
    expect(sims.flatMap((s) => s.requests.map((r) => `${r.method} ${r.path}`))).toEqual(Array(5).fill('GET /api/version'));
    expect(plains.every((p) => p.requests.length === 1)).toBe(true);
    for (const h of headers) {
      expect(h.authorization).toBeUndefined();
      expect(h.cookie).toBeUndefined();
    }
  });

  it('follows no redirect: a server that redirects is not BrainFrame, and the target is never asked', async () => {
    const target = await startSimServer({ host: `${prefix}.21` });
    sims.push(target);
    const redirecting = await sim(20, { fault: 'redirect', redirectTo: target.url });
    expect(await probe(`${prefix}.20`, port, 1000)).toBeNull();
    expect(redirecting.requests).toHaveLength(1);
    expect(target.requests).toHaveLength(0);
  });

  it('cancels: no new probe starts, those in flight are aborted, and the summary says so', async () => {
    for (let i = 30; i < 34; i++) await sim(i, { fault: 'hang' });
    const fleet = await core();
    const scan = fleet.discover(parseTargets([`${prefix}.30-33`, `${prefix}.40-200`]), { ports: [port], timeoutMs: 60_000, concurrency: 2 });
    let requested = 0;
    await new Promise<void>((resolve) => {
      const wait = setInterval(() => {
        requested = sims.slice(-4).reduce((n, s) => n + s.requests.length, 0);
        if (requested === 2) {
          clearInterval(wait);
          resolve();
        }
      }, 10);
    });
    scan.cancel();
    const summary = await scan.done; // long before the 60 s timeout, or the test times out
    expect(summary.cancelled).toBe(true);
    expect(summary.counts.probed).toBe(0); // the two in flight were aborted: they say nothing of their address
    expect(summary.counts.total).toBe(165);
    expect(sims.slice(-4).reduce((n, s) => n + s.requests.length, 0)).toBe(2);
  });
});

describe('adding what a scan found', () => {
  it('skips registered addresses, names the rest HOST or HOST-PORT uniquely, and tests the shared credentials on each', async () => {
    const taking = await sim(50, { auth: admin });
    const refusing = await sim(51, { auth: { username: 'admin', password: 'another' } });
    const open = await sim(52);
    const known = await sim(53);
    const fleet = await core();
    await fleet.registry.add({ name: 'known', url: known.url });
    await fleet.registry.add({ name: `${prefix}.50-${port}`, url: `http://${prefix}.250:1` }); // takes the name .50 would get (never contacted)
    for (const s of sims) s.requests.length = 0;

    const results = await fleet.addFound([taking.url, refusing.url, open.url, known.url], { site: 'north', credentials: admin });

    expect(results.map(({ url, name, outcome, credentialsAccepted }) => ({ url, name, outcome, credentialsAccepted }))).toEqual([
      { url: taking.url, name: `${prefix}.50-${port}-2`, outcome: 'added', credentialsAccepted: true },
      { url: refusing.url, name: `${prefix}.51-${port}`, outcome: 'added', credentialsAccepted: false },
      { url: open.url, name: `${prefix}.52-${port}`, outcome: 'added', credentialsAccepted: true },
      { url: known.url, name: 'known', outcome: 'registered', credentialsAccepted: null },
    ]);
    expect(results[1]!.error?.kind).toBe('UnauthorizedError');
    const added = fleet.registry.list().filter((s) => s.site === 'north');
    expect(added).toHaveLength(3);
    expect(added.every((s) => s.hasCredentials)).toBe(true);
    expect(await fleet.registry.credentials(results[1]!.serverId!)).toEqual(admin); // kept although refused: the user fixes them
    expect(known.requests).toHaveLength(0); // a registered server is left alone
    expect(taking.requests.some((r) => r.headers.authorization)).toBe(true); // the test did send them
  });

  it('reports an address that cannot be added, and adds the others', async () => {
    const fleet = await core();
    const ok = await sim(60);
    const results = await fleet.addFound(['ftp://nothing', ok.url], {});
    expect(results.map((r) => r.outcome)).toEqual(['failed', 'added']);
    expect(results[0]!.error?.kind).toBe('InvalidUrl');
    expect(results[1]!.credentialsAccepted).toBeNull();
  });
});

describe('a scan over the IPC handlers', () => {
  async function handlersOver(fleet: FleetCore) {
    const handlers = new IpcHandlers(fleet, { appVersion: '0', platform: 'test', saveFile: async () => null });
    const events: EmittedEvent[] = [];
    handlers.onEvent((e) => events.push(e));
    const done = (operationId: string) =>
      new Promise<DiscoveryDone>((resolve) => {
        const check = handlers.onEvent((e) => {
          if (e.channel === 'discovery.done' && (e.payload as DiscoveryDone).operationId === operationId) {
            check.dispose();
            resolve(e.payload as DiscoveryDone);
          }
        });
      });
    return { handlers, events, done };
  }

  it('streams found servers as they answer, then the whole result; adding them registers them', async () => {
    const a = await sim(70);
    const b = await sim(71, { auth: admin });
    const fleet = await core();
    const { handlers, events, done } = await handlersOver(fleet);
    const started = await handlers.invoke('discovery.start', { targets: [`${prefix}.68-72`], ports: String(port), timeoutSeconds: 0.5 });
    if (!started.ok) throw new Error(started.error.message);
    const { operationId, counts } = started.value as { operationId: string; counts: object };
    expect(counts).toEqual({ total: 5, probed: 0, found: 0 });
    const result = await done(operationId);
    expect(result).toMatchObject({ cancelled: false, counts: { total: 5, probed: 5, found: 2 } });
    const streamed = events.filter((e) => e.channel === 'discovery.progress').flatMap((e) => (e.payload as { found: Array<{ url: string }> }).found.map((f) => f.url));
    expect(streamed.sort()).toEqual([a.url, b.url].sort());

    const added = await handlers.invoke('discovery.add', { urls: result.found.map((f) => f.url), site: 'east' });
    expect(added).toMatchObject({ ok: true, value: [{ outcome: 'added' }, { outcome: 'added' }] });
    expect(fleet.registry.bySite('east').map((s) => s.url).sort()).toEqual([a.url, b.url].sort());
    handlers.dispose();
  });

  it('refuses bad targets with what to write, and cancels a scan with fleet.cancel', async () => {
    const fleet = await core();
    const { handlers, done } = await handlersOver(fleet);
    expect(await handlers.invoke('discovery.start', { targets: ['127.0.0.0/8'], ports: '80' })).toMatchObject({ ok: false, error: { kind: 'InvalidInput', message: /Narrow the scan/ } });
    expect(await handlers.invoke('discovery.start', { targets: [`${prefix}.1`], ports: '80-9000' })).toMatchObject({ ok: false, error: { kind: 'InvalidInput' } });
    for (let i = 80; i < 82; i++) await sim(i, { fault: 'hang' });
    const started = await handlers.invoke('discovery.start', { targets: [`${prefix}.80-81`, `${prefix}.90-99`], ports: String(port), timeoutSeconds: 60, concurrency: 2 });
    if (!started.ok) throw new Error(started.error.message);
    const { operationId } = started.value as { operationId: string };
    const ended = done(operationId);
    expect(await handlers.invoke('fleet.cancel', { operationId })).toEqual({ ok: true, value: undefined });
    expect(await ended).toMatchObject({ cancelled: true, counts: { total: 12, probed: 0, found: 0 } });
    handlers.dispose();
  });
});
