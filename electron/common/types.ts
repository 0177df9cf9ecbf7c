/**
 * The data that crosses the IPC boundary and appears in the CLI's JSON: servers, statuses,
 * operations, keys, history and CSV reports. Plain types, so the renderer, the contract, the core
 * and the command line share them without any of them importing another's implementation. The
 * core's zod schemas for what it stores are checked against these (`satisfies`).
 * Nothing here carries a password or key text.
 */
import type { ErrorInfo } from './errors';
import type { LicenseInfo, LicenseState } from './license';
import type { GuardCheck, LearnedTerms } from './guards';
import type { StreamUse } from './streams';

/** A username and password as typed: they go to the main process (or the CLI) and never come back. */
export interface Credentials {
  username: string;
  password: string;
}

/** A server as the registry stores it. Its credentials are in the OS keychain, never here. */
export interface Server {
  id: string;
  name: string;
  /** Normalised origin, `http(s)://host[:port]`. */
  url: string;
  /** Free-text group, such as a customer's premises; '' when none. */
  site: string;
  notes: string;
  /** Pinned SHA-256 fingerprint of the server's own certificate, `AA:BB:…`. */
  tlsFingerprint: string | null;
  hasCredentials: boolean;
  createdAt: string;
  updatedAt: string;
}

/** What a user gives to add or edit a server; optional fields default to empty. */
export interface ServerInput {
  name: string;
  url: string;
  site?: string;
  notes?: string;
  tlsFingerprint?: string | null;
  /** Stored in the keychain only. When editing: omitted keeps them, null removes them. */
  credentials?: Credentials | null;
}

/** Did the server answer at its last check? `never`: not checked yet. */
export type Reachability = 'online' | 'offline' | 'never';

/** One line of a server's recent history as the checks saw it. */
export interface StatusChange {
  at: string;
  reachability: Reachability;
  state: LicenseState | null;
  errorKind: string | null;
}

/** The last known picture of one server. */
export interface ServerStatus {
  serverId: string;
  /** The last license the server reported; kept while it is offline, marked with its age. */
  license: LicenseInfo | null;
  /** When `license` was read from the server. */
  licenseAt: string | null;
  version: string | null;
  /** When `version` was read. */
  versionAt: string | null;
  /** The streams it analyses as last read; null when never read, or unknown at the last read. */
  streams: StreamUse | null;
  /** When `streams` was last read (null: never); with `streams` null, the read found them unknown. */
  streamsAt: string | null;
  reachability: Reachability;
  /** The last check's error, or null when it succeeded. */
  error: ErrorInfo | null;
  /** When the server was last asked, whatever the outcome. */
  checkedAt: string | null;
  /** What the checks saw change, newest first: the server's history between the audited applies. */
  changes: StatusChange[];
}

export type OperationKind = 'refresh' | 'apply';

export interface ServerResult {
  serverId: string;
  name: string;
  url: string;
  site: string;
  ok: boolean;
  /** The license the server holds afterwards, as it reported it; null when it did not answer. */
  license: LicenseInfo | null;
  version: string | null;
  /**
   * The streams it analyses, when the operation read them (a refresh with streams on): null when
   * they could not be read ("streams unknown"); absent when not asked for.
   */
  streams?: StreamUse | null;
  error: ErrorInfo | null;
  startedAt: string | null;
  finishedAt: string;
  /**
   * An apply's guards for this server (common/guards.ts), as checked just before it; empty for a
   * canary, a server never contacted, and a refresh.
   */
  guards: GuardCheck[];
}

export interface OperationCounts {
  total: number;
  done: number;
  ok: number;
  failed: number;
  running: number;
}

export type ProgressEvent =
  | { type: 'started'; operationId: string; serverId: string; counts: OperationCounts }
  | { type: 'finished'; operationId: string; result: ServerResult; counts: OperationCounts };

/** A key as reports name it: never its text. */
export interface KeyRef {
  id: string;
  label: string;
  fingerprint: string;
}

export interface OperationSummary {
  id: string;
  kind: OperationKind;
  key: KeyRef | null;
  cancelled: boolean;
  counts: OperationCounts;
  results: ServerResult[];
  startedAt: string;
  finishedAt: string;
}

/** What the key library shows of a key. */
export interface KeyInfo extends KeyRef {
  addedAt: string;
  bytes: number;
  shortFingerprint: string;
  /** The terms a server last reported for this key when it was applied; null before any apply. */
  learned: LearnedTerms | null;
}

export const AUDIT_ACTIONS = ['server.add', 'server.update', 'server.remove', 'server.import', 'key.add', 'key.remove', 'license.apply'] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** One line of the history. Never holds a password or key text: only ids, labels and fingerprints. */
export interface AuditEntry {
  time: string;
  action: AuditAction;
  server: { id: string; name: string; url: string } | null;
  key: KeyRef | null;
  outcome: { ok: boolean; state: LicenseState | null; error: ErrorInfo | null };
  detail: string | null;
}

/** One application of a key to a server, as fleet operations recorded it. */
export type KeyApplication = Pick<AuditEntry, 'time' | 'outcome'> & { server: NonNullable<AuditEntry['server']> };

/**
 * One data row's fate in a CSV import. `row` counts records as a spreadsheet numbers them: the
 * header is row 1, and a cell with a line break inside is still one row.
 */
export type CsvRowResult =
  | {
      row: number;
      accepted: true;
      name: string;
      url: string;
      site: string;
      hasCredentials: boolean;
      /** The address as the file wrote it, when it had no scheme and was read as http (`10.0.0.5`). */
      bareAddress?: string;
      /** True when the file has no name column and the server is named after its address. */
      namedAfterAddress?: boolean;
    }
  | { row: number; accepted: false; name: string; url: string; kind: string; reason: string };

/** The fields an imported row can fill: the column names of this app's own CSV. */
export type ImportField = 'name' | 'url' | 'site' | 'notes' | 'tls_fingerprint' | 'username' | 'password';

/** One column of an import file's header row and what it became. */
export interface ImportColumn {
  /** 1-based, as a spreadsheet counts. */
  column: number;
  /** The header cell as written (trimmed); '' for a blank one. */
  header: string;
  /** The field it fills, or null when it is ignored. */
  field: ImportField | null;
}

/** How a file was read: the separator a CSV file turned out to use, or the sheet of a workbook. */
export type ImportFormat = { type: 'csv'; separator: ',' | ';' | '\t' } | { type: 'xlsx'; sheet: string; sheets: string[]; /** The row the header was found in. */ headerRow: number };

export interface CsvReport {
  rows: CsvRowResult[];
  accepted: number;
  refused: number;
  format: ImportFormat;
  /** Every column of the header row, in file order. */
  columns: ImportColumn[];
}
