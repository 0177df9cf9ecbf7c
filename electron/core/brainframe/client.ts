import type { AxiosResponse } from 'axios';
import http from 'node:http';
import type { z } from 'zod';
import { BrainFrameError } from '../../common/errors';
import { normaliseKeyText } from './key-text';
import { errorBodySchema, licenseInfoSchema, versionSchema } from './license';
import { streamConfigurationsSchema, zoneStatusesSchema } from './streams';
import type { LicenseInfo } from '../../common/license';
import { normaliseFingerprint, normaliseServerUrl } from '../../common/server-url';
import { DEFAULT_TIMEOUT_MS } from '../../common/settings';
import { excerpt } from '../../common/text';
import type { Credentials } from '../../common/types';
import { VerifyingHttpsAgent } from './tls-pin';

const MAX_BODY_BYTES = 1024 * 1024;

export interface ClientOptions {
  baseUrl: string;
  credentials?: Credentials | null;
  /** One deadline per request, covering connect and the whole body. */
  timeoutMs?: number;
  /** SHA-256 fingerprint of the server's own (typically self-signed) certificate. */
  tlsFingerprint?: string | null;
}

/** One request as the transport takes it: everything else is fixed for every server. */
interface TransportRequest {
  baseURL: string;
  url: string;
  method: string;
  data: string | undefined;
  headers: Record<string, string>;
  httpsAgent: VerifyingHttpsAgent | undefined;
  signal: AbortSignal;
}
type Transport = (request: TransportRequest) => Promise<AxiosResponse<string>>;

/**
 * axios's own http adapter, imported alone: the package's index would also load its fetch and XHR
 * adapters (the fetch one wakes Node's undici, ~20 ms before the first request), request merging
 * and interceptors, none of which a license call uses. Each request is one object of the options
 * the adapter reads, built in one go; `axios.request` would merge defaults into every request and
 * run the (identity) transforms: CPU spent on a fleet between one answer and the next request.
 * The adapter still does the request itself (limits, redirects, errors). It is loaded on the first
 * request, not at start-up: most command-line calls (list, add, keys) never send one. The bench's
 * anchor pool sends through it too, to show what axios by itself costs against bare Node.
 */
let transport: Promise<Transport> | null = null;
export function loadTransport(): Promise<Transport> {
  transport ??= import('axios/lib/adapters/http.js').then(({ default: httpAdapter }) => {
    const httpAgent = new http.Agent({ keepAlive: false });
    return (request) =>
      httpAdapter({
        ...request,
        maxRedirects: 0, // credentials must never follow a redirect to another origin
        maxContentLength: MAX_BODY_BYTES,
        maxBodyLength: MAX_BODY_BYTES,
        responseType: 'text', // parse ourselves: non-JSON is a BadResponse, not a string
        validateStatus: everyStatus,
        httpAgent,
        proxy: false, // site networks: talk to the appliance directly, never through an environment proxy
      }) as Promise<AxiosResponse<string>>;
  });
  return transport;
}

/** Statuses are ours to judge (parse), not the adapter's. */
const everyStatus = () => true;

/**
 * One BrainFrame server's license API, spoken as BrainFrame's own clients speak it:
 * HTTP Basic on the first request, then the `session_id` cookie, one re-login on
 * InvalidSessionError. Every failure is a BrainFrameError; nothing else escapes.
 */
export class BrainFrameClient {
  readonly baseUrl: string;
  /** The certificate pin for https (null: the normal verification); undefined over http. */
  private readonly tlsPin: string | null | undefined;
  private readonly credentials: Credentials | null;
  private readonly timeoutMs: number;
  private sessionCookie: string | null = null;

  constructor(options: ClientOptions) {
    this.baseUrl = normaliseServerUrl(options.baseUrl);
    this.credentials = options.credentials ?? null;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const pin = options.tlsFingerprint ? normaliseFingerprint(options.tlsFingerprint) : null;
    this.tlsPin = this.baseUrl.startsWith('https:') ? pin : undefined;
  }

  /** The server's license as it stands. */
  getLicense(signal?: AbortSignal): Promise<LicenseInfo> {
    return this.call('GET', '/api/license', licenseInfoSchema, undefined, signal);
  }

  /**
   * Replaces the server's key. Resolves with the license the server then holds, only when that
   * license is valid; a key the server did not take rejects, with the server's own error kind
   * or with the state it reported.
   */
  async setLicenseKey(keyText: string, signal?: AbortSignal): Promise<LicenseInfo> {
    const key = normaliseKeyText(keyText);
    const info = await this.call('PUT', '/api/license', licenseInfoSchema, key, signal);
    if (info.state !== 'valid') {
      const kind = info.state === 'expired' ? 'LicenseExpiredError' : 'LicenseInvalidError';
      throw BrainFrameError.of(kind, `the server accepted the upload but reports its license as ${info.state}`);
    }
    return info;
  }

  /** The BrainFrame version string, e.g. "0.30.5". */
  getVersion(signal?: AbortSignal): Promise<string> {
    return this.call('GET', '/api/version', versionSchema, undefined, signal);
  }

  /** The configured streams (GET /api/streams), as id and name; see readStreamUse. */
  getStreamConfigurations(signal?: AbortSignal): Promise<Array<{ id: number; name: string }>> {
    return this.call('GET', '/api/streams', streamConfigurationsSchema, undefined, signal);
  }

  /** The ids of the streams being analysed: the keys of GET /api/streams/status. */
  getAnalyzedStreamIds(signal?: AbortSignal): Promise<number[]> {
    return this.call('GET', '/api/streams/status', zoneStatusesSchema, undefined, signal);
  }

  private async call<S extends z.ZodType>(
    method: 'GET' | 'PUT',
    path: string,
    schema: S,
    body: string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<z.output<S>> {
    const usedCookie = this.sessionCookie !== null;
    let response = await this.send(method, path, body, signal);
    if (usedCookie && this.errorTitle(response) === 'InvalidSessionError' && this.credentials) {
      this.sessionCookie = null; // the session ended: log in again with Basic, once
      response = await this.send(method, path, body, signal);
    }
    return this.parse(response, schema);
  }

  private async send(method: string, path: string, body: string | undefined, signal: AbortSignal | undefined): Promise<AxiosResponse<string>> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/base64';
    if (this.sessionCookie) headers.Cookie = `session_id=${this.sessionCookie}`;
    else if (this.credentials) {
      headers.Authorization = `Basic ${Buffer.from(`${this.credentials.username}:${this.credentials.password}`).toString('base64')}`;
    }
    // One controller for the deadline and the caller's cancel (cheaper than AbortSignal.any per request).
    const abort = new AbortController();
    let timedOut = false;
    const deadline = setTimeout(() => {
      timedOut = true;
      abort.abort();
    }, this.timeoutMs);
    const cancel = () => abort.abort();
    signal?.addEventListener('abort', cancel, { once: true });
    if (signal?.aborted) abort.abort();
    try {
      const response = await (await loadTransport())({
        baseURL: this.baseUrl,
        method,
        url: path,
        data: body,
        headers,
        // Per request: it closes a socket still in its TLS handshake when this request is aborted.
        httpsAgent: this.tlsPin === undefined ? undefined : new VerifyingHttpsAgent(this.tlsPin, abort.signal),
        signal: abort.signal,
      });
      this.keepSession(response);
      return response;
    } catch (err) {
      throw this.transportError(err, timedOut, signal);
    } finally {
      clearTimeout(deadline);
      signal?.removeEventListener('abort', cancel);
    }
  }

  private keepSession(response: AxiosResponse): void {
    const cookies = response.headers['set-cookie'] ?? [];
    for (const cookie of cookies) {
      const match = /^\s*session_id=([^;]*)/.exec(cookie);
      if (match) this.sessionCookie = match[1] || null;
    }
  }

  private errorTitle(response: AxiosResponse<string>): string | null {
    if (response.status < 400) return null;
    return parseErrorBody(response.data)?.title ?? null;
  }

  private parse<S extends z.ZodType>(response: AxiosResponse<string>, schema: S): z.output<S> {
    const { status, data } = response;
    if (status === 502) throw BrainFrameError.of('ServerNotReady', null, status);
    if (status >= 400) {
      // Title and description are printable and short already (errorBodySchema).
      const error = parseErrorBody(data);
      if (error) throw BrainFrameError.of(error.title, error.description, status);
      throw BrainFrameError.of('UnknownError', `HTTP ${status}${excerpt(data) ? `, body "${excerpt(data)}"` : ' with an empty body'}`, status);
    }
    if (status >= 300) {
      const location = String(response.headers.location ?? 'nowhere');
      throw BrainFrameError.of('BadResponse', `HTTP ${status} redirect to ${excerpt(location)}, which is not followed`, status);
    }
    if (status !== 200) throw BrainFrameError.of('BadResponse', `HTTP ${status} where 200 was expected`, status);
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      throw BrainFrameError.of('BadResponse', `the body is not JSON: "${excerpt(data)}"`, status);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw BrainFrameError.of('BadResponse', `unexpected JSON (${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'})`, status);
    }
    return parsed.data;
  }

  private transportError(err: unknown, timedOut: boolean, signal: AbortSignal | undefined): BrainFrameError {
    if (signal?.aborted) return BrainFrameError.of('Cancelled');
    if (timedOut) return BrainFrameError.of('Timeout', `no complete answer from ${this.baseUrl} within ${formatSeconds(this.timeoutMs)}`);
    const cause = isAxiosError(err) ? ((err.cause as Error | undefined) ?? err) : err;
    if (cause instanceof BrainFrameError) return cause; // a TLS verdict from the agent
    const code = (err as { code?: string }).code ?? (cause as { code?: string })?.code ?? '';
    // OS and TLS messages can quote the server's certificate (its names): printable text only.
    const message = excerpt(cause instanceof Error ? cause.message : String(cause), 500);
    if (/maxContentLength/.test(message)) {
      return BrainFrameError.of('BadResponse', `the answer is larger than ${MAX_BODY_BYTES / 1024} KiB`);
    }
    if (/CERT|SSL|TLS|EPROTO|SELF_SIGNED|HOSTNAME|ALTNAME/i.test(code) || /certificate|handshake/i.test(message)) {
      return BrainFrameError.of('TlsError', message);
    }
    const reason = NETWORK_REASONS[code] ?? message;
    return BrainFrameError.of('Unreachable', `${this.baseUrl}: ${reason}`);
  }
}

const NETWORK_REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused (nothing is listening on that port)',
  ECONNRESET: 'the connection was reset',
  ENOTFOUND: 'the host name could not be resolved',
  EAI_AGAIN: 'the host name could not be resolved (DNS did not answer)',
  EHOSTUNREACH: 'no route to the host',
  ENETUNREACH: 'the network is unreachable',
  ETIMEDOUT: 'the connection timed out',
  EPIPE: 'the connection was closed while sending',
  ERR_BAD_RESPONSE: 'the answer was cut off',
};

/** axios marks its errors so; `instanceof` would need the module loaded here. */
function isAxiosError(err: unknown): err is Error & { cause?: unknown } {
  return typeof err === 'object' && err !== null && (err as { isAxiosError?: unknown }).isAxiosError === true;
}

function parseErrorBody(data: string): z.output<typeof errorBodySchema> | null {
  try {
    const parsed = errorBodySchema.safeParse(JSON.parse(data));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}
