/**
 * An in-memory stand-in for the main process, for component and store tests only: they test
 * the renderer's logic. (The e2e tests drive the real handlers.) Built with the contract's own
 * createBridge, so its shape cannot drift from the preload's.
 */
import { createBridge, type Bridge, type CommandChannel, type EventChannel, type Events, type Input, type Output, type Result } from '../../electron/ipc/contract';
import type { KeyInfo, OperationSummary, Server, ServerStatus, Settings } from '../../electron/ipc/contract';
import type { LicenseInfo } from '../../electron/common/license';

type Handler<C extends CommandChannel> = (input: Input<C>) => Output<C> | Promise<Output<C>>;

let serial = 0;
const uuid = () => `00000000-0000-4000-8000-${String(++serial).padStart(12, '0')}`;

export function makeServer(over: Partial<Server> = {}): Server {
  const id = over.id ?? uuid();
  const name = over.name ?? `server-${id.slice(-4)}`;
  return {
    id,
    name,
    url: `http://10.0.0.${serial % 250}`,
    site: '',
    notes: '',
    tlsFingerprint: null,
    hasCredentials: false,
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:00.000Z',
    ...over,
  };
}

/** A YYYY-MM-DD date `days` from today (local calendar, as the grid counts). */
function dayFromToday(days: number): string {
  const d = new Date();
  d.setDate(d.getDate() + days);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

export function license(state: LicenseInfo['state'], expiresInDays: number | null = 365, maxStreams = 4): LicenseInfo {
  if (state === 'missing' || state === 'invalid') return { state, terms: null };
  return {
    state,
    terms: { online_checkin: false, max_streams: maxStreams, journal_max_allowed_age: 30 * 86_400, expiration_date: expiresInDays === null ? null : dayFromToday(expiresInDays) },
  };
}

export function makeStatus(serverId: string, over: Partial<ServerStatus> = {}): ServerStatus {
  const now = new Date().toISOString();
  return { serverId, license: license('valid'), licenseAt: now, version: '0.30.5', versionAt: now, streams: null, streamsAt: null, reachability: 'online', error: null, checkedAt: now, changes: [], ...over };
}

export class FakeMain {
  servers: Server[] = [];
  statuses: ServerStatus[] = [];
  keys: KeyInfo[] = [];
  settings: Settings = { refreshIntervalMinutes: 15, expiryWarningDays: 30, concurrency: 16, timeoutSeconds: 15, notifications: true, readStreams: true, canaryEnabled: true, canaryCount: 1, canaryPause: false };
  notices: string[] = [];
  /** Every command received, in order. */
  calls: { channel: CommandChannel; input: unknown }[] = [];
  private listeners = new Map<EventChannel, Set<(payload: unknown) => void>>();
  private overrides = new Map<CommandChannel, (input: never) => unknown>();
  readonly bridge: Bridge;

  constructor() {
    this.bridge = createBridge(
      async (channel, input) => this.invoke(channel, input),
      (event, listener) => {
        const set = this.listeners.get(event) ?? new Set();
        this.listeners.set(event, set);
        set.add(listener);
        return () => set.delete(listener);
      },
    );
  }

  /** Replaces one command's behaviour; throwing `{kind, message}` makes it fail. */
  on<C extends CommandChannel>(channel: C, handler: Handler<C>): this {
    this.overrides.set(channel, handler as (input: never) => unknown);
    return this;
  }

  emit<E extends EventChannel>(event: E, payload: Events[E]): void {
    for (const listener of this.listeners.get(event) ?? []) listener(payload);
  }

  callsTo(channel: CommandChannel): unknown[] {
    return this.calls.filter((c) => c.channel === channel).map((c) => c.input);
  }

  private async invoke(channel: CommandChannel, input: unknown): Promise<Result<unknown>> {
    this.calls.push({ channel, input });
    try {
      const override = this.overrides.get(channel);
      const value = override ? await override(input as never) : await this.default(channel, input);
      // Answers cross IPC as copies: a test changing its data later must not reach into the stores.
      return { ok: true, value: value === undefined ? undefined : structuredClone(value) };
    } catch (err) {
      const e = err as { kind?: string; message?: string };
      return { ok: false, error: { kind: e.kind ?? 'UnknownError', message: e.message ?? String(err) } };
    }
  }

  private default(channel: CommandChannel, input: unknown): unknown {
    switch (channel) {
      case 'app.info':
        return { version: 'test', dataDir: '/tmp/x', platform: 'linux', notices: this.notices };
      case 'servers.list':
        return [...this.servers].sort((a, b) => a.name.localeCompare(b.name));
      case 'status.list':
        return this.statuses;
      case 'keys.list':
        return this.keys;
      case 'settings.get':
        return this.settings;
      case 'settings.update':
        this.settings = { ...this.settings, ...(input as Partial<Settings>) };
        return this.settings;
      case 'fleet.apply':
      case 'fleet.refresh':
      case 'fleet.retry':
        return { operationId: 'op-1', counts: { total: 0, done: 0, ok: 0, failed: 0, running: 0 } };
      case 'keys.applications':
        return {};
      case 'history.list':
        return [];
      default:
        return undefined;
    }
  }
}

export function summaryOf(over: Partial<OperationSummary> & Pick<OperationSummary, 'results'>): OperationSummary {
  const ok = over.results.filter((r) => r.ok).length;
  return {
    id: 'op-1',
    kind: 'apply',
    key: { id: 'k1', label: 'Customer A 2026', fingerprint: 'f'.repeat(64) },
    cancelled: false,
    counts: { total: over.results.length, done: over.results.length, ok, failed: over.results.length - ok, running: 0 },
    startedAt: '2025-01-01T00:00:00.000Z',
    finishedAt: '2025-01-01T00:00:01.000Z',
    ...over,
  };
}
