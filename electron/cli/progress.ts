import { toDisposable, type Disposable } from '../common/events';
import type { Operation } from '../core/fleet/fleet-operations';
import type { OperationCounts } from '../common/types';
import { oneLine } from './output';

const CLEAR_LINE = '\r\u001b[2K';

/**
 * A live line on a terminal, "apply: 12/40 done, 1 failed", redrawn as servers finish and cleared
 * at the end. Nothing at all when the stream is not a terminal: logs and pipes get the table only.
 */
export function showProgress(op: Operation, verb: string, stream: NodeJS.WriteStream = process.stderr): Disposable {
  if (!stream.isTTY) return toDisposable(() => undefined);
  // The only escape sequence the tool writes is its own CLEAR_LINE: what follows it is printable text.
  const draw = ({ done, failed, total }: OperationCounts) => stream.write(`${CLEAR_LINE}${oneLine(`${verb}: ${done}/${total} done, ${failed} failed`)}`);
  draw(op.counts);
  const subscription = op.onDidProgress((event) => draw(event.counts));
  return toDisposable(() => {
    subscription.dispose();
    stream.write(CLEAR_LINE);
  });
}
