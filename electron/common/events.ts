/** Something that holds a listener, timer or resource until disposed. */
export interface Disposable {
  dispose(): void;
}

/** A Disposable that runs `fn` on its first dispose() and does nothing on any later one. */
export function toDisposable(fn: () => void): Disposable {
  let disposed = false;
  return {
    dispose: () => {
      if (disposed) return;
      disposed = true;
      fn();
    },
  };
}

/**
 * Holds disposables to dispose together, as VS Code's (src/vs/base/common/lifecycle.ts): in place
 * of a hand-kept array of subscriptions. Disposing it disposes each once, in the order added; one
 * that throws does not stop the others, and its error is thrown once all are done. Anything added
 * after that is disposed at once, so nothing registered late outlives its owner.
 */
export class DisposableStore implements Disposable {
  private readonly items = new Set<Disposable>();
  private disposed = false;

  get isDisposed(): boolean {
    return this.disposed;
  }

  add<D extends Disposable>(item: D): D {
    if ((item as Disposable) === this) throw new Error('A DisposableStore cannot hold itself.');
    if (this.disposed) item.dispose();
    else this.items.add(item);
    return item;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const items = [...this.items];
    this.items.clear();
    const errors: unknown[] = [];
    for (const item of items) {
      try {
        item.dispose();
      } catch (err) {
        errors.push(err);
      }
    }
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new AggregateError(errors, 'Several disposables failed to dispose.');
  }
}

export type Event<T> = (listener: (value: T) => void) => Disposable;

export interface EmitterOptions {
  /**
   * Where a throwing listener's error goes; the other listeners are still told. Without it, the
   * error reaches fire()'s caller and the listeners after it are not told.
   */
  onListenerError?: (err: unknown) => void;
}

/**
 * A typed event source in the style of VS Code's: subscribe returns its own disposer. Each
 * subscription is its own, so one function subscribed twice is told twice until each is disposed.
 */
export class Emitter<T> implements Disposable {
  private listeners = new Set<{ listener: (value: T) => void }>();

  constructor(private readonly options: EmitterOptions = {}) {}

  readonly event: Event<T> = (listener) => {
    const subscription = { listener };
    this.listeners.add(subscription);
    return toDisposable(() => this.listeners.delete(subscription));
  };

  fire(value: T): void {
    const { onListenerError } = this.options;
    for (const { listener } of [...this.listeners]) {
      try {
        listener(value);
      } catch (err) {
        if (!onListenerError) throw err;
        onListenerError(err);
      }
    }
  }

  dispose(): void {
    this.listeners.clear();
  }
}
