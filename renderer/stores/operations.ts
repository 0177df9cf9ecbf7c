import { defineStore } from 'pinia';
import { computed, shallowRef, triggerRef } from 'vue';
import type { GuardOverride, OperationCounts, OperationStarted, OperationSummary, ProgressEvent } from '../../electron/ipc/contract';
import { errorSummary } from '../../electron/common/errors';
import { api, ApiError } from '../api';
import { startedTask, type RunningTask } from './started-task';
import type { OperationKind } from '../../electron/common/types';

export type LiveState = 'running' | 'ok' | 'failed' | 'cancelled';

/** One server's part in the current (or last) operation, for its grid row. */
export interface LiveStatus {
  state: LiveState;
  label: string;
}

export interface RunningOperation extends RunningTask {
  kind: OperationKind;
  keyLabel: string | null;
  counts: OperationCounts;
}

/** How an apply is staged: its canaries (ids, tried first), whether to pause after them, confirmed guards. */
export interface ApplyPlan {
  canaryIds?: readonly string[];
  pause?: boolean;
  overrides?: GuardOverride[];
}

/** A rollout stopped after its canaries on purpose: what "Continue" applies, and to which servers. */
export interface PausedRollout {
  keyId: string;
  keyLabel: string;
  serverIds: string[];
  overrides: GuardOverride[];
}

const RUNNING_LABEL: Record<OperationKind, string> = { apply: 'applying…', refresh: 'reading…' };
const OK_LABEL: Record<OperationKind, string> = { apply: 'applied', refresh: 'read' };

/**
 * Bulk operations started from this window: one at a time, its live progress per server, and
 * its one summary at the end. Events may overtake the answer that names the operation, so
 * they wait until it is known.
 */
export const useOperationsStore = defineStore('operations', () => {
  const running = shallowRef<RunningOperation | null>(null);
  /** Per server; mutated in place (5,000 events cost 5,000 map writes, not copies), re-rendered once a frame. */
  const live = shallowRef(new Map<string, LiveStatus>());
  const summary = shallowRef<OperationSummary | null>(null);
  /** Set when the last operation was the canaries of a paused rollout: the rest, waiting for the user. */
  const paused = shallowRef<PausedRollout | null>(null);
  let pausing: PausedRollout | null = null;
  let frameQueued = false;
  const task = startedTask<RunningOperation, ProgressEvent | OperationSummary>(running, (event) => ('type' in event ? onProgress(event) : onDone(event)));

  /** Re-renders the grid's live column at most once a frame, however many events arrive. */
  function liveChanged(): void {
    if (frameQueued) return;
    frameQueued = true;
    requestAnimationFrame(() => {
      frameQueued = false;
      triggerRef(live);
    });
  }

  const busy = computed(() => running.value !== null);
  const hasLive = computed(() => live.value.size > 0);

  /**
   * Applies a key to these servers. With canaries, the main process tries them first and goes on
   * only when all end valid; with `pause`, only the canaries run now, and `continueRollout` sends
   * the rest when the user says so.
   */
  async function apply(keyId: string, serverIds: readonly string[], keyLabel: string, plan: ApplyPlan = {}): Promise<void> {
    const canaries = plan.canaryIds ?? [];
    const overrides = plan.overrides ?? [];
    if (plan.pause && canaries.length && canaries.length < serverIds.length) {
      const first = new Set(canaries);
      const rest = { keyId, keyLabel, serverIds: serverIds.filter((id) => !first.has(id)), overrides };
      await start('apply', keyLabel, canaries.length, () => api().fleet.apply({ keyId, serverIds: [...canaries], canaries: canaries.length, overrides }));
      pausing = rest;
      if (summary.value) paused.value = rest; // it finished before the answer came
      return;
    }
    const staged = canaries.length ? { canaries: canaries.length } : {};
    return start('apply', keyLabel, serverIds.length, () => api().fleet.apply({ keyId, serverIds: [...serverIds], ...staged, ...(overrides.length && { overrides }) }));
  }

  /** Applies the key of a paused rollout to the servers after its canaries, behind the guards. */
  function continueRollout(): Promise<void> {
    const rest = paused.value;
    if (!rest) return Promise.reject(new ApiError('NotFound', 'There is no paused rollout to continue.'));
    return apply(rest.keyId, rest.serverIds, rest.keyLabel, { overrides: rest.overrides });
  }

  function refresh(serverIds: readonly string[]): Promise<void> {
    return start('refresh', null, serverIds.length, () => api().fleet.refresh({ serverIds: [...serverIds] }));
  }

  /** Runs the last operation again for its failures (the main process knows which). */
  function retryFailed(): Promise<void> {
    const last = summary.value;
    if (!last) return Promise.reject(new ApiError('NotFound', 'There is no finished operation to retry.'));
    const failed = last.results.filter((r) => !r.ok).length;
    return start(last.kind, last.key?.label ?? null, failed, () => api().fleet.retry({ operationId: last.id }));
  }

  async function start(kind: OperationKind, keyLabel: string | null, total: number, call: () => Promise<OperationStarted>): Promise<void> {
    if (running.value) throw new ApiError('Busy', 'Another operation is still running: wait for it to finish, or cancel it.');
    summary.value = null;
    paused.value = null;
    pausing = null;
    live.value = new Map();
    const initial = { id: null, kind, keyLabel, counts: { total, done: 0, ok: 0, failed: 0, running: 0 }, cancelling: false };
    await task.start(initial, call, (op, started: OperationStarted) => ({ ...op, id: started.operationId, counts: started.counts }));
  }

  function onProgress(event: ProgressEvent): void {
    const op = task.ownerOf(event, event.operationId);
    if (!op) return;
    if (event.type === 'started') live.value.set(event.serverId, { state: 'running', label: RUNNING_LABEL[op.kind] });
    else live.value.set(event.result.serverId, resultStatus(op.kind, event.result.ok, event.result.error?.kind));
    liveChanged();
    running.value = { ...op, counts: event.counts };
  }

  function onDone(done: OperationSummary): void {
    if (!task.ownerOf(done, done.id)) return;
    for (const r of done.results) live.value.set(r.serverId, resultStatus(done.kind, r.ok, r.error?.kind));
    triggerRef(live);
    running.value = null;
    summary.value = done;
    paused.value = pausing;
  }

  /** Stops new requests and aborts those in flight. */
  const cancel = task.cancel;

  /** Closes the summary and clears the per-row results. */
  function dismiss(): void {
    summary.value = null;
    paused.value = null;
    pausing = null;
    live.value = new Map();
  }

  return { running, live, summary, paused, busy, hasLive, apply, continueRollout, refresh, retryFailed, onProgress, onDone, cancel, dismiss };
});

function resultStatus(kind: OperationKind, ok: boolean, errorKind: string | undefined): LiveStatus {
  if (ok) return { state: 'ok', label: OK_LABEL[kind] };
  if (errorKind === 'Cancelled') return { state: 'cancelled', label: 'cancelled' };
  return { state: 'failed', label: errorSummary(errorKind ?? 'UnknownError') };
}
