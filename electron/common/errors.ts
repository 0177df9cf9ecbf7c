/**
 * Every failure the product reports, in one vocabulary: a machine-readable `kind` and a message for
 * people that says what to do. Runtime-free: the core, the command line and the renderer share the
 * kinds, their labels and the ONE classification of what a kind means (classifyError).
 */

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

  toInfo(): ErrorInfo {
    return { kind: this.kind, message: this.message };
  }
}

/** Any thrown value as {kind, message}, so nothing unexpected crosses a boundary as a raw exception. */
export function toErrorInfo(err: unknown): ErrorInfo {
  if (err instanceof AppError) return err.toInfo();
  const message = err instanceof Error ? err.message : String(err);
  return { kind: 'UnknownError', message };
}

/**
 * Every failure talking to a server becomes one BrainFrameError with a `kind`:
 * the server's own error title kept verbatim, or one of the client-side kinds below.
 */
export const CLIENT_ERROR_KINDS = [
  'Unreachable',
  'Timeout',
  'ServerNotReady',
  'TlsError',
  'BadResponse',
  'UnknownError',
  'Cancelled',
  'InvalidKeyText',
  'InvalidUrl',
] as const;
export type ClientErrorKind = (typeof CLIENT_ERROR_KINDS)[number];

export const SERVER_ERROR_KINDS = [
  'LicenseInvalidError',
  'LicenseExpiredError',
  'RemoteConnectionError',
  'UnauthorizedError',
  'InvalidSessionError',
  'InsufficientRoleError',
  'LicenseRequiredError',
] as const;
export type ServerErrorKind = (typeof SERVER_ERROR_KINDS)[number];

/** Failures on this computer: the server was never asked, so they say nothing about it. */
export const LOCAL_ERROR_KINDS = [
  'KeychainUnavailable',
  'CredentialsMissing',
  'SecretUnreadable',
  'SecretTooLarge',
  'KeyNotFound',
  'DiskFull',
  'DataFolderReadOnly',
  'DataFolderBusy',
  'NotFound',
  'InvalidInput',
] as const;
export type LocalErrorKind = (typeof LOCAL_ERROR_KINDS)[number];

/**
 * A staged apply's own refusals: the key was not sent to this server. `Halted`: a canary failed, so
 * the server was not contacted; the two guards: the server was read, and the key would cost it
 * streams or shorten its license (see common/guards.ts).
 */
export const ROLLOUT_ERROR_KINDS = ['Halted', 'StreamLimitBelowUse', 'ShortensExpiry'] as const;
export type RolloutErrorKind = (typeof ROLLOUT_ERROR_KINDS)[number];

/** Unknown server titles are kept as they come, so the type stays open. */
export type ErrorKind = ClientErrorKind | ServerErrorKind | LocalErrorKind | RolloutErrorKind | (string & {});

/**
 * What a kind means for the server it came from, the one rule behind reachability, the grid's
 * "auth failed", latency samples and the CLI:
 * - `no-answer`: no BrainFrame answer came back (offline, hung, not BrainFrame, cancelled);
 * - `auth`: it answered, but refused this account;
 * - `local`: the server was never asked (keychain, disk, bad input on this side), or, for a staged
 *   apply's refusals, was not changed: they say nothing of its reachability;
 * - `server`: it answered with an error of its own (unknown titles included).
 */
export type ErrorClass = 'no-answer' | 'auth' | 'local' | 'server';

const CLASS_OF: Record<ClientErrorKind | ServerErrorKind | LocalErrorKind | RolloutErrorKind, ErrorClass> = {
  Unreachable: 'no-answer',
  Timeout: 'no-answer',
  ServerNotReady: 'no-answer',
  TlsError: 'no-answer',
  BadResponse: 'no-answer',
  UnknownError: 'no-answer',
  Cancelled: 'no-answer',
  InvalidKeyText: 'local',
  InvalidUrl: 'local',
  LicenseInvalidError: 'server',
  LicenseExpiredError: 'server',
  RemoteConnectionError: 'server',
  UnauthorizedError: 'auth',
  InvalidSessionError: 'auth',
  InsufficientRoleError: 'auth',
  LicenseRequiredError: 'server',
  KeychainUnavailable: 'local',
  CredentialsMissing: 'local',
  SecretUnreadable: 'local',
  SecretTooLarge: 'local',
  KeyNotFound: 'local',
  DiskFull: 'local',
  DataFolderReadOnly: 'local',
  DataFolderBusy: 'local',
  NotFound: 'local',
  InvalidInput: 'local',
  Halted: 'local',
  StreamLimitBelowUse: 'local',
  ShortensExpiry: 'local',
};

export function classifyError(kind: ErrorKind): ErrorClass {
  return Object.hasOwn(CLASS_OF, kind) ? CLASS_OF[kind as keyof typeof CLASS_OF] : 'server';
}

/** Did the server answer at all? False for no answer, and for failures that never asked it. */
export function serverAnswered(kind: ErrorKind): boolean {
  const cls = classifyError(kind);
  return cls === 'auth' || cls === 'server';
}

/** What crosses IPC, goes into the status cache, the audit log and CLI JSON. */
export interface ErrorInfo {
  kind: ErrorKind;
  message: string;
}

/** What to do about each known kind; the server's own description is appended when there is one. */
const ADVICE: Record<ClientErrorKind | ServerErrorKind | RolloutErrorKind, string> = {
  Unreachable: 'Check the address, that the server is switched on, and that this computer can reach its network.',
  Timeout: 'The server may be overloaded or hung. Try again, or raise the timeout.',
  ServerNotReady: 'Its proxy answered 502 while the BrainFrame services start up. Try again in a minute.',
  TlsError:
    "The server's certificate is not trusted. If it is the server's own self-signed certificate, check its SHA-256 fingerprint on the server and pin it in this server's settings.",
  BadResponse: 'The answer was not a BrainFrame license answer. Check that the address points at a BrainFrame server.',
  UnknownError: 'The server failed without saying why. Check its logs, then try again.',
  Cancelled: 'The operation was cancelled before the server answered.',
  InvalidKeyText: 'A license key is base64 text. Paste the whole key, or choose the key file you were sent.',
  InvalidUrl: 'Use an address such as http://10.0.0.5 or https://server.example:8443.',
  LicenseInvalidError: 'The server rejected the key as invalid. Check that you chose the right key for this server, or ask for a new one.',
  LicenseExpiredError: 'The key has expired. Apply a newer key.',
  RemoteConnectionError:
    "The server could not reach the vendor's licensing service for its online check-in. Check the server's internet access, or use a key without online check-in.",
  UnauthorizedError: 'The server refused the username or password. Check the credentials stored for this server.',
  InvalidSessionError: 'The server ended the session and logging in again failed. Try again; if it repeats, check the credentials.',
  InsufficientRoleError: 'This account may not manage licenses. Use an admin account.',
  LicenseRequiredError: 'The server needs a valid license first. Apply a key.',
  Halted: 'Nothing was sent to this server. Fix what the canary reported (or choose another key), then apply again to the servers not reached (Retry failed).',
  StreamLimitBelowUse:
    'Not applied: the server would lose analysis on the streams beyond the limit. Use a key with more streams, or override this guard on purpose (--force on the command line, its confirmation in the apply preview).',
  ShortensExpiry:
    'Not applied: the license it holds lasts longer. Keep it, or override this guard on purpose (--force on the command line, its confirmation in the apply preview).',
};

const SUMMARY: Record<ClientErrorKind | ServerErrorKind | LocalErrorKind | RolloutErrorKind, string> = {
  Unreachable: 'Server unreachable',
  Timeout: 'No answer in time',
  ServerNotReady: 'Server still starting',
  TlsError: 'Certificate not trusted',
  BadResponse: 'Unexpected answer',
  UnknownError: 'Server error',
  Cancelled: 'Cancelled',
  InvalidKeyText: 'Not a license key',
  InvalidUrl: 'Invalid server address',
  LicenseInvalidError: 'Key invalid',
  LicenseExpiredError: 'Key expired',
  RemoteConnectionError: 'Licensing service unreachable',
  UnauthorizedError: 'Wrong username or password',
  InvalidSessionError: 'Session expired',
  InsufficientRoleError: 'Account is not an admin',
  LicenseRequiredError: 'License required',
  KeychainUnavailable: 'Keychain unavailable',
  CredentialsMissing: 'Credentials missing',
  SecretUnreadable: 'Stored secret unreadable',
  SecretTooLarge: 'Secret too large',
  KeyNotFound: 'Key not in library',
  DiskFull: 'Disk full',
  DataFolderReadOnly: 'Data folder read-only',
  DataFolderBusy: 'Data folder busy',
  NotFound: 'Not found',
  InvalidInput: 'Invalid input',
  Halted: 'Not contacted: rollout halted',
  StreamLimitBelowUse: 'Key allows too few streams',
  ShortensExpiry: 'Key would shorten the license',
};

function isKnown(kind: string): kind is ClientErrorKind | ServerErrorKind | RolloutErrorKind {
  return Object.hasOwn(ADVICE, kind);
}

/** A short label for a kind, for grids and tables. Unknown server titles are shown verbatim. */
export function errorSummary(kind: ErrorKind): string {
  return Object.hasOwn(SUMMARY, kind) ? SUMMARY[kind as keyof typeof SUMMARY] : kind;
}

/**
 * A message without the summary it starts with ("Wrong username or password: …"), for a table
 * that shows the summary beside it: the detail and what to do, not the reason again word for word.
 */
export function beyondSummary(kind: ErrorKind, message: string): string {
  const head = errorSummary(kind);
  if (!message.startsWith(head)) return message;
  const rest = message.slice(head.length).replace(/^[\s:.]+/, '');
  return rest; // as written: it may start with a server's name, which keeps its case
}

/** What to do about a known kind (the advice its messages end with); null for a title the product does not know. */
export function errorAdvice(kind: ErrorKind): string | null {
  return isKnown(kind) ? ADVICE[kind] : null;
}

export class BrainFrameError extends AppError {
  override name = 'BrainFrameError';
  constructor(
    override readonly kind: ErrorKind,
    message: string,
    /** HTTP status, where the server answered. */
    readonly status?: number,
  ) {
    super(kind, message);
  }

  /**
   * Builds the error with a message that says what happened and what to do.
   * `detail` is the specific fact (server description, OS error, body excerpt).
   */
  static of(kind: ErrorKind, detail?: string | null, status?: number): BrainFrameError {
    const head = isKnown(kind) ? SUMMARY[kind] : `The server reported ${kind}`;
    const parts = [detail ? `${head}: ${detail.trim().replace(/\.$/, '')}.` : `${head}.`];
    if (isKnown(kind)) parts.push(ADVICE[kind]);
    return new BrainFrameError(kind, parts.join(' '), status);
  }
}
