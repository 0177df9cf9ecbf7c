import { spawn } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { get as httpsGet } from 'node:https';
import { type TLSSocket } from 'node:tls';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startFleet, type Fleet } from './fleet';
import { keyForTerms, mintKey, todayUtc, utcDateFromToday, verifyKey } from './keys';
import { ERROR_STATUS, startSimServer, type SimServer, type SimServerOptions } from './server';
import { loadTestCert } from './tls';

const open: Array<SimServer | Fleet> = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

async function sim(opts: SimServerOptions = {}): Promise<SimServer> {
  const server = await startSimServer(opts);
  open.push(server);
  return server;
}

const admin = { username: 'admin', password: 'admin' };
const basic = (user: string, pass: string): string => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

function put(url: string, key: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${url}/api/license`, {
    method: 'PUT',
    body: key,
    headers: { 'content-type': 'application/base64', ...headers },
  });
}

async function expectError(res: Response, title: keyof typeof ERROR_STATUS): Promise<void> {
  expect(res.status).toBe(ERROR_STATUS[title]);
  expect(res.headers.get('content-type')).toBe('application/json');
  const body = (await res.json()) as { title: string; description: string };
  expect(body.title).toBe(title);
  expect(body.description.length).toBeGreaterThan(0);
}

/** Whether a request fails at any point (connecting, headers or body). */
async function fails(promise: Promise<Response>): Promise<boolean> {
  try {
    await (await promise).arrayBuffer();
    return false;
  } catch {
    return true;
  }
}

function causeCode(err: unknown): string | undefined {
  const cause = (err as { cause?: { code?: string } }).cause;
  return cause?.code;
}

describe('keys', () => {
  it('mints valid keys that differ and carry their terms', () => {
    const a = mintKey({ maxStreams: 12, expires: '2040-01-31', onlineCheckin: true, journalDays: 7 });
    const b = mintKey({ maxStreams: 12, expires: '2040-01-31', onlineCheckin: true, journalDays: 7 });
    expect(a).not.toBe(b);
    expect(a).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(verifyKey(a)).toEqual({
      kind: 'valid',
      terms: { online_checkin: true, max_streams: 12, journal_max_allowed_age: 7 * 86_400, expiration_date: '2040-01-31' },
    });
  });

  it('defaults to 4 streams, 30 days, offline, one year; perpetual has no date', () => {
    expect(verifyKey(mintKey())).toEqual({
      kind: 'valid',
      terms: { online_checkin: false, max_streams: 4, journal_max_allowed_age: 2_592_000, expiration_date: utcDateFromToday(365) },
    });
    const perpetual = verifyKey(mintKey({ perpetual: true }));
    expect(perpetual.kind === 'valid' && perpetual.terms.expiration_date).toBeNull();
  });

  it('judges expired, corrupt and arbitrary text', () => {
    const expired = verifyKey(mintKey({ expired: true }));
    expect(expired.kind).toBe('expired');
    expect(expired.kind === 'expired' && expired.terms.expiration_date! < todayUtc()).toBe(true);
    expect(verifyKey(mintKey({ corrupt: true }))).toEqual({ kind: 'invalid' });
    for (const text of ['', 'aGVsbG8=', 'not base64!', Buffer.alloc(64).toString('base64'), ` ${mintKey()}\n`]) {
      expect(verifyKey(text)).toEqual({ kind: 'invalid' });
    }
  });

  it('pads keys past a keychain entry and still accepts them', () => {
    const key = mintKey({ padding: 3000 });
    expect(key.length).toBeGreaterThan(2560);
    expect(verifyKey(key).kind).toBe('valid');
  });

  it('refuses contradictory options', () => {
    expect(() => mintKey({ perpetual: true, expires: '2030-01-01' })).toThrow(/perpetual/);
    expect(() => mintKey({ perpetual: true, expired: true })).toThrow(/perpetual/);
    expect(() => mintKey({ expired: true, expires: '2999-01-01' })).toThrow(/before today/);
    expect(() => mintKey({ expires: '2030-02-30' })).toThrow(/YYYY-MM-DD/);
    expect(() => mintKey({ maxStreams: -1 })).toThrow(/maxStreams/);
  });
});

describe('license API', () => {
  it('answers the version as a JSON string', async () => {
    const s = await sim({ version: '0.29.1' });
    const res = await fetch(`${s.url}/api/version`);
    expect(res.status).toBe(200);
    expect(await res.json()).toBe('0.29.1');
  });

  it('reports each initial state', async () => {
    const states = { missing: null, valid: 'object', expired: 'object', invalid: null } as const;
    for (const [state, terms] of Object.entries(states)) {
      const s = await sim({ state: state as keyof typeof states });
      const info = (await (await fetch(`${s.url}/api/license`)).json()) as { state: string; terms: unknown };
      expect(info.state).toBe(state);
      if (terms === null) expect(info.terms).toBeNull();
      else expect(typeof info.terms).toBe('object');
      expect(s.license().state).toBe(state);
    }
  });

  it('shows given terms, with the journal age as a float and dates as YYYY-MM-DD', async () => {
    const s = await sim({ terms: { max_streams: 9, expiration_date: '2031-12-31', online_checkin: true } });
    const text = await (await fetch(`${s.url}/api/license`)).text();
    expect(text).toContain('"journal_max_allowed_age": 2592000.0');
    expect(JSON.parse(text)).toEqual({
      state: 'valid',
      terms: { online_checkin: true, max_streams: 9, journal_max_allowed_age: 2_592_000, expiration_date: '2031-12-31' },
    });
  });

  it('applies a valid key and keeps the old one when a key is rejected', async () => {
    const s = await sim({ state: 'valid', terms: { max_streams: 2 }, licensingReachable: false });
    const res = await put(s.url, mintKey({ maxStreams: 16, perpetual: true }));
    expect(res.status).toBe(200);
    const applied = { state: 'valid', terms: { online_checkin: false, max_streams: 16, journal_max_allowed_age: 2_592_000, expiration_date: null } };
    expect(await res.json()).toEqual(applied);

    await expectError(await put(s.url, mintKey({ expired: true })), 'LicenseExpiredError');
    await expectError(await put(s.url, mintKey({ corrupt: true })), 'LicenseInvalidError');
    await expectError(await put(s.url, ''), 'LicenseInvalidError');
    await expectError(await put(s.url, 'garbage'), 'LicenseInvalidError');
    await expectError(await put(s.url, `${mintKey()}\n`), 'LicenseInvalidError');
    await expectError(await put(s.url, mintKey({ onlineCheckin: true })), 'RemoteConnectionError');
    await expectError(await put(s.url, mintKey(), { 'content-type': 'application/json' }), 'UnsupportedMediaTypeError');
    expect(s.license()).toEqual(applied);
    expect(s.putCount).toBe(8);
  });

  it('accepts an online-checkin key when the licensing service is reachable', async () => {
    const s = await sim();
    const res = await put(s.url, mintKey({ onlineCheckin: true }));
    expect(res.status).toBe(200);
    expect(s.license().terms?.online_checkin).toBe(true);
  });

  it('treats a held key as valid through its expiration date, then as expired', async () => {
    const s = await sim();
    const terms = { online_checkin: false, max_streams: 1, journal_max_allowed_age: 60, expiration_date: todayUtc() };
    expect((await put(s.url, keyForTerms(terms))).status).toBe(200);
    expect(s.license().state).toBe('valid');
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.now() + 86_400_000);
      expect(s.license()).toEqual({ state: 'expired', terms });
    } finally {
      vi.useRealTimers();
    }
  });

  it('answers 413 to a body over the limit, 404 to unknown paths and 405 to wrong methods', async () => {
    const s = await sim();
    await expectError(await put(s.url, 'A'.repeat(2 * 1024 * 1024)), 'PayloadTooLargeError');
    await expectError(await fetch(`${s.url}/api/nope`), 'NotFoundError');
    const res = await fetch(`${s.url}/api/license`, { method: 'POST', body: 'x' });
    expect(res.headers.get('allow')).toBe('GET, PUT');
    await expectError(res, 'MethodNotAllowedError');
  });

  it('gates streams behind a valid license', async () => {
    const s = await sim({ streams: { total: 3, analyzed: 2 } });
    await expectError(await fetch(`${s.url}/api/streams`), 'LicenseRequiredError');
    await put(s.url, mintKey());
    expect(((await (await fetch(`${s.url}/api/streams`)).json()) as unknown[]).length).toBe(3);
    expect(await (await fetch(`${s.url}/api/streams/2/analyze`)).json()).toBe(true);
    expect(await (await fetch(`${s.url}/api/streams/3/analyze`)).json()).toBe(false);
    await expectError(await fetch(`${s.url}/api/streams/4/analyze`), 'StreamConfigNotFoundError');
  });

  it('serves the zone statuses of the analysed streams only, as BrainFrame does', async () => {
    const s = await sim({ state: 'valid', streams: { total: 3, analyzed: 2 } });
    const statuses = (await (await fetch(`${s.url}/api/streams/status`)).json()) as Record<string, Record<string, Record<string, unknown>>>;
    expect(Object.keys(statuses)).toEqual(['1', '2']);
    const screen = statuses['2']!.Screen!;
    expect(screen).toMatchObject({ zone: { name: 'Screen', stream_id: 2, alarms: [] }, within: [], entering: [], exiting: [], alerts: [] });
    expect(Object.keys(screen).sort()).toEqual(['alerts', 'entering', 'exiting', 'total_entered', 'total_exited', 'tstamp', 'within', 'zone']);
    s.setStreams({ total: 3, analyzed: 0 });
    expect(await (await fetch(`${s.url}/api/streams/status`)).json()).toEqual({});
    expect(() => s.setStreams({ total: 1, analyzed: 2 })).toThrow(/analyzed <= total/);
    const old = await sim({ state: 'valid', streams: { total: 3, analyzed: 2 }, noStreamStatus: true });
    await expectError(await fetch(`${old.url}/api/streams/status`), 'NotFoundError');
  });
});

describe('authentication', () => {
  it('logs in with Basic, then serves the session cookie alone', async () => {
    const s = await sim({ auth: admin });
    const first = await fetch(`${s.url}/api/version`, { headers: { authorization: basic('admin', 'admin') } });
    expect(first.status).toBe(200);
    const setCookie = first.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^session_id=[0-9a-f]{32}; Path=\/; HttpOnly$/);
    const cookie = setCookie.split(';')[0]!;
    const second = await put(s.url, mintKey(), { cookie });
    expect(second.status).toBe(200);
    expect(second.headers.get('set-cookie')).toBeNull();
    expect(s.requests.map((r) => [r.headers.authorization !== undefined, r.headers.cookie ?? null])).toEqual([
      [true, null],
      [false, cookie],
    ]);
  });

  it('rejects bad, missing and malformed credentials, and unknown sessions', async () => {
    const s = await sim({ auth: admin });
    await expectError(await fetch(`${s.url}/api/license`, { headers: { authorization: basic('admin', 'nope') } }), 'UnauthorizedError');
    await expectError(await fetch(`${s.url}/api/license`, { headers: { authorization: 'Bearer abc' } }), 'UnauthorizedError');
    await expectError(await fetch(`${s.url}/api/license`), 'UnauthorizedError');
    await expectError(await fetch(`${s.url}/api/license`, { headers: { cookie: 'session_id=deadbeef' } }), 'InvalidSessionError');
  });

  it('expires idle sessions after sessionTtlMs', async () => {
    const s = await sim({ auth: admin, sessionTtlMs: 50 });
    const login = await fetch(`${s.url}/api/version`, { headers: { authorization: basic('admin', 'admin') } });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    expect((await fetch(`${s.url}/api/version`, { headers: { cookie } })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 120));
    await expectError(await fetch(`${s.url}/api/version`, { headers: { cookie } }), 'InvalidSessionError');
  });

  it('forbids license changes to a non-admin account', async () => {
    const s = await sim({ auth: admin, role: 'user', state: 'missing' });
    const auth = { authorization: basic('admin', 'admin') };
    expect((await fetch(`${s.url}/api/license`, { headers: auth })).status).toBe(200);
    await expectError(await put(s.url, mintKey(), auth), 'InsufficientRoleError');
    expect(s.license().state).toBe('missing');
  });
});

describe('faults', () => {
  it('refuse: nothing listens until the fault is cleared', async () => {
    const s = await sim({ fault: 'refuse' });
    expect(s.port).toBeGreaterThan(0);
    const err: unknown = await fetch(`${s.url}/api/version`).catch((e: unknown) => e);
    expect(causeCode(err)).toBe('ECONNREFUSED');
    await s.setFault(null);
    expect((await fetch(`${s.url}/api/version`)).status).toBe(200);
    await s.setFault('refuse');
    expect(causeCode(await fetch(`${s.url}/api/version`).catch((e: unknown) => e))).toBe('ECONNREFUSED');
  });

  it('refuse: stays refusing if its port was taken meanwhile', async () => {
    const s = await sim({ fault: 'refuse' });
    const squatter = await sim({ port: s.port });
    await expect(s.setFault(null)).rejects.toMatchObject({ code: 'EADDRINUSE' });
    await squatter.close();
    await s.setFault(null);
    expect((await fetch(`${s.url}/api/version`)).status).toBe(200);
  });

  it('hang: reads the request and never answers; close() still ends promptly', async () => {
    const s = await sim({ fault: 'hang' });
    const err: unknown = await fetch(`${s.url}/api/license`, { signal: AbortSignal.timeout(150) }).catch((e: unknown) => e);
    expect((err as Error).name).toBe('TimeoutError');
    const pending = Array.from({ length: 3 }, () =>
      new Promise<string>((resolve) => {
        httpRequest(`${s.url}/api/license`, (res) => resolve(String(res.statusCode))).on('error', (e) => resolve(e.message)).end();
      }),
    );
    while (s.requests.length < 4) await new Promise((r) => setTimeout(r, 5));
    const started = Date.now();
    await s.close();
    expect(Date.now() - started).toBeLessThan(500);
    expect(await Promise.all(pending)).toEqual(['socket hang up', 'socket hang up', 'socket hang up']);
    expect(s.requests.every((r) => r.status === null)).toBe(true);
  });

  it('reset: cuts the connection after the headers and part of the body', async () => {
    const s = await sim({ fault: 'reset', state: 'valid' });
    expect(await fails(fetch(`${s.url}/api/license`))).toBe(true);
    expect(s.requests[0]?.status).toBe(200);
  });

  it('starting: 502 with nginx HTML, then normal after startingForMs', async () => {
    const s = await sim({ fault: 'starting', startingForMs: 150 });
    const res = await fetch(`${s.url}/api/version`);
    expect(res.status).toBe(502);
    expect(await res.text()).toContain('<center>nginx</center>');
    await new Promise((r) => setTimeout(r, 200));
    expect((await fetch(`${s.url}/api/version`)).status).toBe(200);
  });

  it('error500, nonjson and wrongshape answer as told', async () => {
    const s = await sim({ fault: 'error500' });
    const e500 = await fetch(`${s.url}/api/license`);
    expect([e500.status, e500.headers.get('content-type')]).toEqual([500, 'text/html']);
    await s.setFault('nonjson');
    expect(await (await fetch(`${s.url}/api/license`)).text()).toBe('<html>not json</html>');
    await s.setFault('wrongshape');
    expect(await (await fetch(`${s.url}/api/license`)).json()).toEqual({ state: 42 });
  });

  it('oversized: over 2 MiB of valid JSON without a Content-Length', async () => {
    const s = await sim({ fault: 'oversized' });
    const res = await fetch(`${s.url}/api/license`);
    expect(res.headers.get('content-length')).toBeNull();
    const text = await res.text();
    expect(text.length).toBeGreaterThan(2 * 1024 * 1024);
    expect((JSON.parse(text) as { state: string }).state).toBe('valid');
  });

  it('redirect: 307 to another origin, which the same server serves unredirected', async () => {
    const s = await sim({ fault: 'redirect', auth: admin });
    const res = await fetch(`${s.url}/api/license`, { redirect: 'manual', headers: { authorization: basic('admin', 'admin') } });
    expect(res.status).toBe(307);
    expect(res.headers.get('location')).toBe(`http://localhost:${s.port}/api/license`);
    expect((await fetch(`http://localhost:${s.port}/api/version`, { headers: { authorization: basic('admin', 'admin') } })).status).toBe(200);
    expect(s.requests.map((r) => r.headers.host)).toEqual([`127.0.0.1:${s.port}`, `localhost:${s.port}`]);
  });

  it('redirect: to a given target, whose log shows what followed (fetch drops Authorization across origins)', async () => {
    const target = await sim();
    const s = await sim({ fault: 'redirect', redirectTo: target.url.replace('127.0.0.1', 'localhost'), redirectStatus: 302 });
    const res = await fetch(`${s.url}/api/version`, { headers: { authorization: basic('admin', 'secret') } });
    expect(res.status).toBe(200);
    expect(target.requests).toHaveLength(1);
    expect(target.requests[0]?.headers.authorization).toBeUndefined();
  });

  it('slow: the normal answer, one byte per slowByteMs', async () => {
    const s = await sim({ fault: 'slow', slowByteMs: 15 });
    const started = Date.now();
    expect(await (await fetch(`${s.url}/api/version`)).json()).toBe('0.30.5');
    expect(Date.now() - started).toBeGreaterThanOrEqual(8 * 15 - 5);
  });

  it('expire-session: each cookie is rejected once, so each request needs one Basic re-login', async () => {
    const s = await sim({ fault: 'expire-session', auth: admin });
    const login = await fetch(`${s.url}/api/version`, { headers: { authorization: basic('admin', 'admin') } });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    await expectError(await fetch(`${s.url}/api/version`, { headers: { cookie } }), 'InvalidSessionError');
    const again = await fetch(`${s.url}/api/version`, { headers: { authorization: basic('admin', 'admin') } });
    expect(again.status).toBe(200);
    expect(again.headers.get('set-cookie')).not.toContain(cookie);
  });

  it('latency delays every answer', async () => {
    const s = await sim();
    s.setLatency(120);
    const started = Date.now();
    await (await fetch(`${s.url}/api/version`)).text();
    expect(Date.now() - started).toBeGreaterThanOrEqual(115);
  });
});

describe('tls', () => {
  function getOverTls(url: string, ca: string): Promise<{ status: number; fingerprint: string; body: string }> {
    return new Promise((resolve, reject) => {
      httpsGet(`${url}/api/version`, { ca }, (res) => {
        const fingerprint = (res.socket as TLSSocket).getPeerCertificate().fingerprint256;
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('error', reject);
        res.on('end', () => resolve({ status: res.statusCode ?? 0, fingerprint, body }));
      }).on('error', reject);
    });
  }

  it('serves https with the fixture certificate, which pins apart from the other one', async () => {
    const cert = loadTestCert('localhost');
    const other = loadTestCert('other');
    expect(cert.fingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(cert.fingerprint256).not.toBe(other.fingerprint256);
    const s = await sim({ tls: cert });
    expect(s.url).toBe(`https://127.0.0.1:${s.port}`);
    expect(await getOverTls(s.url, cert.cert)).toEqual({ status: 200, fingerprint: cert.fingerprint256, body: '"0.30.5"' });
    await expect(getOverTls(s.url, other.cert)).rejects.toMatchObject({ code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
  });

  it('reset over tls still fails the request', async () => {
    const cert = loadTestCert('localhost');
    const s = await sim({ tls: cert, fault: 'reset' });
    await expect(getOverTls(s.url, cert.cert)).rejects.toThrow();
    expect(s.requests[0]?.status).toBe(200);
  });
});

describe('fleet', () => {
  it('starts 1,000 servers with per-server options and closes them', async () => {
    const started = Date.now();
    const fleet = await startFleet({ count: 1000, state: 'valid', perServer: (i) => (i % 100 === 0 ? { fault: 'refuse' } : {}) });
    open.push(fleet);
    expect(new Set(fleet.urls).size).toBe(1000);
    expect(Date.now() - started).toBeLessThan(5000);
    expect((await fetch(`${fleet.urls[1]}/api/version`)).status).toBe(200);
    expect(causeCode(await fetch(`${fleet.urls[100]}/api/version`).catch((e: unknown) => e))).toBe('ECONNREFUSED');
  });

  it('listens on other loopback addresses, one port shared by a "subnet" of them', async () => {
    const first = await sim({ host: '127.0.0.2' });
    const second = await sim({ host: '127.0.0.3', port: first.port, version: '0.29.0' });
    const refusing = await sim({ host: '127.0.0.4', port: first.port, fault: 'refuse' });
    expect(first.url).toBe(`http://127.0.0.2:${first.port}`);
    expect(await (await fetch(`${first.url}/api/version`)).json()).toBe('0.30.5');
    expect(await (await fetch(`${second.url}/api/version`)).json()).toBe('0.29.0');
    await expect(fetch(`${refusing.url}/api/version`)).rejects.toThrow();
    await expect(sim({ host: '10.0.0.1' })).rejects.toThrow(/loopback address 127.x.y.z/);
  });

  it('takes consecutive ports from basePort, and says which port failed', async () => {
    let fleet: Fleet | undefined;
    for (let attempt = 0; !fleet && attempt < 5; attempt++) {
      const basePort = 20_000 + Math.floor(Math.random() * 10_000);
      fleet = await startFleet({ basePort, count: 3 }).catch(() => undefined);
    }
    open.push(fleet!);
    const ports = fleet!.servers.map((s) => s.port);
    expect(ports).toEqual([ports[0], ports[0]! + 1, ports[0]! + 2]);
    await expect(startFleet({ basePort: ports[1]!, count: 1 })).rejects.toThrow(`server 0 (port ${ports[1]})`);
  });
});

describe('command line', () => {
  const tsx = new URL('../../node_modules/.bin/tsx', import.meta.url).pathname;
  const main = new URL('./main.ts', import.meta.url).pathname;

  function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      const child = spawn(tsx, [main, ...args]);
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  }

  it('prints a key that verifies, and rejects bad arguments with exit 2', async () => {
    const [key, bad] = await Promise.all([run(['keygen', '--max-streams', '7', '--perpetual']), run(['--port', '80', '--fault', 'x=hang'])]);
    expect(key.code).toBe(0);
    expect(verifyKey(key.stdout.trim())).toMatchObject({ kind: 'valid', terms: { max_streams: 7, expiration_date: null } });
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/--fault needs INDEX=KIND/);
  });

  it('serves N servers, prints their URLs and "ready", and stops on SIGTERM', async () => {
    const basePort = 30_000 + Math.floor(Math.random() * 2_000);
    const child = spawn(tsx, [main, '--port', String(basePort), '--count', '2', '--fault', '1=starting', '--auth', 'admin:admin']);
    let stdout = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        if (stdout.includes('ready\n')) resolve();
      });
      child.on('close', () => reject(new Error(`exited early: ${stdout}`)));
    });
    expect(stdout).toBe(`http://127.0.0.1:${basePort}\nhttp://127.0.0.1:${basePort + 1}\nready\n`);
    const auth = { authorization: basic('admin', 'admin') };
    expect((await fetch(`http://127.0.0.1:${basePort}/api/version`, { headers: auth })).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${basePort + 1}/api/version`, { headers: auth })).status).toBe(502);
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
