/**
 * A failure with a machine-readable `kind` and a message for people that says what to do.
 * Local failures (keychain, storage, bad input) use it directly; BrainFrameError extends it.
 */
export class AppError extends Error {
  override name = 'AppError';
  constructor(
    readonly kind: string,
    message: string,
  ) {
    super(message);
  }

  toInfo(): { kind: string; message: string } {
    return { kind: this.kind, message: this.message };
  }
}

/** Any thrown value as {kind, message}, so nothing unexpected crosses a boundary as a raw exception. */
export function toErrorInfo(err: unknown): { kind: string; message: string } {
  if (err instanceof AppError) return err.toInfo();
  const message = err instanceof Error ? err.message : String(err);
  return { kind: 'UnknownError', message };
}
