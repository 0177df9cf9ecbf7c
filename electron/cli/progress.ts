import { toDisposable, type Disposable, type Event } from '../common/events';
import type { Operation } from '../core/fleet/fleet-operations';
import type { OperationCounts } from '../common/types';
import { oneLine } from './output';

const CLEAR_LINE = '\r\u001b[2K';

/**
 * A live line on a terminal, "apply: 12/40 done, 1 failed", redrawn as servers finish and cleared
 * at the end. Nothing at all when the stream is not a terminal: logs and pipes get the table only.
 */
export function showProgress(op: Operation, verb: string, stream: NodeJS.WriteStream = process.stderr): Disposable {
  const text = ({ done, failed, total }: OperationCounts) => `${verb}: ${done}/${total} done, ${failed} failed`;
  return liveLine(op.counts, (listener) => op.onDidProgress((event) => listener(event.counts)), text, stream);
}

/** One line on a terminal, redrawn with `text` at each event and cleared at the end; nothing elsewhere. */
export function liveLine<T>(initial: T, event: Event<T>, text: (value: T) => string, stream: NodeJS.WriteStream = process.stderr): Disposable {
  if (!stream.isTTY) return toDisposable(() => undefined);
  // The only escape sequence the tool writes is its own CLEAR_LINE: what follows it is printable text.
  const draw = (value: T) => stream.write(`${CLEAR_LINE}${oneLine(text(value))}`);
  draw(initial);
  const subscription = event(draw);
  return toDisposable(() => {
    subscription.dispose();
    stream.write(CLEAR_LINE);
  });
}

/**
 * Waits for a running operation or scan to end, clearing its live line (if any) then. Ctrl-C
 * meanwhile cancels it: what is still pending is cancelled, what was done is kept and reported.
 */
export async function untilDone<T>(task: { done: Promise<T>; cancel(): void }, progress: Disposable | null): Promise<T> {
  const cancel = () => task.cancel();
  process.once('SIGINT', cancel);
  try {
    return await task.done;
  } finally {
    process.off('SIGINT', cancel);
    progress?.dispose();
  }
}
