import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { toErrorInfo } from '../../common/errors';
import { compareFound, discoveryUrl, type DiscoveryCounts, type FoundServer } from '../../common/discovery';
import { Emitter, type Disposable, type Event } from '../../common/events';
import { BrainFrameClient } from '../brainframe/client';
import { runPooled } from '../fleet/pool';

/** What one probe learned; null when what answered (if anything) is not BrainFrame. */
export type ProbeVerdict = Pick<FoundServer, 'url' | 'host' | 'port' | 'version' | 'auth' | 'ready'>;

/**
 * Asks `GET /api/version` at one address and port over http, the way the product talks to any
 * server (BrainFrameClient: no redirects followed, no proxy, a bounded body, one deadline), and
 * with no credentials at all: a fresh client holds no password and no session cookie.
 * - a JSON string: BrainFrame with authorization off, so anyone on the network is admin there;
 * - 401 `UnauthorizedError`: BrainFrame asking for a login; its version is not told;
 * - 502: BrainFrame's proxy, while the services start;
 * - anything else (refused, no answer in time, another web server, a non-JSON 200): not BrainFrame.
 */
export async function probe(host: string, port: number, timeoutMs: number, signal?: AbortSignal): Promise<ProbeVerdict | null> {
  const url = discoveryUrl(host, port);
  const client = new BrainFrameClient({ baseUrl: url, credentials: null, timeoutMs });
  try {
    const version = await client.getVersion(signal);
    return { url, host, port, version, auth: 'none', ready: true };
  } catch (err) {
    switch (toErrorInfo(err).kind) {
      case 'UnauthorizedError':
        return { url, host, port, version: null, auth: 'required', ready: true };
      case 'ServerNotReady':
        return { url, host, port, version: null, auth: 'unknown', ready: false };
      default:
        return null;
    }
  }
}

export interface DiscoveryOptions {
  ports: readonly number[];
  timeoutMs: number;
  /** Probes in flight at once. */
  concurrency: number;
  /** The name of the registered server at this address, or null: looked up as each is found. */
  registeredName: (url: string) => string | null;
}

export interface DiscoverySummary {
  id: string;
  cancelled: boolean;
  counts: DiscoveryCounts;
  /** By address, then port. */
  found: FoundServer[];
}

/**
 * One scan: every address at every port, at most `concurrency` probes at once, each bounded by
 * the timeout, so a /24 at one port takes at most ceil(254 / concurrency) timeouts. Found servers
 * and progress stream out as they come; cancel stops new probes and aborts those in flight.
 */
export class Discovery implements Disposable {
  readonly id = randomUUID();
  readonly counts: DiscoveryCounts;
  readonly done: Promise<DiscoverySummary>;
  private readonly abort = new AbortController();
  private readonly found: FoundServer[] = [];
  private readonly onFind = new Emitter<FoundServer>();
  private readonly onProgress = new Emitter<DiscoveryCounts>();
  /** A server answered as BrainFrame. */
  readonly onDidFind: Event<FoundServer> = this.onFind.event;
  /** A probe finished, whatever it found. */
  readonly onDidProgress: Event<DiscoveryCounts> = this.onProgress.event;

  constructor(hosts: readonly string[], options: DiscoveryOptions) {
    const { ports, timeoutMs, concurrency, registeredName } = options;
    this.counts = { total: hosts.length * ports.length, probed: 0, found: 0 };
    setMaxListeners(0, this.abort.signal); // every probe in flight listens for the cancel
    const signal = this.abort.signal;
    const probes = Array.from({ length: this.counts.total }, (_, i) => i);
    // Started on the next tick, so callers can subscribe before the first event.
    this.done = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() =>
        runPooled(probes, { concurrency, maxInFlight: concurrency, parkAfterMs: () => 2 * timeoutMs + 1000, signal }, async (i) => {
          const verdict = await probe(hosts[Math.floor(i / ports.length)]!, ports[i % ports.length]!, timeoutMs, signal);
          if (signal.aborted) return; // a probe cut short says nothing of its address
          this.counts.probed++;
          if (verdict) {
            const name = registeredName(verdict.url);
            const server: FoundServer = { ...verdict, registered: name !== null, name };
            this.found.push(server);
            this.counts.found++;
            this.onFind.fire(server);
          }
          this.onProgress.fire({ ...this.counts });
        }),
      )
      .then(() => ({ id: this.id, cancelled: signal.aborted, counts: { ...this.counts }, found: [...this.found].sort(compareFound) }))
      .finally(() => {
        this.onFind.dispose();
        this.onProgress.dispose();
      });
  }

  get cancelled(): boolean {
    return this.abort.signal.aborted;
  }

  /** Stops new probes and aborts those in flight. */
  cancel(): void {
    this.abort.abort();
  }

  dispose(): void {
    this.cancel();
  }
}
