import { AppError } from '../app-error';

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

/** Unknown server titles are kept as they come, so the type stays open. */
export type ErrorKind = ClientErrorKind | ServerErrorKind | (string & {});

/** What crosses IPC, goes into the status cache, the audit log and CLI JSON. */
export interface ErrorInfo {
  kind: ErrorKind;
  message: string;
}

/** What to do about each known kind; the server's own description is appended when there is one. */
const ADVICE: Record<ClientErrorKind | ServerErrorKind, string> = {
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
};

const SUMMARY: Record<ClientErrorKind | ServerErrorKind, string> = {
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
};

function isKnown(kind: string): kind is ClientErrorKind | ServerErrorKind {
  return Object.hasOwn(ADVICE, kind);
}

/** A short label for a kind, for grids and tables. Unknown server titles are shown verbatim. */
export function errorSummary(kind: ErrorKind): string {
  return isKnown(kind) ? SUMMARY[kind] : kind;
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
