/**
 * Each license state and failure with its likely cause and the next step: one place, used by the
 * grid's side panel, an operation's summary and the command line's table. Built on the error
 * vocabulary (errors.ts: its advice is the next step for a failure) and the license and stream
 * rules (license-health.ts, streams.ts). Runtime-free.
 */
import { classifyError, errorAdvice, errorSummary, type ErrorInfo, type ErrorKind } from './errors';
import { daysUntil, licenseHealth } from './license-health';
import type { LicenseInfo, LicenseTerms } from './license';
import { streamHeadroom, streamLimit, type StreamUse } from './streams';

export interface Diagnosis {
  /** What is wrong, or about to be, in a few words: "Key invalid", "Over the stream limit". */
  title: string;
  /** Why this most likely happened. */
  cause: string;
  /** What to do next. */
  next: string;
  /** `bad`: it costs the site now; `warn`: it will, or may. */
  tone: 'bad' | 'warn';
}

export interface DiagnosisInput {
  /** The license the server reported (the last known one when the check failed). */
  license: LicenseInfo | null;
  /** The last check's or apply's failure, if any. */
  error: ErrorInfo | null;
  /** Its streams as last read; null or absent when unknown (no headroom diagnosis then). */
  streams?: Pick<StreamUse, 'analyzed'> | null;
  /**
   * Terms known for the key the server holds, where the server no longer reports them (it reports
   * none for an invalid license): the terms last read from it, or a key's learned terms.
   */
  knownTerms?: LicenseTerms | null;
  warningDays: number;
  today?: Date;
}

/** Why a server answered with each known error kind; the next step is the kind's advice. */
const CAUSES: Partial<Record<ErrorKind, string>> = {
  Unreachable: 'Nothing answered at this address: the server is off, its address changed, or this computer is not on its network.',
  Timeout: 'The server accepted the connection but did not answer in time: it is overloaded, hung, or the link is slow.',
  ServerNotReady: "BrainFrame's proxy is up but its API is not yet: the server is starting (or restarting after an upgrade).",
  TlsError: "The server's certificate is not one this computer trusts: usually the server's own self-signed certificate, not yet pinned.",
  BadResponse: 'Something answered that is not a BrainFrame license API: another service on this address or port, or a proxy page.',
  UnknownError: 'The server failed without a BrainFrame error: an internal error, or a proxy in between.',
  Cancelled: 'The operation was cancelled before this server answered.',
  LicenseInvalidError: 'The server rejected the key: it is damaged (cut off when copied), or it was issued for another server.',
  LicenseExpiredError: "The key itself has expired: its end date is past, so the server refuses it whatever the server's own license.",
  RemoteConnectionError: "The key requires online check-in and the server could not reach the vendor's licensing service.",
  UnauthorizedError: 'The server requires a login and refused the username or password stored for it (changed on the server, or never stored).',
  InvalidSessionError: 'The server ended the session and logging in again failed.',
  InsufficientRoleError: 'The stored account is not an admin: an editor account can use BrainFrame but cannot change the license.',
  LicenseRequiredError: 'The server holds no valid license, so it refuses everything but the license and version.',
  KeychainUnavailable: "This computer's keychain could not be opened, so the server's credentials could not be read: the server was not asked.",
  CredentialsMissing: "The server's credentials are not in this computer's keychain: the server was not asked.",
  StreamLimitBelowUse: 'The server analyses more streams than the key allows: applying it would stop analysis on the streams beyond its limit.',
  ShortensExpiry: 'The server holds a valid license that lasts longer than this key: applying it would shorten its license.',
  Halted: 'A canary of this rollout did not end with a valid license, so the rollout stopped before this server.',
};

/** The failure's diagnosis: a cause, and the advice as next step. */
function errorDiagnosis(error: ErrorInfo): Diagnosis {
  const local = classifyError(error.kind) === 'local';
  return {
    title: errorSummary(error.kind),
    cause: CAUSES[error.kind] ?? (local ? 'A problem on this computer: the server was not asked.' : `The server reported ${error.kind}: ${error.message}`),
    next: errorAdvice(error.kind) ?? (local ? error.message : "Look the error up in BrainFrame's documentation or the server's logs, then try again."),
    tone: error.kind === 'Cancelled' ? 'warn' : 'bad',
  };
}

/** The license state's diagnosis, or null for a valid license with time to spare. */
function stateDiagnosis(license: LicenseInfo, knownTerms: LicenseTerms | null, warningDays: number, today: Date): Diagnosis | null {
  const health = licenseHealth(license, warningDays, today);
  const date = license.terms?.expiration_date ?? null;
  switch (health) {
    case 'expiring': {
      const days = date ? daysUntil(date, today) : 0;
      return {
        title: 'License expiring',
        cause: `Its license ends on ${date} (${days === 0 ? 'today' : `in ${days} day${days === 1 ? '' : 's'}`}); BrainFrame stops analysis then.`,
        next: 'Apply a renewed key before then.',
        tone: 'warn',
      };
    }
    case 'expired':
      return {
        title: 'License expired',
        cause: date ? `Its license ended on ${date}: BrainFrame no longer analyses any stream.` : 'The server reports its license as expired: BrainFrame no longer analyses any stream.',
        next: 'Apply a newer key.',
        tone: 'bad',
      };
    case 'invalid': {
      const checkin = (license.terms ?? knownTerms)?.online_checkin;
      if (checkin === true) {
        return {
          title: 'License invalid',
          cause: "Its key requires online check-in: the server most likely could not reach the vendor's licensing service, so it no longer trusts the key.",
          next: "Check the server's internet access (the licensing service must be reachable from it), then refresh; or apply a key without online check-in.",
          tone: 'bad',
        };
      }
      return {
        title: 'License invalid',
        cause:
          checkin === false
            ? 'The server holds a key that failed validation: damaged, or issued for another server.'
            : "The server holds a key that failed validation (damaged, or issued for another server), or one requiring online check-in that could not reach the vendor's licensing service.",
        next: checkin === false ? 'Apply a valid key for this server.' : "Apply a valid key for this server; if its key needs online check-in, check the server's internet access first.",
        tone: 'bad',
      };
    }
    case 'missing':
      return { title: 'No license', cause: 'No key is loaded: BrainFrame analyses no stream.', next: 'Apply a key.', tone: 'bad' };
    default:
      return null;
  }
}

/** The headroom's diagnosis, when the streams are near or over the limit. */
function streamDiagnosis(analyzed: number, max: number): Diagnosis | null {
  const band = streamHeadroom(analyzed, max);
  if (band === 'over') {
    return {
      title: 'Over the stream limit',
      cause: `It analyses ${analyzed} streams and its license allows ${max}: BrainFrame refuses to start analysis beyond the limit (AnalysisLimitExceededError), so some streams go unanalysed after a restart.`,
      next: `Apply a key for at least ${analyzed} streams, or turn analysis off on ${analyzed - max} stream${analyzed - max === 1 ? '' : 's'}.`,
      tone: 'bad',
    };
  }
  if (band === 'near') {
    const left = max - analyzed;
    return {
      title: 'Near the stream limit',
      cause: `It analyses ${analyzed} of the ${max} streams its license allows: ${left === 0 ? 'no room for another' : `room for ${left} more`}.`,
      next: 'Before adding cameras, get a key with more streams.',
      tone: 'warn',
    };
  }
  return null;
}

/**
 * Everything worth saying about one server, most pressing first: its last failure, its license
 * state, its stream headroom. Empty for a healthy server.
 */
export function diagnose({ license, error, streams, knownTerms = null, warningDays, today = new Date() }: DiagnosisInput): Diagnosis[] {
  const found: Array<Diagnosis | null> = [
    error ? errorDiagnosis(error) : null,
    license ? stateDiagnosis(license, knownTerms, warningDays, today) : null,
  ];
  const max = streamLimit(license);
  if (streams && max !== null) found.push(streamDiagnosis(streams.analyzed, max));
  return found.filter((d): d is Diagnosis => d !== null);
}

/** One line for a terminal: "Key invalid: <cause> Next: <step>". */
export function describeDiagnosis(d: Diagnosis): string {
  return `${d.title}: ${d.cause} Next: ${d.next}`;
}
