import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { SequencerByKey } from '../../common/async';
import { onUnexpectedError } from '../../common/unexpected';
import { BrainFrameClient } from '../brainframe/client';
import { readStreamUse } from '../brainframe/streams';
import type { StreamUse } from '../../common/streams';
import type { LicenseInfo } from '../../common/license';
import { BrainFrameError, errorSummary, serverAnswered, toErrorInfo, type ErrorInfo } from '../../common/errors';
import { blockingGuards, checkGuards, type GuardCheck, type GuardKind, type LearnedTerms } from '../../common/guards';
import { DEFAULT_CONCURRENCY, DEFAULT_TIMEOUT_MS, SETTING_BOUNDS } from '../../common/settings';
import type { Credentials, KeyRef, Server, OperationCounts, OperationKind, OperationSummary, ProgressEvent, ServerResult } from '../../common/types';
import type { AuditLog } from '../audit/audit-log';
import { versionIsStale, type CheckOutcome, type StatusCache } from '../status/status-cache';
import { RecentLatency, runPooled } from './pool';
import { Emitter, type Disposable, type Event } from '../../common/events';

/** A parked request still waits for its server, but no longer holds a slot; this bounds how many may. */
const MAX_PARKED_FACTOR = 4;
const MIN_PARK_MS = 50;

/** What an operation needs to know of a server. */
export type FleetTarget = Pick<Server, 'id' | 'name' | 'url' | 'site' | 'tlsFingerprint'>;

/** The key to apply: its text stays in the main process; only id, label and fingerprint are reported. */
export interface ApplyKey extends KeyRef {
  text: () => Promise<string>;
}

export interface OperationOptions {
  concurrency?: number;
  timeoutMs?: number;
  /** A refresh also reads each server's streams, in parallel with its license. Default off. */
  streams?: boolean;
}

/** A staged apply: canaries first, then the rest behind the guards. */
export interface ApplyOptions extends OperationOptions {
  /**
   * The first this many targets are canaries: applied first, unguarded; the rest are contacted
   * only when every canary ends valid, else each is reported `Halted`. 0 (default): none.
   */
  canaries?: number;
  /** Lets a failed guard through for one server: --force, or the user's confirmation in the preview. */
  override?: (serverId: string, kind: GuardKind) => boolean;
}

/**
 * What an operation did with one server; the version is null when it was not read, the streams
 * absent when not asked for (null: asked for, but unknown); an apply's guards.
 */
type WorkResult = { license: LicenseInfo; version: string | null; streams?: StreamUse | null; guards?: GuardCheck[] };
type Work = (client: BrainFrameClient, signal: AbortSignal, target: FleetTarget) => Promise<WorkResult>;

/** What fleet operations need of the rest of the core, and nothing more. */
export interface FleetDeps {
  credentials: (serverId: string) => Promise<Credentials | null>;
  cache: Pick<StatusCache, 'get' | 'record' | 'flush'>;
  audit: Pick<AuditLog, 'append'>;
  /** The key library's learned terms: read before each guarded target, told after each valid apply. */
  learned: { get(keyId: string): LearnedTerms | null; learn(keyId: string, learned: LearnedTerms): Promise<void> };
}

/** A guard stopped the apply to this server: the key was not sent. Carries what the server holds. */
class GuardRefusal extends BrainFrameError {
  constructor(
    readonly license: LicenseInfo,
    readonly guards: GuardCheck[],
  ) {
    const blocking = blockingGuards(guards);
    const detail = blocking.map((g) => g.message).join('. ');
    super(blocking[0]!.kind, BrainFrameError.of(blocking[0]!.kind, detail).message);
  }
}

/** An address to try, with the credentials to try it with; `serverId` when it is a registered server. */
export interface ConnectionProbe {
  url: string;
  tlsFingerprint: string | null;
  credentials: Credentials | null;
  serverId?: string;
}

/** A running bulk operation: progress events, a cancel switch, and its summary when done. */
export class Operation implements Disposable {
  readonly id = randomUUID();
  private readonly progress = new Emitter<ProgressEvent>();
  private readonly abort = new AbortController();
  private readonly results = new Map<string, ServerResult>();
  readonly counts: OperationCounts;
  readonly done: Promise<OperationSummary>;
  readonly onDidProgress: Event<ProgressEvent> = this.progress.event;

  constructor(
    readonly kind: OperationKind,
    readonly targets: readonly FleetTarget[],
    readonly key: ApplyKey | null,
    run: (op: Operation, signal: AbortSignal) => Promise<void>,
  ) {
    this.counts = { total: targets.length, done: 0, ok: 0, failed: 0, running: 0 };
    setMaxListeners(0, this.abort.signal); // every request in flight listens for the cancel
    const startedAt = new Date().toISOString();
    // Started on the next tick, so callers can subscribe to progress before the first event.
    this.done = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => run(this, this.abort.signal))
      .then(() => this.summary(startedAt))
      .finally(() => this.progress.dispose());
  }

  /** One server's result, once it has one. */
  resultOf(serverId: string): ServerResult | undefined {
    return this.results.get(serverId);
  }

  get cancelled(): boolean {
    return this.abort.signal.aborted;
  }

  /** Stops new requests and aborts those in flight; servers not reached are reported as cancelled. */
  cancel(): void {
    this.abort.abort();
  }

  dispose(): void {
    this.cancel();
  }

  /** @internal */
  started(serverId: string): void {
    this.counts.running++;
    this.progress.fire({ type: 'started', operationId: this.id, serverId, counts: { ...this.counts } });
  }

  /** Results still being recorded (status, history line) before they are reported. */
  private readonly finishing = new Set<Promise<void>>();

  /**
   * @internal Records and reports one server's result on the event loop's next turn: every answer
   * that arrived meanwhile first gives its pool slot to the next server, so the bookkeeping (status,
   * history, progress) runs while requests are out, not between an answer and the next request.
   * Reports run in the order they were handed in.
   */
  report(record: () => Promise<void>): Promise<void> {
    const reported = new Promise<void>((resolve) => setImmediate(resolve))
      .then(record)
      .catch((err) => onUnexpectedError('reporting a server result', err));
    this.finishing.add(reported);
    void reported.finally(() => this.finishing.delete(reported));
    return reported;
  }

  /** @internal Waits until every result handed to report has been reported. */
  async settled(): Promise<void> {
    while (this.finishing.size > 0) await Promise.all([...this.finishing]);
  }

  /** @internal */
  finished(result: ServerResult, wasRunning: boolean): void {
    this.results.set(result.serverId, result);
    if (wasRunning) this.counts.running--;
    this.counts.done++;
    if (result.ok) this.counts.ok++;
    else this.counts.failed++;
    this.progress.fire({ type: 'finished', operationId: this.id, result, counts: { ...this.counts } });
  }

  private summary(startedAt: string): OperationSummary {
    const { key } = this;
    return {
      id: this.id,
      kind: this.kind,
      key: key && { id: key.id, label: key.label, fingerprint: key.fingerprint },
      cancelled: this.cancelled,
      counts: { ...this.counts },
      results: this.targets.map((t) => this.results.get(t.id)!),
      startedAt,
      finishedAt: new Date().toISOString(),
    };
  }
}

/** A server's client and what it was made for: a new one when any of these changes. */
interface KeptClient {
  url: string;
  tlsFingerprint: string | null;
  username: string | null;
  password: string | null;
  timeoutMs: number;
  client: BrainFrameClient;
}

/**
 * Refresh and apply across many servers at once: a bounded number in flight, one deadline per
 * request, cancellation, per-server progress. A slow or dead server costs only its own timeout.
 * Two operations never talk to the same server at once: each server has a queue of its own.
 */
export class FleetOperations implements Disposable {
  /** Each server's work, queued behind any other operation's work on it. */
  private readonly serverQueues = new SequencerByKey<string>();
  /**
   * One client per server, kept across operations, so its session cookie is used again as
   * BrainFrame's own clients do: Basic once, then the cookie, one re-login when it expires.
   */
  private readonly clients = new Map<string, KeptClient>();
  private readonly running = new Set<Operation>();

  constructor(private readonly deps: FleetDeps) {}

  /**
   * Reads the license of each server, and its version when that is not known fresh
   * (see versionIsStale): one request per server on a steady fleet instead of two. With
   * `streams`, its streams too (readStreamUse: two requests), all sent at once, so a server
   * costs one round trip either way.
   */
  refresh(targets: readonly FleetTarget[], options: OperationOptions = {}): Operation {
    const withStreams = options.streams === true;
    return this.start('refresh', targets, null, options, (all, run) =>
      run(all, async (client, signal, target) => {
        const readVersion = versionIsStale(this.deps.cache.get(target.id));
        const [version, license, streams] = await Promise.all([
          readVersion ? client.getVersion(signal) : null,
          client.getLicense(signal),
          withStreams ? readStreamUse(client, signal) : undefined,
        ]);
        return withStreams ? { license, version, streams } : { license, version };
      }),
    );
  }

  /**
   * Applies one key to each server; `ok` means the server then holds a valid license, whose terms
   * the key library learns. With `canaries`, the first targets go first, and the rest only when
   * every canary ended valid. Every non-canary target passes the guards first (common/guards.ts),
   * on its license read just before, unless they are unknown (then they say so) or overridden.
   */
  apply(key: ApplyKey, targets: readonly FleetTarget[], options: ApplyOptions = {}): Operation {
    let text: Promise<string> | null = null;
    const send: Work = async (client, signal, target) => {
      text ??= key.text();
      const license = await client.setLicenseKey(await text, signal);
      if (license.terms) {
        await this.deps.learned
          .learn(key.id, { terms: license.terms, server: target.name, at: new Date().toISOString() })
          // The key was applied: a library that cannot be saved must not turn that into a failure.
          .catch((err) => onUnexpectedError('recording the terms a key was applied with', err));
      }
      return { license, version: null };
    };
    // What the guards judge by: the terms known once the canaries are done (from them or an earlier
    // apply), the same for every target, not whichever target of this stage happened to answer first.
    let learned: LearnedTerms | null = null;
    const guarded: Work = async (client, signal, target) => {
      // Before any server reported the key's terms, no guard can decide: say so without reading.
      // Otherwise its license and streams, read fresh and at once (readStreamUse: null when unknown).
      const [current, streams] = learned ? await Promise.all([client.getLicense(signal), readStreamUse(client, signal)]) : [null, null];
      const guards = checkGuards({ server: target.name, terms: learned?.terms ?? null, license: current, streams }, (kind) => options.override?.(target.id, kind) ?? false);
      if (current && blockingGuards(guards).length) throw new GuardRefusal(current, guards);
      return { ...(await send(client, signal, target)), guards };
    };
    return this.start('apply', targets, key, options, async (all, run, op) => {
      const canaries = all.slice(0, Math.max(0, Math.floor(options.canaries ?? 0)));
      const rest = all.slice(canaries.length);
      if (canaries.length) await run(canaries, send);
      const failed = canaries.map((t) => op.resultOf(t.id)).find((r) => r && !r.ok);
      // A cancel reports the rest as cancelled (run does); a failed canary as halted, uncontacted.
      learned = this.deps.learned.get(key.id);
      if (failed && !op.cancelled) {
        const reported = failed.error ? `${errorSummary(failed.error.kind)} (${failed.error.kind})` : 'a failure';
        const error = BrainFrameError.of('Halted', `canary ${failed.name} reported ${reported}`).toInfo();
        for (const target of rest) op.finished(this.result(target, null, null, error, null), false);
      } else await run(rest, guarded);
    });
  }

  /** Runs a finished operation again, for the servers that failed only. */
  retry(previous: OperationSummary, targets: readonly FleetTarget[], key: ApplyKey | null, options: OperationOptions = {}): Operation {
    const failed = new Set(previous.results.filter((r) => !r.ok).map((r) => r.serverId));
    const again = targets.filter((t) => failed.has(t.id));
    if (previous.kind === 'apply') {
      if (!key) throw new Error('retrying an apply needs its key');
      return this.apply(key, again, options);
    }
    return this.refresh(again, options);
  }

  /**
   * Reads a server's version and license without recording anything: the "Test connection" of
   * the server dialog. A registered server's test waits its turn behind any operation on it, so
   * two requests never reach one server at once from here. A client of its own, since the address
   * and credentials tried may not be the ones stored.
   */
  testConnection(probe: ConnectionProbe, timeoutMs: number): Promise<{ version: string; license: LicenseInfo }> {
    const test = async () => {
      const client = new BrainFrameClient({ baseUrl: probe.url, credentials: probe.credentials, tlsFingerprint: probe.tlsFingerprint, timeoutMs });
      const [version, license] = await Promise.all([client.getVersion(), client.getLicense()]);
      return { version, license };
    };
    return probe.serverId ? this.serverQueues.queue(probe.serverId, test) : test();
  }

  /** Drops the kept clients (and sessions) of servers no longer registered. */
  forgetClients(registered: ReadonlySet<string>): void {
    for (const id of this.clients.keys()) if (!registered.has(id)) this.clients.delete(id);
  }

  /** Cancels every running operation (at shutdown). */
  cancelAll(): Promise<unknown> {
    for (const op of this.running) op.cancel();
    return Promise.allSettled([...this.running].map((op) => op.done));
  }

  dispose(): void {
    void this.cancelAll();
  }

  private start(
    kind: OperationKind,
    targets: readonly FleetTarget[],
    key: ApplyKey | null,
    options: OperationOptions,
    plan: (targets: readonly FleetTarget[], run: (stage: readonly FleetTarget[], work: Work) => Promise<void>, op: Operation) => Promise<void>,
  ): Operation {
    const { min, max } = SETTING_BOUNDS.concurrency;
    const concurrency = Math.max(min, Math.min(max, Math.floor(options.concurrency ?? DEFAULT_CONCURRENCY)));
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const unique = [...new Map(targets.map((t) => [t.id, t])).values()];
    const latency = new RecentLatency();
    // Park a request once it has taken a fifth longer than 9 in 10 recent answers did: a silent
    // server costs the others little more than an answering one. Until the fleet's pace is known, a second.
    const parkAfterMs = () => {
      const usual = latency.quantile(0.9);
      return Math.min(timeoutMs, usual === null ? 1000 : Math.max(MIN_PARK_MS, 1.2 * usual));
    };
    const op = new Operation(kind, unique, key, async (op, signal) => {
      const run = async (stage: readonly FleetTarget[], work: Work) => {
        const started = await runPooled(stage, { concurrency, maxInFlight: concurrency * MAX_PARKED_FACTOR, parkAfterMs, signal }, async (target) => {
          // The pool slot is free once the server has answered; the server itself stays this
          // operation's until its result is reported (see Operation.report).
          const answeredIn = await new Promise<number | null>((answered) => {
            void this.serverQueues.queue(target.id, () => this.runOne(op, target, signal, timeoutMs, work, answered)).finally(() => answered(null));
          });
          if (answeredIn !== null) latency.add(answeredIn);
        });
        // Servers never reached because of a cancel still get a result, so the summary is complete.
        for (const target of stage.slice(started)) op.finished(this.result(target, null, null, BrainFrameError.of('Cancelled').toInfo(), null), false);
        await op.settled(); // a stage is over when every result in it is reported
      };
      await plan(unique, run, op);
      // The servers' results stand whatever the disk says: a cache that cannot be saved (a full or
      // read-only disk) must not turn them into a failure. Its next save writes every status again.
      await this.deps.cache.flush().catch((err) => onUnexpectedError('saving the status cache after an operation', err));
    });
    this.running.add(op);
    // `done` is the caller's to handle; this bookkeeping must not add an unhandled rejection of its own.
    const forget = () => this.running.delete(op);
    void op.done.then(forget, forget);
    return op;
  }

  private async runOne(
    op: Operation,
    target: FleetTarget,
    signal: AbortSignal,
    timeoutMs: number,
    work: Work,
    answered: (ms: number | null) => void,
  ): Promise<void> {
    if (signal.aborted) {
      op.finished(this.result(target, null, null, BrainFrameError.of('Cancelled').toInfo(), null), false);
      return;
    }
    const startedAt = new Date().toISOString();
    const began = performance.now();
    let answeredIn: number | null = null;
    op.started(target.id);
    // What the answer means for this server's status and result; recorded by op.report, after this
    // server's pool slot has sent the next request.
    let outcome: CheckOutcome;
    let error: ErrorInfo | null = null;
    let guards: GuardCheck[] = [];
    try {
      const client = this.clientFor(target, await this.deps.credentials(target.id), timeoutMs);
      const answer = await work(client, signal, target);
      answeredIn = performance.now() - began;
      const { license, version, streams } = answer;
      outcome = { license, ...(version ? { version } : {}), ...(streams !== undefined ? { streams } : {}) };
      guards = answer.guards ?? [];
    } catch (err) {
      if (err instanceof GuardRefusal) {
        // The server answered with its license; only this key was held back.
        answeredIn = performance.now() - began;
        outcome = { license: err.license };
        error = err.toInfo();
        guards = err.guards;
      } else {
        error = toErrorInfo(err);
        // Only an answer tells the fleet's pace: not a timeout, nor a keychain that failed before any request.
        if (serverAnswered(error.kind)) answeredIn = performance.now() - began;
        outcome = { error };
      }
    }
    answered(answeredIn);
    const key = op.kind === 'apply' ? op.key : null;
    await op.report(async () => {
      const status = this.deps.cache.record(target.id, outcome);
      // After a failed apply the server still holds its previous license: the status says so.
      const result = this.result(target, status.license, status.version, error, startedAt, guards);
      if (outcome.streams !== undefined) result.streams = outcome.streams;
      if (key) {
        // An apply's result is reported after its history line (in order: reports run in turn).
        await this.deps.audit
          .append({
            action: 'license.apply',
            server: { id: target.id, name: target.name, url: target.url },
            key: { id: key.id, label: key.label, fingerprint: key.fingerprint },
            outcome: { ok: result.ok, state: result.ok ? (result.license?.state ?? null) : null, error: result.error },
          })
          // A full disk must not turn a done apply into a failure; the result still reports it.
          .catch((err) => onUnexpectedError('recording a license apply in the history', err));
      }
      op.finished(result, true);
    });
  }

  private result(target: FleetTarget, license: LicenseInfo | null, version: string | null, error: ErrorInfo | null, startedAt: string | null, guards: GuardCheck[] = []): ServerResult {
    return {
      serverId: target.id,
      name: target.name,
      url: target.url,
      site: target.site,
      ok: error === null,
      license,
      version,
      error,
      startedAt,
      finishedAt: new Date().toISOString(),
      guards,
    };
  }

  /** The server's kept client, or a new one when its address, pin, credentials or timeout changed. */
  private clientFor(target: FleetTarget, credentials: Credentials | null, timeoutMs: number): BrainFrameClient {
    const kept = this.clients.get(target.id);
    if (
      kept &&
      kept.url === target.url &&
      kept.tlsFingerprint === target.tlsFingerprint &&
      kept.username === (credentials?.username ?? null) &&
      kept.password === (credentials?.password ?? null) &&
      kept.timeoutMs === timeoutMs
    ) {
      return kept.client;
    }
    const client = new BrainFrameClient({ baseUrl: target.url, credentials, timeoutMs, tlsFingerprint: target.tlsFingerprint });
    this.clients.set(target.id, { url: target.url, tlsFingerprint: target.tlsFingerprint, username: credentials?.username ?? null, password: credentials?.password ?? null, timeoutMs, client });
    return client;
  }
}
