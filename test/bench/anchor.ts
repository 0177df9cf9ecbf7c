/**
 * The anchor every fleet figure is compared with: a bare Node `http` pool over the same servers
 * with the same concurrency, in the same run. No library, no keep-alive, no retries: one request
 * per server, its JSON parsed and dropped, the next request sent the moment one answers. This is
 * the runtime's own limit for the job; our figures are printed as a ratio to it.
 *
 * The same pool can send each request through the transport our client uses (axios's http
 * adapter, configured as in client.ts) and nothing else: what keeping axios costs by itself.
 */
import { setMaxListeners } from 'node:events';
import http from 'node:http';
import { loadTransport } from '../../electron/core/brainframe/client';

export interface AnchorRequest {
  method?: 'GET' | 'PUT';
  path: string;
  body?: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

/** Sends one request and resolves when its answer is read (or it failed): never rejects. */
type Send = (url: string, request: AnchorRequest) => Promise<void>;

/**
 * Milliseconds to send the requests to every URL with at most `concurrency` servers in hand at
 * once; several requests to one server go out together, as a first refresh reads license and version.
 */
export function barePool(urls: readonly string[], concurrency: number, ...requests: AnchorRequest[]): Promise<number> {
  return pool(urls, concurrency, requests, bare);
}

/** The same pool, each request through our client's axios transport. */
export async function axiosPool(urls: readonly string[], concurrency: number, ...requests: AnchorRequest[]): Promise<number> {
  const transport = await loadTransport();
  // Our client always hands the adapter a signal (its deadline); one shared here, listened to by each request.
  const never = new AbortController().signal;
  setMaxListeners(0, never);
  const send: Send = (url, request) =>
    transport({ baseURL: url, url: request.path, method: request.method ?? 'GET', data: request.body, headers: { Accept: 'application/json', ...request.headers }, httpsAgent: undefined, signal: never }).then(
      (response) => dropJson(response.data),
      () => undefined,
    );
  return pool(urls, concurrency, requests, send);
}

function pool(urls: readonly string[], concurrency: number, requests: AnchorRequest[], send: Send): Promise<number> {
  const began = performance.now();
  let next = 0;
  let active = 0;
  return new Promise((resolve) => {
    const pump = () => {
      while (active < concurrency && next < urls.length) {
        active++;
        const url = urls[next++]!;
        void Promise.all(requests.map((request) => send(url, request))).finally(() => {
          active--;
          if (next >= urls.length && active === 0) resolve(performance.now() - began);
          else pump();
        });
      }
    };
    pump();
  });
}

function bare(url: string, request: AnchorRequest): Promise<void> {
  return new Promise((resolve) => {
    const headers: Record<string, string> = { Accept: 'application/json', ...request.headers };
    if (request.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(request.body));
    const req = http.request(new URL(request.path, url), { method: request.method ?? 'GET', headers, agent: false, timeout: request.timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        dropJson(Buffer.concat(chunks).toString('utf8'));
        resolve();
      });
      res.on('error', () => resolve());
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve());
    req.end(request.body);
  });
}

function dropJson(text: string): void {
  try {
    JSON.parse(text);
  } catch {
    // dropped all the same: the anchor measures the transport, not the answers
  }
}
