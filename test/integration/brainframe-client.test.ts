import { afterAll, afterEach, describe, expect, it } from 'vitest';
import http from 'node:http';
import net from 'node:net';
import { BrainFrameClient, type ClientOptions } from '../../electron/core/brainframe/client';
import { BrainFrameError } from '../../electron/common/errors';
import { mintKey } from '../sim/keys';
import { startSimServer, type SimServer, type SimServerOptions } from '../sim/server';
import { loadTestCert } from '../sim/tls';

const started: SimServer[] = [];
async function sim(options: SimServerOptions = {}): Promise<SimServer> {
  const server = await startSimServer(options);
  started.push(server);
  return server;
}
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.close()));
});

function client(server: SimServer, options: Partial<ClientOptions> = {}): BrainFrameClient {
  return new BrainFrameClient({ baseUrl: server.url, timeoutMs: 3000, ...options });
}

/** The BrainFrameError a promise rejects with (fails the test if it resolves or throws something else). */
async function failure(promise: Promise<unknown>): Promise<BrainFrameError> {
  const outcome = await promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if (!('error' in outcome)) throw new Error(`expected a failure, got ${JSON.stringify(outcome.value)}`);
  expect(outcome.error).toBeInstanceOf(BrainFrameError);
  return outcome.error as BrainFrameError;
}

const admin = { username: 'admin', password: 's3cret-pass' };

describe('reading licenses', () => {
  it.each(['valid', 'expired', 'invalid', 'missing'] as const)('reads a %s license with its terms', async (state) => {
    const server = await sim({ state });
    const info = await client(server).getLicense();
    expect(info.state).toBe(state);
    if (state === 'valid' || state === 'expired') {
      expect(info.terms).toMatchObject({ online_checkin: false, max_streams: 4, journal_max_allowed_age: 30 * 86400 });
      expect(info.terms?.expiration_date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    } else {
      expect(info.terms).toBeNull();
    }
  });

  it('reads the version', async () => {
    const server = await sim({ version: '0.30.7' });
    expect(await client(server).getVersion()).toBe('0.30.7');
  });

  it('reads a perpetual license as a null expiration date', async () => {
    const server = await sim({ terms: { expiration_date: null, max_streams: 32 } });
    const info = await client(server).getLicense();
    expect(info).toEqual({ state: 'valid', terms: expect.objectContaining({ expiration_date: null, max_streams: 32 }) });
  });
});

describe('applying keys', () => {
  it('sends the raw key as application/base64 and returns the new license', async () => {
    const server = await sim({ state: 'missing' });
    const key = mintKey({ maxStreams: 12, expires: '2031-01-31' });
    // Wrapped over lines with surrounding blank space, as keys arrive in mail.
    const wrapped = `\n  ${key.match(/.{1,60}/g)!.join('\n')}  \n`;
    const info = await client(server).setLicenseKey(wrapped);
    expect(info).toEqual({
      state: 'valid',
      terms: { online_checkin: false, max_streams: 12, journal_max_allowed_age: 30 * 86400, expiration_date: '2031-01-31' },
    });
    const put = server.requests.find((r) => r.method === 'PUT')!;
    expect(put.path).toBe('/api/license');
    expect(put.headers['content-type']).toBe('application/base64');
    expect(put.bodyLength).toBe(key.length);
    expect(server.license().state).toBe('valid');
  });

  it.each([
    ['an expired key', () => mintKey({ expired: true }), 'LicenseExpiredError'],
    ['a key with a broken signature', () => mintKey({ corrupt: true }), 'LicenseInvalidError'],
    ['arbitrary base64', () => Buffer.from('hello, this is not a license').toString('base64'), 'LicenseInvalidError'],
  ])('reports %s with the server title verbatim', async (_what, key, kind) => {
    const server = await sim({ state: 'valid' });
    const error = await failure(client(server).setLicenseKey(key()));
    expect(error.kind).toBe(kind);
    expect(error.status).toBe(400);
    expect(error.message.length).toBeGreaterThan(40);
    expect(server.license().state).toBe('valid');
  });

  it('reports RemoteConnectionError when an online key cannot check in', async () => {
    const server = await sim({ licensingReachable: false });
    const error = await failure(client(server).setLicenseKey(mintKey({ onlineCheckin: true })));
    expect(error.kind).toBe('RemoteConnectionError');
    expect(error.message).toMatch(/licensing service/);
  });

  it.each([
    ['empty text', '  \n '],
    ['text that is not base64', 'this is not a key!'],
    ['base64 of the wrong length', 'abcde'],
  ])('refuses %s locally without contacting the server', async (_what, text) => {
    const server = await sim();
    const error = await failure(client(server).setLicenseKey(text));
    expect(error.kind).toBe('InvalidKeyText');
    expect(server.requests).toHaveLength(0);
  });
});

describe('authentication', () => {
  it('sends Basic once, then only the session cookie', async () => {
    const server = await sim({ auth: admin, state: 'valid' });
    const c = client(server, { credentials: admin });
    await c.getVersion();
    await c.getLicense();
    await c.setLicenseKey(mintKey());
    const [first, ...later] = server.requests;
    expect(first!.headers.authorization).toBe(`Basic ${Buffer.from('admin:s3cret-pass').toString('base64')}`);
    expect(later).toHaveLength(2);
    for (const request of later) {
      expect(request.headers.authorization).toBeUndefined();
      expect(request.headers.cookie).toMatch(/^session_id=\S+$/);
    }
  });

  it('logs in again once when the session expired', async () => {
    const server = await sim({ auth: admin, fault: 'expire-session', state: 'valid' });
    const c = client(server, { credentials: admin });
    await c.getVersion();
    expect((await c.getLicense()).state).toBe('valid');
    // The cookie was refused once (InvalidSessionError), then Basic succeeded.
    const statuses = server.requests.map((r) => [r.headers.authorization ? 'basic' : 'cookie', r.status]);
    expect(statuses).toEqual([
      ['basic', 200],
      ['cookie', 401],
      ['basic', 200],
    ]);
  });

  it('reports a wrong password as UnauthorizedError', async () => {
    const server = await sim({ auth: admin });
    const error = await failure(client(server, { credentials: { username: 'admin', password: 'wrong' } }).getLicense());
    expect(error.kind).toBe('UnauthorizedError');
    expect(error.message).toMatch(/username or password/);
  });

  it('reports missing credentials as UnauthorizedError, even on /api/version', async () => {
    const server = await sim({ auth: admin });
    expect((await failure(client(server).getVersion())).kind).toBe('UnauthorizedError');
  });

  it('reports an account without the admin role as InsufficientRoleError', async () => {
    const server = await sim({ auth: admin, role: 'user', state: 'valid' });
    const c = client(server, { credentials: admin });
    expect((await c.getLicense()).state).toBe('valid');
    const error = await failure(c.setLicenseKey(mintKey()));
    expect(error.kind).toBe('InsufficientRoleError');
    expect(error.message).toMatch(/admin account/);
  });
});

describe('failures become one typed error', () => {
  it('Unreachable when the connection is refused', async () => {
    const server = await sim({ fault: 'refuse' });
    const error = await failure(client(server).getLicense());
    expect(error.kind).toBe('Unreachable');
    expect(error.message).toMatch(/connection refused/);
  });

  it('Unreachable when the connection is reset mid-answer', async () => {
    const server = await sim({ fault: 'reset' });
    expect((await failure(client(server).getLicense())).kind).toBe('Unreachable');
  });

  it('Unreachable when the host name does not resolve', async () => {
    const error = await failure(new BrainFrameClient({ baseUrl: 'http://no-such-host.invalid', timeoutMs: 3000 }).getLicense());
    expect(error.kind).toBe('Unreachable');
  });

  it('Timeout within the deadline when the server never answers', async () => {
    const server = await sim({ fault: 'hang' });
    const began = Date.now();
    const error = await failure(client(server, { timeoutMs: 400 }).getLicense());
    expect(error.kind).toBe('Timeout');
    expect(Date.now() - began).toBeLessThan(1500);
  });

  it('Timeout when the body trickles in slower than the deadline', async () => {
    const server = await sim({ fault: 'slow', slowByteMs: 200 });
    const began = Date.now();
    expect((await failure(client(server, { timeoutMs: 500 }).getLicense())).kind).toBe('Timeout');
    expect(Date.now() - began).toBeLessThan(1500);
  });

  it('ServerNotReady on a 502 while starting', async () => {
    const server = await sim({ fault: 'starting' });
    const error = await failure(client(server).getVersion());
    expect(error.kind).toBe('ServerNotReady');
    expect(error.status).toBe(502);
  });

  it('UnknownError with the status and a short body excerpt on a 500 with HTML', async () => {
    const server = await sim({ fault: 'error500' });
    const error = await failure(client(server).getLicense());
    expect(error.kind).toBe('UnknownError');
    expect(error.status).toBe(500);
    expect(error.message).toMatch(/HTTP 500, body "<html><head><title>500 Internal Server Error/);
    expect(error.message.length).toBeLessThan(400);
  });

  it.each([
    ['a non-JSON 200', 'nonjson', /not JSON/],
    ['JSON of the wrong shape', 'wrongshape', /unexpected JSON \(state/],
    ['an oversized body', 'oversized', /larger than 1024 KiB/],
    ['a redirect', 'redirect', /redirect to http:\/\/localhost:\d+\/api\/license, which is not followed/],
  ] as const)('BadResponse on %s', async (_what, fault, message) => {
    const server = await sim({ fault, state: 'valid' });
    const error = await failure(client(server, { credentials: admin }).getLicense());
    expect(error.kind).toBe('BadResponse');
    expect(error.message).toMatch(message);
    // Nothing followed the redirect to the other origin.
    expect(server.requests.filter((r) => r.headers.host?.startsWith('localhost'))).toHaveLength(0);
  });

  it('keeps an unknown server title verbatim', async () => {
    const odd = http.createServer((_req, res) => {
      res.writeHead(409, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ title: 'StreamLimitReachedError', description: 'Too many streams' }));
    });
    await new Promise<void>((resolve) => odd.listen(0, '127.0.0.1', resolve));
    const { port } = odd.address() as { port: number };
    try {
      const error = await failure(new BrainFrameClient({ baseUrl: `http://127.0.0.1:${port}` }).getLicense());
      expect(error.kind).toBe('StreamLimitReachedError');
      expect(error.message).toBe('The server reported StreamLimitReachedError: Too many streams.');
    } finally {
      odd.close();
    }
  });

  it('keeps an unknown title only as printable text, capped; a title of nothing else is no title', async () => {
    const hostile = `Evil\u001b]0;x\u0007\u009b2J\r\u202eError${'E'.repeat(150)}`;
    const titled = await sim({ licenseError: { status: 409, title: hostile, description: 'a\u001b[2Kb\u2066c' } });
    const error = await failure(client(titled).getLicense());
    expect(error.kind).toBe(`Evil ]0;x 2J Error${'E'.repeat(100 - 'Evil ]0;x 2J Error'.length)}…`);
    expect(error.message).toMatch(/: a \[2Kb c\.$/);
    const blank = await sim({ licenseError: { status: 409, title: '\u001b\u009b\u202e', description: null } });
    expect((await failure(client(blank).getLicense())).kind).toBe('UnknownError');
    const versioned = await sim({ version: '1.0\u001b[31m\u202e' });
    expect(await client(versioned).getVersion()).toBe('1.0 [31m');
  });

  it('Cancelled when the caller aborts', async () => {
    const server = await sim({ fault: 'hang' });
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 100);
    expect((await failure(client(server).getLicense(abort.signal))).kind).toBe('Cancelled');
  });
});

describe('https', () => {
  const cert = loadTestCert('localhost');
  const other = loadTestCert('other');

  it('refuses a self-signed certificate that is not pinned, naming its fingerprint', async () => {
    const server = await sim({ tls: cert, auth: admin });
    const error = await failure(client(server, { credentials: admin }).getLicense());
    expect(error.kind).toBe('TlsError');
    expect(error.message).toContain(cert.fingerprint256);
    expect(server.requests).toHaveLength(0); // not even the request line, let alone credentials
  });

  it('works with the right pin, given in any case and without colons', async () => {
    const server = await sim({ tls: cert, auth: admin, state: 'valid' });
    const pin = cert.fingerprint256.replace(/:/g, '').toLowerCase();
    const info = await client(server, { credentials: admin, tlsFingerprint: pin }).getLicense();
    expect(info.state).toBe('valid');
  });

  it('refuses a certificate whose fingerprint differs from the pin, sending nothing', async () => {
    const server = await sim({ tls: other, auth: admin });
    const error = await failure(client(server, { credentials: admin, tlsFingerprint: cert.fingerprint256 }).getLicense());
    expect(error.kind).toBe('TlsError');
    expect(error.message).toMatch(/does not match the pinned/);
    expect(server.requests).toHaveLength(0);
  });
});

describe('a server that never finishes the TLS handshake', () => {
  const N = 20;
  const cert = loadTestCert('localhost');

  /** A TCP listener that takes connections and never answers: it counts them and their closing. */
  async function holdingServer() {
    const sockets = new Set<net.Socket>();
    const counts = { opened: 0, closed: 0 };
    const waiting = new Set<() => void>();
    const changed = () => waiting.forEach((check) => check());
    const server = net.createServer((socket) => {
      counts.opened++;
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.resume(); // reads (and drops) the ClientHello, so the client's closing is seen
      socket.once('close', () => {
        counts.closed++;
        sockets.delete(socket);
        changed();
      });
      changed();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return {
      url: `https://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
      counts,
      /** Resolves once `done()` holds, checked at each connection and closing, or when `withinMs` has passed. */
      until(done: () => boolean, withinMs: number): Promise<void> {
        return new Promise((resolve) => {
          const finish = () => {
            waiting.delete(check);
            clearTimeout(timer);
            resolve();
          };
          const check = () => done() && finish();
          const timer = setTimeout(finish, withinMs);
          waiting.add(check);
          check();
        });
      },
      close: () => {
        for (const socket of sockets) socket.destroy();
        return new Promise<void>((resolve) => server.close(() => resolve()));
      },
    };
  }

  it.each([
    ['with a pin', cert.fingerprint256],
    ['without a pin', null],
  ])('closes every connection %s at the deadline', async (_what, tlsFingerprint) => {
    const hung = await holdingServer();
    try {
      const calls = Array.from({ length: N }, () => failure(new BrainFrameClient({ baseUrl: hung.url, timeoutMs: 500, tlsFingerprint }).getLicense()));
      expect((await Promise.all(calls)).map((e) => e.kind)).toEqual(Array(N).fill('Timeout'));
      // Each descriptor is given back at once, not when the server gives up (this one never does).
      await hung.until(() => hung.counts.closed === hung.counts.opened, 2000);
      expect(hung.counts.opened).toBeGreaterThan(0); // most or all of N, as the machine allows
      expect(hung.counts.closed).toBe(hung.counts.opened);
    } finally {
      await hung.close();
    }
  });

  it('closes every connection when the requests are cancelled', async () => {
    const hung = await holdingServer();
    try {
      const abort = new AbortController();
      const calls = Array.from({ length: N }, () =>
        failure(new BrainFrameClient({ baseUrl: hung.url, timeoutMs: 30_000, tlsFingerprint: cert.fingerprint256 }).getLicense(abort.signal)),
      );
      await hung.until(() => hung.counts.opened === N, 10_000);
      abort.abort();
      expect((await Promise.all(calls)).map((e) => e.kind)).toEqual(Array(N).fill('Cancelled'));
      await hung.until(() => hung.counts.closed === N, 2000);
      expect(hung.counts).toEqual({ opened: N, closed: N });
    } finally {
      await hung.close();
    }
  });
});

describe('an environment proxy', () => {
  // Site laptops often carry a corporate HTTP_PROXY; an appliance on the site network is reached
  // directly, and a proxy must never see its address, credentials or key.
  it('is not used: the request goes straight to the server', async () => {
    const relayed: string[] = [];
    const proxy = http.createServer((req, res) => {
      relayed.push(`${req.method} ${req.url}`);
      res.writeHead(502).end();
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const saved = { HTTP_PROXY: process.env.HTTP_PROXY, http_proxy: process.env.http_proxy, NO_PROXY: process.env.NO_PROXY, no_proxy: process.env.no_proxy };
    const proxyUrl = `http://127.0.0.1:${(proxy.address() as net.AddressInfo).port}`;
    Object.assign(process.env, { HTTP_PROXY: proxyUrl, http_proxy: proxyUrl, NO_PROXY: '', no_proxy: '' });
    try {
      const server = await sim({ state: 'valid' });
      const info = await client(server, { credentials: admin }).getLicense();
      expect(info.state).toBe('valid');
      expect(relayed).toEqual([]);
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
      await new Promise((resolve) => proxy.close(resolve));
    }
  });
});

describe('server addresses', () => {
  it.each([
    ['HTTP://Server.Example:8000/', 'http://server.example:8000'],
    ['https://10.0.0.5:443', 'https://10.0.0.5'],
    ['  http://[::1]:80  ', 'http://[::1]'],
  ])('normalises %s', (input, expected) => {
    expect(new BrainFrameClient({ baseUrl: input }).baseUrl).toBe(expected);
  });

  it.each([
    ['10.0.0.5', /no scheme/],
    ['ftp://10.0.0.5', /only http and https/],
    ['file:///etc/passwd', /no scheme|only http/],
    ['javascript://alert(1)', /only http and https/],
    ['http://admin:pw@10.0.0.5', /contains credentials/],
    ['http://10.0.0.5/api/license', /path/],
  ])('refuses %s', (input, message) => {
    expect(() => new BrainFrameClient({ baseUrl: input })).toThrow(message);
  });
});

afterAll(async () => {
  await Promise.all(started.map((s) => s.close()));
});
