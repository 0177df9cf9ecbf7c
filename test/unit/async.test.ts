import { describe, expect, it, vi } from 'vitest';
import { Sequencer, SequencerByKey } from '../../electron/common/async';
import { DisposableStore, Emitter, toDisposable } from '../../electron/common/events';

/** A promise settled from outside, to hold a task at a chosen point. */
function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets every queued microtask and promise callback run. */
const settle = () => new Promise((r) => setImmediate(r));

describe('Sequencer', () => {
  it('runs tasks one after another, in the order queued, each starting once the one before settled', async () => {
    const sequencer = new Sequencer();
    const log: string[] = [];
    const gates = [deferred(), deferred(), deferred()];
    const results = gates.map((gate, i) =>
      sequencer.queue(async () => {
        log.push(`start ${i}`);
        await gate.promise;
        log.push(`end ${i}`);
        return i;
      }),
    );
    await settle();
    expect(log).toEqual(['start 0']);
    gates[2]!.resolve(); // a later task's gate opening early changes nothing
    gates[1]!.resolve();
    await settle();
    expect(log).toEqual(['start 0']);
    gates[0]!.resolve();
    expect(await Promise.all(results)).toEqual([0, 1, 2]);
    expect(log).toEqual(['start 0', 'end 0', 'start 1', 'end 1', 'start 2', 'end 2']);
  });

  it('gives a failed task’s caller its rejection and still runs the next task', async () => {
    const sequencer = new Sequencer();
    const failing = sequencer.queue(async () => {
      throw new Error('disk full');
    });
    const throwingAtOnce = sequencer.queue(() => {
      throw new Error('thrown before any promise');
    });
    const next = sequencer.queue(async () => 'ran');
    await expect(failing).rejects.toThrow('disk full');
    await expect(throwingAtOnce).rejects.toThrow('thrown before any promise');
    await expect(next).resolves.toBe('ran');
  });

  it('does not start a task before it is its turn, even when queued from inside another', async () => {
    const sequencer = new Sequencer();
    const log: string[] = [];
    let inner: Promise<void> | undefined;
    await sequencer.queue(async () => {
      inner = sequencer.queue(async () => void log.push('inner'));
      await settle();
      log.push('outer');
    });
    await inner;
    expect(log).toEqual(['outer', 'inner']);
  });
});

describe('SequencerByKey', () => {
  it('runs the tasks of one key one after another', async () => {
    const sequencer = new SequencerByKey<string>();
    const log: string[] = [];
    const gate = deferred();
    const first = sequencer.queue('a', async () => {
      log.push('a1 start');
      await gate.promise;
      log.push('a1 end');
    });
    const second = sequencer.queue('a', async () => void log.push('a2'));
    await settle();
    expect(log).toEqual(['a1 start']);
    gate.resolve();
    await Promise.all([first, second]);
    expect(log).toEqual(['a1 start', 'a1 end', 'a2']);
  });

  it('runs different keys independently and at the same time', async () => {
    const sequencer = new SequencerByKey<string>();
    const gateA = deferred();
    let running = 0;
    let maxRunning = 0;
    const task = (gate: Promise<void>) => async () => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      await gate;
      running--;
    };
    const a = sequencer.queue('a', task(gateA.promise));
    const b = sequencer.queue('b', task(Promise.resolve()));
    // b finishes while a is still held: a slow key holds up no other.
    await b;
    expect(maxRunning).toBe(2);
    expect([...sequencer.keys()]).toEqual(['a']);
    gateA.resolve();
    await a;
  });

  it('gives a failed task’s caller its rejection and still runs the next task of its key', async () => {
    const sequencer = new SequencerByKey<number>();
    const failing = sequencer.queue(1, async () => {
      throw new Error('refused');
    });
    const next = sequencer.queue(1, async () => 'ran');
    await expect(failing).rejects.toThrow('refused');
    await expect(next).resolves.toBe('ran');
  });

  it('forgets a key once its queue drains, whether its last task succeeded or failed', async () => {
    const sequencer = new SequencerByKey<string>();
    const gate = deferred();
    const first = sequencer.queue('a', () => gate.promise);
    const last = sequencer.queue('a', async () => {
      throw new Error('last one fails');
    });
    const other = sequencer.queue('b', async () => undefined);
    expect([...sequencer.keys()].sort()).toEqual(['a', 'b']);
    await other;
    expect([...sequencer.keys()]).toEqual(['a']);
    gate.resolve();
    await first;
    expect([...sequencer.keys()]).toEqual(['a']); // its second task is still to run
    await expect(last).rejects.toThrow('last one fails');
    expect([...sequencer.keys()]).toEqual([]);
    // A key used again starts a fresh queue.
    await expect(sequencer.queue('a', async () => 'again')).resolves.toBe('again');
    expect([...sequencer.keys()]).toEqual([]);
  });
});

describe('DisposableStore', () => {
  it('returns what it adds, and disposes each once, in the order added, however often it is disposed', () => {
    const store = new DisposableStore();
    const log: string[] = [];
    const first = toDisposable(() => log.push('first'));
    expect(store.add(first)).toBe(first);
    store.add({ dispose: () => void log.push('second') });
    store.add(first); // the same one twice is still disposed once
    expect(store.isDisposed).toBe(false);
    store.dispose();
    store.dispose();
    expect(log).toEqual(['first', 'second']);
    expect(store.isDisposed).toBe(true);
  });

  it('disposes at once whatever is added after it was disposed', () => {
    const store = new DisposableStore();
    store.dispose();
    const late = { dispose: vi.fn() };
    expect(store.add(late)).toBe(late);
    expect(late.dispose).toHaveBeenCalledTimes(1);
    store.dispose();
    expect(late.dispose).toHaveBeenCalledTimes(1);
  });

  it('disposes every item even when one throws, then throws that error', () => {
    const store = new DisposableStore();
    const after = { dispose: vi.fn() };
    store.add(
      toDisposable(() => {
        throw new Error('stuck');
      }),
    );
    store.add(after);
    expect(() => store.dispose()).toThrow('stuck');
    expect(after.dispose).toHaveBeenCalledTimes(1);
  });

  it('ends subscriptions, so a disposed owner hears no more events', () => {
    const emitter = new Emitter<number>();
    const store = new DisposableStore();
    const heard: number[] = [];
    store.add(emitter.event((n) => heard.push(n)));
    emitter.fire(1);
    store.dispose();
    emitter.fire(2);
    expect(heard).toEqual([1]);
  });
});

describe('toDisposable', () => {
  it('runs its function on the first dispose only', () => {
    const fn = vi.fn();
    const disposable = toDisposable(fn);
    disposable.dispose();
    disposable.dispose();
    expect(fn).toHaveBeenCalledTimes(1);
  });
});

describe('Emitter', () => {
  it('gives each subscription its own disposer, even for the same function twice', () => {
    const emitter = new Emitter<string>();
    const heard: string[] = [];
    const listener = (value: string) => void heard.push(value);
    const one = emitter.event(listener);
    emitter.event(listener);
    emitter.fire('a');
    one.dispose();
    emitter.fire('b');
    expect(heard).toEqual(['a', 'a', 'b']);
  });

  it('hands a throwing listener’s error to onListenerError and still tells the rest', () => {
    const errors: unknown[] = [];
    const emitter = new Emitter<void>({ onListenerError: (err) => errors.push(err) });
    let told = 0;
    emitter.event(() => {
      throw new Error('broken');
    });
    emitter.event(() => told++);
    expect(() => emitter.fire()).not.toThrow();
    expect(told).toBe(1);
    expect(errors).toEqual([new Error('broken')]);
  });

  it('without onListenerError, lets a listener’s error reach the caller of fire()', () => {
    const emitter = new Emitter<void>();
    emitter.event(() => {
      throw new Error('broken');
    });
    expect(() => emitter.fire()).toThrow('broken');
  });
});
