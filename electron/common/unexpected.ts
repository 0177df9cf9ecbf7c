/**
 * The one sink for errors that nobody is waiting for: a background save, a timer's work, a
 * best-effort clean-up after another failure. They must neither crash the process nor vanish;
 * each is handed here with what was being done. Runtime-free, as the rest of electron/common.
 */

/** `reason` says what was being done when `err` happened, e.g. "saving the status cache at shutdown". */
export type UnexpectedErrorHandler = (reason: string, err: unknown) => void;

const warnOnConsole: UnexpectedErrorHandler = (reason, err) => {
  console.warn(`Unexpected error while ${reason}: ${err instanceof Error ? err.message : String(err)}`);
};

let handler: UnexpectedErrorHandler = warnOnConsole;

/** Reports an error that has no caller left to handle it. */
export function onUnexpectedError(reason: string, err: unknown): void {
  handler(reason, err);
}

/** Replaces where unexpected errors go (a test's spy, the main process's log); returns the one it replaces. */
export function setUnexpectedErrorHandler(next: UnexpectedErrorHandler): UnexpectedErrorHandler {
  const previous = handler;
  handler = next;
  return previous;
}
