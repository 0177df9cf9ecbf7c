import { onUnexpectedError } from '../../common/unexpected';

/**
 * How often a waiting task reads `parkAfterMs()` again: a pace learned from the first answers
 * then applies to the tasks already out, not only to those started after it.
 */
const PARK_RECHECK_MS = 250;

/**
 * Runs one task per item with at most `concurrency` of them active. A task still running after
 * `parkAfterMs()` gives its slot to the next item and goes on waiting, up to its own timeout: a
 * server that accepts and never answers costs the others a moment, not its whole timeout. At
 * most `maxInFlight` tasks run at all, so a fleet of dead servers cannot open sockets without end.
 * Resolves with how many items were started (fewer than all when `signal` aborted).
 */
export function runPooled<T>(
  items: readonly T[],
  options: { concurrency: number; maxInFlight: number; parkAfterMs: () => number; signal: AbortSignal },
  task: (item: T) => Promise<void>,
): Promise<number> {
  const { concurrency, maxInFlight, parkAfterMs, signal } = options;
  return new Promise((resolve) => {
    let next = 0;
    let active = 0;
    let inFlight = 0;
    const finishedAll = () => inFlight === 0 && (signal.aborted || next >= items.length);
    const pump = () => {
      while (!signal.aborted && next < items.length && active < concurrency && inFlight < maxInFlight) {
        const item = items[next++]!;
        active++;
        inFlight++;
        let holdsSlot = true;
        const release = () => {
          if (holdsSlot) active--;
          holdsSlot = false;
        };
        const began = Date.now();
        const checkPark = () => {
          const left = parkAfterMs() - (Date.now() - began);
          if (left > 0) park = setTimeout(checkPark, Math.min(left, PARK_RECHECK_MS));
          else {
            release();
            pump();
          }
        };
        let park = setTimeout(checkPark, Math.min(parkAfterMs(), PARK_RECHECK_MS));
        void task(item)
          // Tasks report their own failures; one that throws all the same must never stop the pool.
          .catch((err) => onUnexpectedError('running a pooled task', err))
          .finally(() => {
            clearTimeout(park);
            release();
            inFlight--;
            pump();
          });
      }
      if (finishedAll()) resolve(next);
    };
    signal.addEventListener('abort', () => finishedAll() && resolve(next), { once: true });
    pump();
  });
}

/**
 * The last few answer times, to tell what "slower than usual" means for this fleet. Asked before
 * every request, so they are sorted again only after a few new answers, not on every one.
 */
export class RecentLatency {
  private readonly samples: number[] = [];
  private at = 0;
  private sorted: number[] | null = null;
  private added = 0;

  constructor(private readonly size = 64) {}

  add(ms: number): void {
    if (this.samples.length < this.size) this.samples.push(ms);
    else this.samples[this.at++ % this.size] = ms;
    this.added++;
  }

  /** The time within which the fraction `q` of recent answers came; null until enough were seen to judge. */
  quantile(q: number): number | null {
    if (this.samples.length < 8) return null;
    if (this.sorted === null || this.added >= 8) {
      this.sorted = [...this.samples].sort((a, b) => a - b);
      this.added = 0;
    }
    return this.sorted[Math.min(this.sorted.length - 1, Math.floor(q * this.sorted.length))]!;
  }
}
