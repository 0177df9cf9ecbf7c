/**
 * Running promise tasks one at a time, as VS Code's `Sequencer` and `SequencerByKey`
 * (src/vs/base/common/async.ts). Runtime-free: usable in the main process, the command line
 * and the renderer alike.
 */

/** Work that starts when called, not before: a queue decides when. */
export type Task<T> = () => Promise<T>;

/**
 * Runs queued tasks one after another: each starts once the one before it has settled. A task
 * that fails rejects its own caller's promise only; the next task runs all the same.
 */
export class Sequencer {
  private current: Promise<unknown> = Promise.resolve();

  queue<T>(task: Task<T>): Promise<T> {
    const run = () => task();
    const next = this.current.then(run, run);
    this.current = next;
    return next;
  }
}

/**
 * A Sequencer per key: tasks of one key run one after another, tasks of different keys
 * independently. A key is forgotten as soon as its queue drains, so many keys cost nothing once idle.
 */
export class SequencerByKey<K> {
  private readonly queues = new Map<K, Promise<unknown>>();

  queue<T>(key: K, task: Task<T>): Promise<T> {
    const run = () => task();
    const before = this.queues.get(key) ?? Promise.resolve();
    const next: Promise<T> = before.then(run, run).finally(() => {
      if (this.queues.get(key) === next) this.queues.delete(key);
    });
    this.queues.set(key, next);
    return next;
  }

  /** The keys with a task queued or running. */
  keys(): IterableIterator<K> {
    return this.queues.keys();
  }
}
