// Hostile input at every door: random and malicious values at each IPC command (fast-check),
// random and malformed answers at the BrainFrame response parser, and the classic bad inputs
// (credentials in URLs, odd schemes, very long names, formula cells, huge or binary key files).
// Each is refused or neutralised with a message, and nothing crashes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { truncate, writeFile } from 'node:fs/promises';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { BrainFrameClient } from '../../electron/core/brainframe/client';
import { BrainFrameError } from '../../electron/common/errors';
import { licenseInfoSchema } from '../../electron/core/brainframe/license';
import { normaliseServerUrl } from '../../electron/common/server-url';
import { FleetCore } from '../../electron/core/fleet-core';
import { serverSchema } from '../../electron/core/registry/server';
import { KEYCHAIN_SERVICE_ENV } from '../../electron/core/secrets/secret-store';
import { COMMAND_CHANNELS, type CommandChannel, type Result } from '../../electron/ipc/contract';
import { IpcHandlers } from '../../electron/ipc/handlers';
import { runCli } from '../helpers/cli';
import { SecretScan } from '../helpers/secret-scan';
import { tempDir, testKeychain } from '../helpers/keyring';
import { mintKey } from '../sim/keys';

const scan = new SecretScan();
const answers: unknown[] = [];
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
let dir: Awaited<ReturnType<typeof tempDir>>;
let core: FleetCore;
let handlers: IpcHandlers;
const saved: string[] = [];

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  dir = await tempDir('bf-hostile-');
  core = await FleetCore.open({ dataDir: dir.path, secrets: testKeychain() });
  handlers = new IpcHandlers(core, { appVersion: '0.0.0', platform: 'test', saveFile: async (name) => (saved.push(name), `/saved/${name}`) });
  // Connection tests against nothing fail at once; a generous timeout would only slow the fuzzing down.
  await core.settings.update({ timeoutSeconds: 1 });
});

afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  handlers?.dispose();
  await core?.close();
  await dir?.remove();
});

/** A Result as the contract defines it, and fit to cross IPC (structured clone). */
function expectResult(result: unknown): asserts result is Result<unknown> {
  answers.push(result);
  expect(() => structuredClone(result)).not.toThrow();
  const r = result as Result<unknown>;
  expect(typeof r.ok).toBe('boolean');
  if (!r.ok) {
    expect(r.error.kind).toMatch(/^[A-Za-z]{3,40}$/);
    // Clear: a sentence or two a person can read, not a dump of the input.
    expect(r.error.message.length).toBeGreaterThan(10);
    expect(r.error.message.length).toBeLessThanOrEqual(1200);
  }
}

// Strings an attacker or a careless paste would send.
const NASTY = [
  '__proto__', 'constructor', 'prototype', 'toString', '../../../etc/passwd', '..\\..\\Windows\\System32\\cmd.exe', '<img src=x onerror=alert(1)>',
  "=cmd|' /C calc'!A0", '+SUM(1+1)', '@SUM(A1)', '-2+3', '\u0000', '\u202eevil', 'javascript:alert(1)', 'file:///etc/passwd', 'http://admin:pw@127.0.0.1:1',
  '%00%0d%0a', '\r\nSet-Cookie: x=y', '${process.exit()}', '{{constructor.constructor("return process")()}}', 'null', 'undefined', 'NaN', '🙂'.repeat(300),
];
const nasty = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.constantFrom(...NASTY),
  fc.constantFrom(101, 1001, 5001, 10_001, 100_001, 1_000_001).map((n) => 'A'.repeat(n)),
);
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const loopbackUrl = fc.oneof(nasty, fc.constantFrom('http://127.0.0.1:1', 'https://127.0.0.1:1', 'http://[::1]:1', 'HTTP://127.0.0.1:1/', 'http://127.0.0.1:1/api/license'));
const serverFields = {
  name: nasty,
  url: loopbackUrl,
  site: maybe(nasty),
  notes: maybe(nasty),
  tlsFingerprint: maybe(fc.option(nasty, { nil: null })),
  credentials: maybe(fc.option(fc.record({ username: nasty, password: nasty }), { nil: null })),
};
const ids = fc.array(nasty, { maxLength: 5 });
const anything = fc.anything({
  withBigInt: true, withBoxedValues: true, withDate: true, withMap: true, withSet: true, withNullPrototype: true,
  withObjectString: true, withSparseArray: true, withTypedArray: true, withUnicodeString: true, maxDepth: 4,
});

/** Inputs that look almost right: the right shape with hostile values, extra keys, and wrong types inside. */
const NEAR_VALID: Record<CommandChannel, fc.Arbitrary<unknown>> = {
  'app.info': fc.constant(undefined),
  'servers.list': fc.constant(undefined),
  'servers.add': fc.record(serverFields, { requiredKeys: ['name', 'url'] }),
  'servers.update': fc.record({ id: nasty, changes: fc.record(serverFields, { requiredKeys: [] }) }),
  'servers.remove': fc.record({ ids }),
  'servers.test': fc.record({ url: loopbackUrl, credentials: serverFields.credentials, tlsFingerprint: serverFields.tlsFingerprint, id: maybe(nasty) }, { requiredKeys: ['url'] }),
  'servers.previewCsv': fc.record({ text: fc.array(fc.array(nasty, { maxLength: 8 }), { maxLength: 6 }).map((rows) => ['name,url,site,password', ...rows.map((r) => r.join(','))].join('\n')) }),
  'servers.importCsv': fc.record({ text: fc.array(fc.array(nasty, { maxLength: 8 }), { maxLength: 6 }).map((rows) => ['name,url,notes', ...rows.map((r) => r.join(','))].join('\r\n')) }),
  'status.list': fc.constant(undefined),
  'keys.list': fc.constant(undefined),
  'keys.add': fc.record({ text: fc.oneof(nasty, fc.base64String()), label: maybe(nasty), fileName: maybe(nasty) }, { requiredKeys: ['text'] }),
  'keys.remove': fc.record({ id: nasty }),
  'keys.applications': fc.record({ id: nasty }),
  'fleet.refresh': fc.record({ serverIds: ids }),
  'fleet.apply': fc.record({ keyId: nasty, serverIds: ids }),
  // Only loopback targets, or ones refused before any probe: a hostile string can be a host name, and resolving it would leave this machine.
  'discovery.start': fc.record(
    {
      targets: fc.array(fc.constantFrom('127.0.0.1', '127.0.0.1-3', '127.0.0.0/30', '127.0.0.1:80', '127.0.0.0/8', '127.0.0.300', '', ' , '), { maxLength: 3 }),
      ports: fc.oneof(fc.constantFrom('1', '1-3', '0', '99999', '1-1000', ''), fc.constantFrom(...NASTY)),
      timeoutSeconds: maybe(fc.oneof(fc.constantFrom(0.1, 0.2), fc.double())),
      concurrency: maybe(fc.integer()),
    },
    { requiredKeys: ['targets', 'ports'] },
  ),
  'discovery.add': fc.record({ urls: fc.array(loopbackUrl, { maxLength: 3 }), site: maybe(nasty), credentials: serverFields.credentials }, { requiredKeys: ['urls'] }),
  'fleet.cancel': fc.record({ operationId: nasty }),
  'fleet.retry': fc.record({ operationId: nasty }),
  'history.list': fc.record({ serverId: maybe(nasty), limit: maybe(fc.oneof(fc.integer(), fc.double())) }, { requiredKeys: [] }),
  'settings.get': fc.constant(undefined),
  'settings.update': fc.dictionary(fc.constantFrom('refreshIntervalMinutes', 'expiryWarningDays', 'concurrency', 'notifications', 'theme', '__proto__'), anything),
  'files.save': fc.record({ suggestedName: nasty, content: nasty }),
  'report.save': fc.record(
    { serverIds: fc.option(ids, { nil: null }), scope: nasty, format: fc.constantFrom('html', 'csv', 'json', 'ics', 'pdf', 'exe'), reminderDays: maybe(fc.array(fc.integer({ min: -5, max: 400 }), { maxLength: 4 })), group: maybe(fc.constantFrom('server', 'site', 'x')) },
    { requiredKeys: ['serverIds', 'scope', 'format'] },
  ),
};

/** The same, with keys no command knows (huge or prototype-polluting ones among them). */
function withExtraKeys(input: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.tuple(input, fc.dictionary(nasty, anything, { minKeys: 1, maxKeys: 2 })).map(([value, extra]) => (typeof value === 'object' && value ? { ...value, ...extra } : extra));
}

describe('every IPC command, fuzzed', () => {
  it.each(COMMAND_CHANNELS)('%s answers every random or malicious input with a Result, refusing bad ones clearly', async (channel) => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(anything, NEAR_VALID[channel], withExtraKeys(NEAR_VALID[channel])), async (input) => {
        const result = await handlers.invoke(channel, input);
        expectResult(result);
      }),
      { numRuns: 60 },
    );
  });

  it('refuses unknown channels, whatever their name', async () => {
    await fc.assert(
      fc.asyncProperty(nasty.filter((c) => !(COMMAND_CHANNELS as readonly string[]).includes(c)), anything, async (channel, input) => {
        const result = await handlers.invoke(channel, input);
        expectResult(result);
        expect(result).toMatchObject({ ok: false, error: { kind: 'UnknownChannel' } });
      }),
      { numRuns: 100 },
    );
  });

  it('left a registry that reloads, holding only valid, normalised servers', async () => {
    await core.status.flush();
    const reopened = await FleetCore.open({ dataDir: dir.path, secrets: testKeychain() });
    try {
      expect(reopened.notices).toEqual([]);
      for (const server of reopened.registry.list()) {
        expect(serverSchema.safeParse(server).success).toBe(true);
        expect(server.name).not.toMatch(/[\u0000-\u001f\u007f]/);
        expect(server.name.length).toBeLessThanOrEqual(100);
        expect(server.url).toMatch(/^https?:\/\/[^/@]+$/);
      }
    } finally {
      reopened.dispose();
    }
  });

  it('saved files under a bare name only', () => {
    for (const name of saved) expect(name).not.toMatch(/\//);
  });
});

/** A server whose next answers a test chooses: whole HTTP responses, or raw bytes on the socket. */
async function listen(server: net.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

describe('the BrainFrame response parser, fuzzed', () => {
  let answer: Answer = { status: 200, headers: {}, body: '' };
  let raw = Buffer.alloc(0);
  const httpServer = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(answer.status, answer.headers);
      res.end(answer.body);
    });
  });
  const rawServer = net.createServer((socket) => {
    socket.on('error', () => undefined);
    socket.once('data', () => socket.end(raw));
  });
  let httpUrl: string;
  let rawUrl: string;

  beforeAll(async () => {
    [httpUrl, rawUrl] = await Promise.all([listen(httpServer), listen(rawServer)]);
  });
  afterAll(() => {
    httpServer.close();
    rawServer.close();
  });

  const printable = fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_=+/.~'.split('')), maxLength: 60 });
  const json = fc.jsonValue();
  const terms = fc.record({
    online_checkin: fc.oneof(fc.boolean(), json),
    max_streams: fc.oneof(fc.nat(), fc.integer(), fc.double(), json),
    journal_max_allowed_age: fc.oneof(fc.double(), fc.nat(), json),
    expiration_date: fc.oneof(fc.constant(null), fc.date({ noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)), fc.string(), fc.constantFrom('2027-02-30', '2027-13-01', '99999-01-01')),
  });
  const body = fc.oneof(
    fc.json(),
    fc.string(),
    fc.string({ unit: 'binary' }),
    fc.record({ state: fc.oneof(fc.constantFrom('valid', 'invalid', 'expired', 'missing'), json), terms: fc.oneof(terms, fc.constant(null), json) }).map((v) => JSON.stringify(v)),
    fc.record({ title: fc.oneof(nasty, fc.constantFrom('__proto__', 'constructor', 'hasOwnProperty', 'UnauthorizedError', 'InvalidSessionError')), description: fc.oneof(nasty, fc.constant(null)) }).map((v) => JSON.stringify(v)),
    fc.constantFrom('[]', '{}', 'null', '"0.30.5"', '1e400', `${'['.repeat(100_000)}${']'.repeat(100_000)}`, '{"__proto__":{"state":"valid"}}'),
  );
  const response = fc.record({
    status: fc.oneof(fc.constantFrom(200, 200, 200, 301, 302, 307, 401, 403, 404, 500, 502, 503), fc.integer({ min: 200, max: 599 })),
    headers: fc.record(
      { 'content-type': fc.constantFrom('application/json', 'text/html', 'application/octet-stream; charset=latin1'), 'set-cookie': printable.map((v) => `session_id=${v}; Path=/`), location: printable.map((p) => `http://127.0.0.2:9/${p}`) },
      { requiredKeys: [] },
    ),
    body,
  });

  /** What every call must end in: a value that passed the schema, or a BrainFrameError that says what happened. */
  async function outcome(call: Promise<unknown>, check: (value: unknown) => void): Promise<void> {
    try {
      check(await call);
    } catch (err) {
      expect(err).toBeInstanceOf(BrainFrameError);
      const { kind, message } = err as BrainFrameError;
      expect(typeof kind).toBe('string');
      expect(message.length).toBeGreaterThan(5);
      expect(message.length).toBeLessThanOrEqual(1200);
    }
  }

  it('turns any HTTP answer into a license or a typed error, also on a second request over the session', async () => {
    await fc.assert(
      fc.asyncProperty(response, response, async (first, second) => {
        const client = new BrainFrameClient({ baseUrl: httpUrl, timeoutMs: 2000, credentials: { username: 'admin', password: 'fuzz-password' } });
        answer = first;
        await outcome(client.getLicense(), (v) => expect(licenseInfoSchema.safeParse(v).success).toBe(true));
        answer = second;
        await outcome(client.setLicenseKey(mintKey()), (v) => expect(v).toMatchObject({ state: 'valid' }));
        await outcome(client.getVersion(), (v) => expect(typeof v).toBe('string'));
      }),
      { numRuns: 150 },
    );
  });

  it('turns any bytes on the socket into a typed error or a parsed answer, never a crash', async () => {
    const statusLine = fc.constantFrom('HTTP/1.1 200 OK\r\n', 'HTTP/1.1 500 Oops\r\n', 'HTTP/1.0 502 Bad Gateway\r\n', 'HTTP/9.9 999 ?\r\n', '');
    const headers = fc.array(fc.constantFrom('Content-Length: 5\r\n', 'Content-Length: -1\r\n', 'Content-Length: 99999999999\r\n', 'Transfer-Encoding: chunked\r\n', 'Transfer-Encoding: gzip\r\n', 'Content-Encoding: gzip\r\n', 'Set-Cookie: session_id=\r\n', 'Location: \r\n', ': \r\n'), { maxLength: 4 });
    const bytes = fc.tuple(statusLine, headers, fc.constantFrom('\r\n', ''), fc.uint8Array({ maxLength: 300 })).map(([s, h, end, b]) => Buffer.concat([Buffer.from(s + h.join('') + end), b]));
    await fc.assert(
      fc.asyncProperty(bytes, async (payload) => {
        raw = payload;
        await outcome(new BrainFrameClient({ baseUrl: rawUrl, timeoutMs: 1000 }).getLicense(), (v) => expect(licenseInfoSchema.safeParse(v).success).toBe(true));
      }),
      { numRuns: 150 },
    );
  });
});

describe('addresses', () => {
  it('refuses any URL with credentials in it, without repeating the password', () => {
    const password = fc.string({ unit: fc.constantFrom(...'abcXYZ019!$&\'()*+,;=:@/?#[]%-._~ '.split('')), minLength: 8, maxLength: 30 }).filter((p) => /[a-zA-Z0-9]{3}/.test(p));
    const shape = fc.constantFrom('http://admin:{p}@10.0.0.5', 'https://admin:{p}@10.0.0.5:8443', 'admin:{p}@10.0.0.5', 'http://admin:{p}@10.0.0.5/api/license', 'ftp://admin:{p}@10.0.0.5', '  HTTP://admin:{p}@Server.Example  ');
    fc.assert(
      fc.property(password, shape, (p, s) => {
        const input = s.replace('{p}', p);
        let message = '';
        try {
          normaliseServerUrl(input);
        } catch (err) {
          expect((err as BrainFrameError).kind).toBe('InvalidUrl');
          message = (err as BrainFrameError).message;
        }
        expect(message, `accepted ${input}`).not.toBe('');
        for (const part of p.split(/[^a-zA-Z0-9]+/).filter((w) => w.length >= 3)) expect(message).not.toContain(part);
      }),
      { numRuns: 500 },
    );
  });

  it('keeps the password of a refused URL out of every answer: IPC, CSV report and command output', async () => {
    const password = scan.add(`pw-in-url-${randomUUID()}`);
    const url = `http://admin:${password}@127.0.0.1:1`;
    for (const [channel, input] of [
      ['servers.add', { name: 'in url', url }],
      ['servers.test', { url }],
      ['servers.previewCsv', { text: `name,url\nin url,${url}\n` }],
    ] as const) {
      const result = await handlers.invoke(channel, input);
      expectResult(result);
      scan.value(channel, result);
    }
    const run = await runCli(['servers', 'add', '--name', 'in url', '--url', url, '--data-dir', dir.path], { env: { ...process.env, [KEYCHAIN_SERVICE_ENV]: `bf-hostile-${randomUUID()}` } });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/contains credentials: store the username and password separately/);
    scan.text('servers add output', run.stdout + run.stderr);
    expect(scan.findings).toEqual([]);
  });

  it.each([
    ['file:///etc/passwd', /only http and https/],
    ['javascript:alert(document.cookie)', /start it with http:\/\/ or https:\/\//],
    ['data:text/html,<script>alert(1)</script>', /start it with http/],
    ['vbscript:msgbox(1)', /start it with http/],
    ['ftp://10.0.0.5', /only http and https/],
    ['ws://10.0.0.5', /only http and https/],
    ['\\\\fileserver\\share', /start it with http/],
    ['//10.0.0.5', /start it with http/],
    ['http:10.0.0.5', /start it with http/],
    ['a'.repeat(3000), /longer than 2048 characters/],
    ['http://10.0.0.5:99999', /not a valid address/],
    ['http://10.0.0.5/%2e%2e/admin', /path/],
  ])('refuses %s with what to use instead', async (address, why) => {
    const url = address === 'a'.repeat(3000) ? `http://${address}.example` : address;
    const result = await handlers.invoke('servers.add', { name: `odd ${randomUUID()}`, url });
    expectResult(result);
    expect(result).toMatchObject({ ok: false, error: { kind: 'InvalidUrl' } });
    if (!result.ok) expect(result.error.message).toMatch(why);
    if (!result.ok) expect(result.error.message).toContain('Use an address such as http://10.0.0.5');
  });
});

describe('names and labels', () => {
  it.each([
    ['a name of 101 characters', { name: 'n'.repeat(101) }, 'InvalidInput', /shorten it to at most 100/],
    ['a name of a million characters', { name: 'n'.repeat(1_000_000) }, 'InvalidInput', /at most 1000 characters/],
    ['a name with a line break', { name: 'North\nGate' }, 'InvalidInput', /line break/],
    ['a name of bidi and zero-width tricks only', { name: '\u200b\u202e' }, null, null],
    ['a site of 5,000 characters', { name: 'long site', site: 's'.repeat(5000) }, 'InvalidInput', /at most 1000 characters/],
  ] as const)('%s', async (_what, fields, kind, why) => {
    const result = await handlers.invoke('servers.add', { url: 'http://10.0.0.5', ...fields });
    expectResult(result);
    if (kind === null) return; // accepted or refused, either is fine: it is text, shown as text
    expect(result).toMatchObject({ ok: false, error: { kind } });
    if (!result.ok) expect(result.error.message).toMatch(why);
  });

  it('shortens a very long key file name to a label, and refuses a very long label', async () => {
    const key = scan.addKey(mintKey());
    const fromName = await handlers.invoke('keys.add', { text: key, fileName: `${'k'.repeat(900)}.key` });
    expectResult(fromName);
    expect(fromName.ok && (fromName.value as { label: string }).label).toBe('k'.repeat(100));
    const long = await handlers.invoke('keys.add', { text: scan.addKey(mintKey()), label: 'l'.repeat(101) });
    expect(long).toMatchObject({ ok: false, error: { kind: 'InvalidLabel', message: expect.stringMatching(/at most 100 characters/) } });
  });
});

describe('CSV with formulas', () => {
  it('escapes every formula cell on export, whatever the import held', async () => {
    const formula = fc.tuple(fc.constantFrom('=', '+', '-', '@', '\t=', '\r='), fc.string({ maxLength: 30 })).map(([start, rest]) => `${start}${rest}`);
    const cell = fc.oneof(formula, fc.constantFrom("=cmd|' /C calc'!A0", '=HYPERLINK("http://evil.example","click")', '@SUM(1+1)*cmd|\' /C calc\'!A0', '+1+1', '-1+1'));
    const csvField = (s: string) => `"${s.replace(/"/g, '""')}"`;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(cell, cell, cell), { minLength: 1, maxLength: 5 }), async (rows) => {
        const text = ['name,url,site,notes', ...rows.map(([name, site, notes], i) => [`${name}-${randomUUID()}-${i}`, 'http://10.0.0.5', site, notes].map(csvField).join(','))].join('\r\n');
        await core.registry.importCsv(text);
      }),
      { numRuns: 30 },
    );
    const exported = core.registry.exportCsv();
    const cells = (parse(exported, { bom: true }) as string[][]).flat();
    expect(cells.length).toBeGreaterThan(100);
    for (const c of cells) expect(c, 'a formula cell').not.toMatch(/^[=+\-@\t\r]/);
  });
});

describe('key files', () => {
  let files: Awaited<ReturnType<typeof tempDir>>;
  const env = { ...process.env, [KEYCHAIN_SERVICE_ENV]: `bf-hostile-keys-${randomUUID()}` };
  beforeAll(async () => {
    files = await tempDir('bf-hostile-keys-');
  });
  afterAll(() => files.remove());

  async function addKey(path: string) {
    const run = await runCli(['keys', 'add', path, '--data-dir', join(files.path, 'data')], { env, timeoutMs: 15_000 });
    scan.text(`keys add ${path}`, run.stdout + run.stderr);
    return run;
  }

  it.each([
    ['a sparse 2 GiB file', (p: string) => writeFile(p, '').then(() => truncate(p, 2 ** 31)), /is 2097152 KiB, larger than any license key/],
    ['random binary', (p: string) => writeFile(p, randomBytes(4096)), /is not a text file/],
    ['a key with a NUL in it', (p: string) => writeFile(p, `${mintKey()}\0`), /is not a text file/],
    ['a named pipe nobody writes to', async (p: string) => void execFileSync('mkfifo', [p]), /is not a file/],
  ])('refuses %s, quickly, with a message', async (_what, make, why) => {
    const path = join(files.path, `${randomUUID()}.key`);
    await make(path);
    const run = await addKey(path);
    expect(run.signal, 'the command hung').toBeNull();
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(why);
    expect(run.stderr).toMatch(/Choose the key file you were sent, or paste the key as text/);
    expect(run.ms).toBeLessThan(10_000);
  });

  it.each([
    ['a named pipe nobody writes to', async (p: string) => void execFileSync('mkfifo', [p]), /is not a file/],
    ['a sparse 2 GiB file', (p: string) => writeFile(p, '').then(() => truncate(p, 2 ** 31)), /larger than any server list/],
    ['random binary', (p: string) => writeFile(p, randomBytes(4096)), /is not a text file/],
  ])('refuses %s given as a CSV of servers, quickly, importing nothing', async (_what, make, why) => {
    const path = join(files.path, `${randomUUID()}.csv`);
    await make(path);
    const run = await runCli(['servers', 'import', path, '--data-dir', join(files.path, 'data')], { env, timeoutMs: 15_000 });
    expect(run.signal, 'the command hung').toBeNull();
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(why);
    expect(run.stderr).toMatch(/Choose the CSV file of your servers/);
    expect(run.ms).toBeLessThan(10_000);
  });

  it('refuses a device with a message', async () => {
    const run = await addKey('/dev/zero');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/“zero” is not a file/);
  });
});

describe('CSV with broken quoting in a password cell', () => {
  // csv-parse's own message quotes the cell up to the stray quote: `value is "<head>"`.
  const head = scan.add(`pw-head-${randomUUID()}`);
  const tail = scan.add(`pw-tail-${randomUUID()}`);
  let files: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => {
    files = await tempDir('bf-hostile-csv-');
  });
  afterAll(() => files.remove());

  it.each([
    ['a stray quote inside it', `${head}"${tail}`, /line 2, cell 4 \(password\), has a double quote inside a cell\. Enclose .* \(""\)\./],
    ['text after its closing quote', `"${head}"${tail}`, /line 2, cell 4 \(password\), has text after the closing double quote of a cell\. Enclose/],
    ['a quote never closed', `"${head}${tail}`, /row 2, cell 4 \(password\), opens a double quote that is never closed\. Add the closing quote/],
  ])('names the line and cell of %s and what to fix, never the password: preview, import, IPC and CLI', async (_what, cell, where) => {
    const text = `name,url,username,password\ncam-${randomUUID()},http://10.0.0.5,ops,${cell}\nnext,http://10.0.0.6,,\n`;
    for (const attempt of [() => core.registry.previewCsv(text), () => core.registry.importCsv(text)]) {
      const error: unknown = await Promise.resolve().then(attempt).catch((e: unknown) => e);
      expect(error).toMatchObject({ kind: 'InvalidCsv' });
      expect((error as Error).message).toMatch(where);
      scan.value('registry CSV error', error);
    }
    const answer = await handlers.invoke('servers.previewCsv', { text });
    expectResult(answer);
    expect(answer).toMatchObject({ ok: false, error: { kind: 'InvalidCsv' } });

    const path = join(files.path, `${randomUUID()}.csv`);
    await writeFile(path, text);
    const run = await runCli(['servers', 'import', path, '--data-dir', join(files.path, 'data')], { env: { ...process.env, [KEYCHAIN_SERVICE_ENV]: `bf-hostile-${randomUUID()}` } });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(where);
    scan.text('servers import output', run.stdout + run.stderr);
    expect(scan.findings).toEqual([]);
  });
});

describe('the process', () => {
  it('had no unhandled rejection and sent no secret back', () => {
    expect(unhandled).toEqual([]);
    for (const [i, answer] of answers.entries()) scan.value(`answer ${i}`, answer);
    expect(scan.findings).toEqual([]);
  });
});
