// One simulated BrainFrame server: the license API as BrainFrame's own clients use it
// (see shared/brainframe-license-api.md), plus injected faults. Error titles and the auth flow
// mirror the official Python client (brainframe-api 0.30.x), which branches on `title` only, treats
// 502 as "still starting" and retries once with Basic auth on InvalidSessionError. The status codes
// are not public; the ones chosen here are in ERROR_STATUS.
import { randomBytes } from 'node:crypto';
import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import net, { type AddressInfo, type Socket } from 'node:net';
import { isExpired, keyForTerms, termsFromOptions, verifyKey, type Terms } from './keys';

export type LicenseState = 'valid' | 'invalid' | 'expired' | 'missing';

export interface LicenseInfo {
  state: LicenseState;
  terms: Terms | null;
}

export const FAULTS = [
  'refuse', 'hang', 'reset', 'starting', 'error500', 'nonjson', 'oversized', 'wrongshape', 'redirect', 'slow',
  'expire-session',
] as const;

/**
 * - refuse: nothing listens on the port (connection refused); the port stays the server's.
 * - hang: reads the request, never answers.
 * - reset: sends the headers and half the body, then resets the connection (over TLS: closes it abruptly).
 * - starting: 502 with nginx's HTML, for every request (for `startingForMs`, if given, then normal).
 * - error500: 500 with an HTML body. nonjson: 200 with `<html>not json</html>`.
 * - oversized: 200 with a LicenseInfo-like JSON body over 2 MiB, chunked (no Content-Length).
 * - wrongshape: 200 with `{"state": 42}`.
 * - redirect: `redirectStatus` to `redirectTo` + the request path, except for requests already
 *   addressed to the target's host (by default `localhost:<port>`, a different origin served by this
 *   same server, so the request log shows what followed the redirect).
 * - slow: the normal answer, headers at once, then one body byte per `slowByteMs`.
 * - expire-session: a session cookie is rejected with InvalidSessionError the first time it is
 *   presented (and dropped), so each request needs one Basic re-login before it succeeds.
 */
export type Fault = (typeof FAULTS)[number];

/** Status codes chosen for each error title (the real server's codes are not public). */
export const ERROR_STATUS = {
  LicenseInvalidError: 400,
  LicenseExpiredError: 400,
  UnauthorizedError: 401,
  InvalidSessionError: 401,
  InsufficientRoleError: 403,
  LicenseRequiredError: 403,
  NotFoundError: 404,
  StreamConfigNotFoundError: 404,
  MethodNotAllowedError: 405,
  PayloadTooLargeError: 413,
  UnsupportedMediaTypeError: 415,
  // Not 502: the official client reads any 502 as "server still starting".
  RemoteConnectionError: 503,
} as const;

export type ErrorKind = keyof typeof ERROR_STATUS;

export interface SimServerOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /**
   * A loopback address to listen on, 127.0.0.1 by default. Linux routes all of 127.0.0.0/8 to the
   * loopback interface, so servers on 127.0.0.2, 127.0.0.3, … make a scanned "subnet".
   */
  host?: string;
  /** Require HTTP Basic auth or a session cookie on every request. */
  auth?: { username: string; password: string };
  /** Role of the account: 'user' may read but gets InsufficientRoleError on PUT /api/license. Default 'admin'. */
  role?: 'admin' | 'user';
  /** Delay before every answer. */
  latencyMs?: number;
  /**
   * Initial license, default 'missing'. valid/expired hold a minted key of that kind (terms shown),
   * invalid holds a key whose signature fails (terms null).
   */
  state?: LicenseState;
  /** Initial terms over the defaults (4 streams, 30 days journal, offline, one year); implies state 'valid'. */
  terms?: Partial<Terms>;
  /** Default "0.30.5". Any string, control characters included, for hostile-server tests. */
  version?: string;
  /**
   * Answer GET and PUT /api/license (after authentication) with this error body instead: a title
   * the official client does not know, or a hostile one. The fields are sent as given.
   */
  licenseError?: { status: number; title: string; description?: string | null };
  /** Serve HTTPS with this certificate (PEM). */
  tls?: { cert: string | Buffer; key: string | Buffer };
  fault?: Fault | null;
  /** With fault 'starting': answer 502 for this long after the fault is set, then normally. */
  startingForMs?: number;
  /** With fault 'redirect': the target origin (and optional path prefix). Default `<scheme>://localhost:<port>`. */
  redirectTo?: string;
  /** With fault 'redirect'. Default 307, which keeps method and body. */
  redirectStatus?: 301 | 302 | 303 | 307 | 308;
  /** With fault 'slow': milliseconds per body byte. Default 1000. */
  slowByteMs?: number;
  /** Sessions unused for this long are rejected with InvalidSessionError. Default: never expire. */
  sessionTtlMs?: number;
  /** Whether the vendor's licensing service is reachable for online check-in. Default true. */
  licensingReachable?: boolean;
  /**
   * Streams behind GET /api/streams, /api/streams/{id}/analyze and /api/streams/status: `total`
   * configured (ids 1..total, named "Camera N"), the first `analyzed` of them with analysis on.
   * Default none. Change them later with setStreams.
   */
  streams?: { total: number; analyzed: number };
  /** An older or trimmed server without GET /api/streams/status: it answers NotFoundError. */
  noStreamStatus?: boolean;
  /** Largest request body accepted; larger gets 413. Default 1 MiB. */
  maxBodyBytes?: number;
}

export interface RequestLogEntry {
  method: string;
  /** As sent, including any query string. */
  path: string;
  /** Lower-cased names, as Node parses them. */
  headers: IncomingHttpHeaders;
  /** Body bytes received. */
  bodyLength: number;
  /** Arrival, ms since the epoch. */
  time: number;
  /** Status sent, or null while unanswered (and for hang). */
  status: number | null;
}

export interface SimServer {
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** Every request received, oldest first. Tests may clear it with `requests.length = 0`. */
  readonly requests: RequestLogEntry[];
  /** PUT /api/license requests that got past authentication. */
  readonly putCount: number;
  /** The license as GET /api/license would report it now. */
  license(): LicenseInfo;
  /** Resolves once the listener matches the fault (stopped for 'refuse', listening otherwise). */
  setFault(fault: Fault | null): Promise<void>;
  setLatency(ms: number): void;
  /** Configures `total` streams, the first `analyzed` of them analysed (as the option `streams`). */
  setStreams(streams: { total: number; analyzed: number }): void;
  /** Stops listening and destroys every open connection, hanging ones included. */
  close(): Promise<void>;
}

const DEFAULT_HOST = '127.0.0.1';
const LOOPBACK = /^127\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
const MIB = 1024 * 1024;
// Past this a flood is cut off instead of drained for a polite 413.
const DRAIN_LIMIT = 16 * MIB;
const MAX_SESSIONS = 10_000;
const RESET_DELAY_MS = 30;
const OVERSIZED_PAD = 2.5 * MIB;

// `host:port` of refusing servers: nothing listens there, so a random bind could land on one.
const reservedPorts = new Set<string>();

const NGINX_502 =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n' +
  '<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';
const HTML_500 =
  '<html><head><title>500 Internal Server Error</title></head><body><h1>Internal Server Error</h1>' +
  '<p>The server encountered an unexpected condition.</p></body></html>\n';

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: Buffer | string;
  /** Send without Content-Length. */
  chunked?: boolean;
}

type AuthResult = { ok: true; setCookie: string | null } | { ok: false; answer: Answer };

let oversizedBody: Buffer | undefined;
function oversized(): Buffer {
  oversizedBody ??= Buffer.from(
    '{"state": "valid", "terms": {"online_checkin": false, "max_streams": 4, "journal_max_allowed_age": 2592000.0, ' +
      `"expiration_date": null}, "padding": "${'x'.repeat(OVERSIZED_PAD)}"}`,
  );
  return oversizedBody;
}

// The real server is Python: floats keep their ".0" and separators are ", " and ": ".
function pyFloat(n: number): string {
  return Number.isInteger(n) ? `${n}.0` : String(n);
}

function licenseInfoJson(info: LicenseInfo): string {
  const t = info.terms;
  const terms =
    t === null
      ? 'null'
      : `{"online_checkin": ${t.online_checkin}, "max_streams": ${t.max_streams}, ` +
        `"journal_max_allowed_age": ${pyFloat(t.journal_max_allowed_age)}, "expiration_date": ${JSON.stringify(t.expiration_date)}}`;
  return `{"state": ${JSON.stringify(info.state)}, "terms": ${terms}}`;
}

function json(status: number, body: string): Answer {
  return { status, headers: { 'content-type': 'application/json' }, body };
}

function apiError(kind: ErrorKind, description: string, headers: Record<string, string> = {}): Answer {
  const body = `{"title": ${JSON.stringify(kind)}, "description": ${JSON.stringify(description)}}`;
  return { status: ERROR_STATUS[kind], headers: { 'content-type': 'application/json', ...headers }, body };
}

function notAllowed(allow: string): Answer {
  return apiError('MethodNotAllowedError', `This resource only allows ${allow}.`, { allow });
}

function cookieValue(header: string | undefined, name: string): string | null {
  if (header === undefined) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq >= 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

function basicCredentials(header: string): { username: string; password: string } | null {
  const m = /^Basic\s+([A-Za-z0-9+/]+=*)\s*$/i.exec(header);
  if (!m?.[1]) return null;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function listenOn(server: net.Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => {
      server.off('listening', onListening);
      reject(err);
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen({ port, host });
  });
}

/** A free port for a refusing server, reserved so other simulated servers do not take it. */
async function reserveFreePort(host: string): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const probe = net.createServer();
    const port = await listenOn(probe, host, 0);
    const taken = reservedPorts.has(`${host}:${port}`);
    if (!taken) reservedPorts.add(`${host}:${port}`);
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    if (!taken) return port;
  }
  throw new Error('could not find a free port to reserve for a refusing server');
}

function initialKey(opts: SimServerOptions): string | null {
  const state = opts.state ?? (opts.terms ? 'valid' : 'missing');
  switch (state) {
    case 'missing':
      return null;
    case 'valid': {
      const terms = { ...termsFromOptions({}), ...opts.terms };
      if (isExpired(terms)) throw new Error(`state 'valid' needs terms that have not expired (${terms.expiration_date})`);
      return keyForTerms(terms);
    }
    case 'expired': {
      const terms = { ...termsFromOptions({ expired: true }), ...opts.terms };
      if (!isExpired(terms)) throw new Error('state \'expired\' needs terms.expiration_date before today');
      return keyForTerms(terms);
    }
    case 'invalid':
      return keyForTerms({ ...termsFromOptions({}), ...opts.terms }, { corrupt: true });
  }
}

class Sim implements SimServer {
  readonly requests: RequestLogEntry[] = [];
  port: number;
  readonly host: string;
  private puts = 0;
  private readonly server: net.Server;
  private readonly scheme: 'http' | 'https';
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  // Session id -> last use (ms).
  private readonly sessions = new Map<string, number>();
  private heldKey: string | null;
  private fault: Fault | null;
  private faultUntil: number | null = null;
  private latencyMs: number;
  private streams: { total: number; analyzed: number };
  private closed = false;
  // Serialises listener changes from overlapping setFault calls.
  private transition: Promise<void> = Promise.resolve();

  constructor(private readonly opts: SimServerOptions) {
    this.port = opts.port ?? 0;
    this.host = opts.host ?? DEFAULT_HOST;
    this.heldKey = initialKey(opts);
    this.fault = opts.fault ?? null;
    this.latencyMs = opts.latencyMs ?? 0;
    this.streams = checkedStreams(opts.streams ?? { total: 0, analyzed: 0 });
    this.armStartingTimer();
    const handler = (req: IncomingMessage, res: ServerResponse): void => this.onRequest(req, res);
    this.scheme = opts.tls ? 'https' : 'http';
    this.server = opts.tls ? https.createServer({ cert: opts.tls.cert, key: opts.tls.key }, handler) : http.createServer(handler);
    this.server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
  }

  get url(): string {
    return `${this.scheme}://${this.host}:${this.port}`;
  }

  /** `host:port`, as refusing servers reserve it. */
  private get slot(): string {
    return `${this.host}:${this.port}`;
  }

  get putCount(): number {
    return this.puts;
  }

  async start(): Promise<void> {
    if (this.fault === 'refuse') {
      if (this.port === 0) this.port = await reserveFreePort(this.host);
      else reservedPorts.add(this.slot);
      return;
    }
    await this.listen();
  }

  license(): LicenseInfo {
    if (this.heldKey === null) return { state: 'missing', terms: null };
    const verdict = verifyKey(this.heldKey);
    if (verdict.kind === 'invalid') return { state: 'invalid', terms: null };
    if (verdict.kind === 'expired') return { state: 'expired', terms: verdict.terms };
    // A failed online check-in counts as invalid (see the protocol notes).
    if (verdict.terms.online_checkin && this.opts.licensingReachable === false) return { state: 'invalid', terms: null };
    return { state: 'valid', terms: verdict.terms };
  }

  setFault(fault: Fault | null): Promise<void> {
    const change = async (): Promise<void> => {
      if (this.closed) return;
      if (fault === 'refuse') {
        reservedPorts.add(this.slot);
        await this.stopListening();
      } else if (!this.server.listening) {
        // If the port was taken meanwhile this rejects and the server stays refusing.
        await listenOn(this.server, this.host, this.port);
        reservedPorts.delete(this.slot);
      }
      this.fault = fault;
      this.armStartingTimer();
    };
    this.transition = this.transition.catch(() => undefined).then(change);
    return this.transition;
  }

  setLatency(ms: number): void {
    this.latencyMs = ms;
  }

  setStreams(streams: { total: number; analyzed: number }): void {
    this.streams = checkedStreams(streams);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await this.transition.catch(() => undefined);
    if (this.fault === 'refuse') reservedPorts.delete(this.slot);
    await this.stopListening();
  }

  private armStartingTimer(): void {
    this.faultUntil = this.fault === 'starting' && this.opts.startingForMs !== undefined ? Date.now() + this.opts.startingForMs : null;
  }

  private async listen(): Promise<void> {
    const random = this.port === 0;
    for (let attempt = 0; ; attempt++) {
      const port = await listenOn(this.server, this.host, this.port);
      if (random && reservedPorts.has(`${this.host}:${port}`) && attempt < 10) {
        await this.stopListening();
        continue;
      }
      this.port = port;
      return;
    }
  }

  private stopListening(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.server.listening) {
        for (const socket of this.sockets) socket.destroy();
        resolve();
        return;
      }
      this.server.close(() => resolve());
      for (const socket of this.sockets) socket.destroy();
    });
  }

  private later(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
  }

  private currentFault(): Fault | null {
    if (this.faultUntil !== null && Date.now() >= this.faultUntil) {
      this.fault = null;
      this.faultUntil = null;
    }
    return this.fault;
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const entry: RequestLogEntry = {
      method: req.method ?? '',
      path: req.url ?? '',
      headers: req.headers,
      bodyLength: 0,
      time: Date.now(),
      status: null,
    };
    this.requests.push(entry);
    const max = this.opts.maxBodyBytes ?? MIB;
    const chunks: Buffer[] = [];
    let tooLarge = Number(req.headers['content-length'] ?? 0) > max;
    req.on('data', (chunk: Buffer) => {
      entry.bodyLength += chunk.length;
      if (entry.bodyLength > DRAIN_LIMIT) req.socket.destroy();
      else if (entry.bodyLength > max) {
        tooLarge = true;
        chunks.length = 0;
      } else if (!tooLarge) chunks.push(chunk);
    });
    req.on('end', () => {
      const body = tooLarge ? null : Buffer.concat(chunks);
      if (this.latencyMs > 0) this.later(this.latencyMs, () => this.respond(req, res, entry, body));
      else this.respond(req, res, entry, body);
    });
  }

  private respond(req: IncomingMessage, res: ServerResponse, entry: RequestLogEntry, body: Buffer | null): void {
    if (this.closed || res.destroyed) return;
    const fault = this.currentFault();
    if (fault === 'hang') return;
    const replaced = this.faultAnswer(fault, req);
    if (replaced) {
      this.deliver(req, res, entry, replaced, null);
      return;
    }
    if (body === null) {
      const limit = this.opts.maxBodyBytes ?? MIB;
      const answer = apiError('PayloadTooLargeError', `The request body is larger than ${limit} bytes.`, { connection: 'close' });
      this.deliver(req, res, entry, answer, fault);
      return;
    }
    const auth = this.authenticate(req, fault);
    if (!auth.ok) {
      this.deliver(req, res, entry, auth.answer, fault);
      return;
    }
    const answer = this.route(req, body);
    if (auth.setCookie !== null) answer.headers['set-cookie'] = auth.setCookie;
    this.deliver(req, res, entry, answer, fault);
  }

  private faultAnswer(fault: Fault | null, req: IncomingMessage): Answer | null {
    switch (fault) {
      case 'starting':
        return { status: 502, headers: { 'content-type': 'text/html', server: 'nginx' }, body: NGINX_502 };
      case 'error500':
        return { status: 500, headers: { 'content-type': 'text/html' }, body: HTML_500 };
      case 'nonjson':
        return { status: 200, headers: { 'content-type': 'text/html' }, body: '<html>not json</html>' };
      case 'oversized':
        return { status: 200, headers: { 'content-type': 'application/json' }, body: oversized(), chunked: true };
      case 'wrongshape':
        return json(200, '{"state": 42}');
      case 'redirect': {
        const target = (this.opts.redirectTo ?? `${this.scheme}://localhost:${this.port}`).replace(/\/$/, '');
        if (req.headers.host === new URL(target).host) return null;
        const location = target + (req.url ?? '/');
        return { status: this.opts.redirectStatus ?? 307, headers: { location, 'content-type': 'text/plain' }, body: `Moved to ${location}\n` };
      }
      default:
        return null;
    }
  }

  private authenticate(req: IncomingMessage, fault: Fault | null): AuthResult {
    const auth = this.opts.auth;
    if (!auth) return { ok: true, setCookie: null };
    const fail = (kind: ErrorKind, description: string): AuthResult => ({ ok: false, answer: apiError(kind, description) });

    // Basic credentials win over a cookie: that is how a client with a stale session logs in again.
    const header = req.headers.authorization;
    if (header !== undefined) {
      const creds = basicCredentials(header);
      if (!creds || creds.username !== auth.username || creds.password !== auth.password) {
        return fail('UnauthorizedError', 'The username or password is incorrect.');
      }
      return { ok: true, setCookie: `session_id=${this.newSession()}; Path=/; HttpOnly` };
    }
    const id = cookieValue(req.headers.cookie, 'session_id');
    if (id === null) return fail('UnauthorizedError', 'This server requires a username and password.');
    const lastUsed = this.sessions.get(id);
    const now = Date.now();
    const ttl = this.opts.sessionTtlMs;
    if (lastUsed === undefined || (ttl !== undefined && now - lastUsed > ttl) || fault === 'expire-session') {
      this.sessions.delete(id);
      return fail('InvalidSessionError', 'The session has expired or does not exist. Log in again.');
    }
    this.sessions.set(id, now);
    return { ok: true, setCookie: null };
  }

  private newSession(): string {
    if (this.sessions.size >= MAX_SESSIONS) {
      const oldest = this.sessions.keys().next().value;
      if (oldest !== undefined) this.sessions.delete(oldest);
    }
    const id = randomBytes(16).toString('hex');
    this.sessions.set(id, Date.now());
    return id;
  }

  private route(req: IncomingMessage, body: Buffer): Answer {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const method = req.method ?? '';
    if (path === '/api/version') {
      return method === 'GET' ? json(200, JSON.stringify(this.opts.version ?? '0.30.5')) : notAllowed('GET');
    }
    if (path === '/api/license') {
      const custom = this.opts.licenseError;
      if (custom && (method === 'GET' || method === 'PUT')) {
        return json(custom.status, JSON.stringify({ title: custom.title, description: custom.description ?? null }));
      }
      if (method === 'GET') return json(200, licenseInfoJson(this.license()));
      if (method === 'PUT') return this.applyKey(req, body);
      return notAllowed('GET, PUT');
    }
    if (path === '/api/streams') {
      return method === 'GET' ? this.licensed(() => json(200, this.streamsJson())) : notAllowed('GET');
    }
    if (path === '/api/streams/status' && !this.opts.noStreamStatus) {
      return method === 'GET' ? this.licensed(() => json(200, this.zoneStatusesJson())) : notAllowed('GET');
    }
    const analyze = /^\/api\/streams\/(\d+)\/analyze$/.exec(path);
    if (analyze) {
      if (method !== 'GET') return notAllowed('GET');
      const id = Number(analyze[1]);
      const streams = this.streams;
      return this.licensed(() =>
        id >= 1 && id <= streams.total
          ? json(200, JSON.stringify(id <= streams.analyzed))
          : apiError('StreamConfigNotFoundError', `There is no stream with ID ${id}.`),
      );
    }
    return apiError('NotFoundError', `There is no resource at ${path}.`);
  }

  private applyKey(req: IncomingMessage, body: Buffer): Answer {
    this.puts++;
    if ((this.opts.role ?? 'admin') !== 'admin') {
      return apiError('InsufficientRoleError', 'Only an admin account may change the license.');
    }
    const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (type !== 'application/base64') {
      return apiError('UnsupportedMediaTypeError', 'Send the license key as the body with Content-Type: application/base64.');
    }
    // A rejected key leaves the held license as it was (the real server's choice is unknown).
    const key = body.toString('utf8');
    const verdict = verifyKey(key);
    if (verdict.kind === 'invalid') return apiError('LicenseInvalidError', 'The license key is malformed or failed validation.');
    if (verdict.kind === 'expired') {
      return apiError('LicenseExpiredError', `The license key expired on ${verdict.terms.expiration_date}.`);
    }
    if (verdict.terms.online_checkin && this.opts.licensingReachable === false) {
      return apiError('RemoteConnectionError', 'Could not reach the licensing service to check the license in.');
    }
    this.heldKey = key;
    return json(200, licenseInfoJson(this.license()));
  }

  private licensed(answer: () => Answer): Answer {
    return this.license().state === 'valid'
      ? answer()
      : apiError('LicenseRequiredError', 'This feature needs a valid license. Upload a license key.');
  }

  /**
   * GET /api/streams/status: "all active streams will have a key" (BrainFrame's Python client),
   * each mapping zone names to ZoneStatus. Every stream has BrainFrame's default whole-frame zone,
   * "Screen"; nothing is detected in it.
   */
  private zoneStatusesJson(): string {
    const tstamp = Date.now() / 1000;
    const statuses: Record<string, Record<string, unknown>> = {};
    for (let id = 1; id <= this.streams.analyzed; id++) {
      const zone = { name: 'Screen', id, alarms: [], stream_id: id, coords: [[0, 0], [1920, 0], [1920, 1080], [0, 1080]] };
      statuses[String(id)] = {
        Screen: { zone, tstamp, total_entered: {}, total_exited: {}, within: [], entering: [], exiting: [], alerts: [] },
      };
    }
    return JSON.stringify(statuses);
  }

  private streamsJson(): string {
    const total = this.streams.total;
    const list = Array.from({ length: total }, (_, i) => ({
      name: `Camera ${i + 1}`,
      id: i + 1,
      premises_id: null,
      connection_type: 'ip_camera',
      connection_options: { url: `rtsp://camera-${i + 1}.invalid/stream` },
      runtime_options: {},
      metadata: {},
    }));
    return JSON.stringify(list);
  }

  private deliver(req: IncomingMessage, res: ServerResponse, entry: RequestLogEntry, answer: Answer, fault: Fault | null): void {
    const body = typeof answer.body === 'string' ? Buffer.from(answer.body) : answer.body;
    const headers: Record<string, string> = { ...answer.headers };
    if (!answer.chunked) headers['content-length'] = String(body.length);
    entry.status = answer.status;
    res.writeHead(answer.status, headers);

    if (fault === 'slow') {
      res.flushHeaders();
      let sent = 0;
      const step = (): void => {
        if (res.destroyed) return;
        if (sent >= body.length) {
          res.end();
          return;
        }
        res.write(body.subarray(sent, sent + 1));
        sent++;
        this.later(this.opts.slowByteMs ?? 1000, step);
      };
      this.later(this.opts.slowByteMs ?? 1000, step);
      return;
    }

    if (fault === 'reset') {
      // Let the headers and the first half arrive before cutting the connection.
      res.write(body.subarray(0, Math.max(1, Math.floor(body.length / 2))), () => {
        this.later(RESET_DELAY_MS, () => {
          const socket = req.socket;
          if ('encrypted' in socket) socket.destroy();
          else socket.resetAndDestroy();
        });
      });
      return;
    }

    if (answer.chunked) {
      const chunk = 64 * 1024;
      for (let i = 0; i < body.length; i += chunk) res.write(body.subarray(i, i + chunk));
      res.end();
    } else res.end(body);
  }
}

function checkedStreams(streams: { total: number; analyzed: number }): { total: number; analyzed: number } {
  const { total, analyzed } = streams;
  if (!Number.isSafeInteger(total) || total < 0 || !Number.isSafeInteger(analyzed) || analyzed < 0 || analyzed > total) {
    throw new Error(`streams must be whole numbers with 0 <= analyzed <= total, not ${analyzed} of ${total}`);
  }
  return { total, analyzed };
}

/** Starts one simulated BrainFrame server on 127.0.0.1 (or `host`, another loopback address). */
export async function startSimServer(opts: SimServerOptions = {}): Promise<SimServer> {
  const port = opts.port ?? 0;
  // Tests, benchmarks and the demo never listen on (or make anyone scan) anything but loopback.
  if (opts.host !== undefined && !LOOPBACK.test(opts.host)) throw new Error(`host must be a loopback address 127.x.y.z, not ${opts.host}`);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`port must be 0-65535, not ${port}`);
  if (opts.latencyMs !== undefined && !(opts.latencyMs >= 0)) throw new Error('latencyMs must be at least 0');
  const sim = new Sim(opts);
  await sim.start();
  return sim;
}
