import type { ShallowRef } from 'vue';
import { api, ApiError } from '../api';

/** What a store keeps of its running task: the id once the main process has named it. */
export interface RunningTask {
  /** null until the main process has answered with the id. */
  id: string | null;
  cancelling: boolean;
}

/**
 * A task in the main process (a bulk operation, a scan) started from this window, one at a time.
 * Its id comes with the answer to the start call, and its events may overtake that answer: until
 * the id is known they wait here and are then delivered in order; a cancel asked for meanwhile is
 * sent as soon as the id is known.
 */
export function startedTask<T extends RunningTask, E>(running: ShallowRef<T | null>, deliver: (event: E) => void) {
  let early: E[] = [];
  let cancelWanted = false;

  /**
   * Runs `call` with `initial` as the running task (id null); `named` gives the task once the
   * answer has named it (its id, and the counts the main process knows). A failed start leaves
   * nothing running, and its error reaches the caller.
   */
  async function start<A extends { operationId: string }>(initial: T, call: () => Promise<A>, named: (task: T, answer: A) => T): Promise<void> {
    early = [];
    cancelWanted = false;
    running.value = initial;
    let answer: A;
    try {
      answer = await call();
    } catch (err) {
      running.value = null;
      throw err;
    }
    if (!running.value) return;
    running.value = named(running.value, answer);
    const waiting = early;
    early = [];
    for (const event of waiting) deliver(event);
    if (cancelWanted && running.value?.id === answer.operationId) await cancel();
  }

  /** The running task if the event is its own; while its id is unknown, the event waits. */
  function ownerOf(event: E, operationId: string): T | null {
    const task = running.value;
    if (!task) return null;
    if (task.id === null) {
      early.push(event);
      return null;
    }
    return operationId === task.id ? task : null;
  }

  /** Stops the task: at once when its id is known, else as soon as it is. */
  async function cancel(): Promise<void> {
    const task = running.value;
    if (!task) return;
    running.value = { ...task, cancelling: true };
    if (task.id === null) {
      cancelWanted = true;
      return;
    }
    await cancelOperation(task.id);
  }

  return { start, ownerOf, cancel };
}

/** Cancels an operation or scan by id; one that finished meanwhile is fine: its end is on the way. */
async function cancelOperation(operationId: string): Promise<void> {
  try {
    await api().fleet.cancel({ operationId });
  } catch (err) {
    if (!(err instanceof ApiError && err.kind === 'NotFound')) throw err;
  }
}
