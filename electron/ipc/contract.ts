/**
 * The one contract between the renderer and the main process. Main, preload and renderer import
 * it (the renderer as types only), so a channel cannot drift between the sides: every command's
 * input and output, every event's payload. Commands go renderer → main; events main → renderer.
 * Nothing here carries a password or key text: servers show `hasCredentials`, keys their
 * fingerprints.
 */
import type { AddFoundResult, DiscoveryCounts, FoundServer } from '../common/discovery';
import type { ErrorInfo } from '../common/errors';
import type { LicenseInfo } from '../common/license';
import type { ReportFormat } from '../common/report-formats';
import type { Settings } from '../common/settings';
import type { GuardKind } from '../common/guards';
import type {
  AuditEntry,
  Credentials,
  CsvReport,
  KeyApplication,
  KeyInfo,
  OperationCounts,
  OperationSummary,
  ProgressEvent,
  Server,
  ServerInput,
  ServerStatus,
} from '../common/types';

export type { AddFoundResult, DiscoveryCounts, FoundServer };
export type { AuditEntry, Credentials, CsvReport, ErrorInfo, KeyApplication, KeyInfo, LicenseInfo, OperationCounts, OperationSummary, ProgressEvent, Server, ServerInput, ServerStatus, Settings };

/**
 * A server list as the renderer sends it: a CSV file's text, or an .xlsx workbook's bytes as
 * base64 (held to the same size limit, checked by the input schema like any text) with the sheet
 * to read, the first one when none is named. The main process reads the workbook.
 */
export type ImportSource = { text: string } | { xlsx: string; sheet?: string };

export interface AppInfo {
  version: string;
  dataDir: string;
  platform: string;
  /** Things the user must hear about at start-up, such as a damaged file that was set aside. */
  notices: string[];
}

export interface ConnectionTest {
  version: string;
  license: LicenseInfo;
}

/** One failed guard the user let through, for one server. */
export interface GuardOverride {
  serverId: string;
  kind: GuardKind;
}

export interface OperationStarted {
  operationId: string;
  counts: OperationCounts;
}

/** A scan started: its id (for `fleet.cancel`) and how many probes it will make. */
export interface DiscoveryStarted {
  operationId: string;
  counts: DiscoveryCounts;
}

/** Servers found since the last event of this scan, and where it stands. */
export interface DiscoveryProgress {
  operationId: string;
  counts: DiscoveryCounts;
  found: FoundServer[];
}

/** A scan ended (or was cancelled): everything it found, by address then port. */
export interface DiscoveryDone {
  operationId: string;
  cancelled: boolean;
  counts: DiscoveryCounts;
  found: FoundServer[];
}

/** Every request/response channel: `domain.action`, grouped by domain on the bridge. */
export interface Commands {
  /** Version, data folder and start-up notices. */
  'app.info': { input: void; output: AppInfo };
  /** Every server, sorted by name. */
  'servers.list': { input: void; output: Server[] };
  /** Adds a server; credentials go to the keychain. */
  'servers.add': { input: ServerInput; output: Server };
  /** Edits a server; a new address drops the stored credentials unless new ones are given or `keepCredentials`. */
  'servers.update': { input: { id: string; changes: Partial<ServerInput>; keepCredentials?: boolean }; output: Server };
  /** Removes servers with their credentials and cached status. */
  'servers.remove': { input: { ids: string[] }; output: void };
  /** Tries an address (and credentials, or the stored ones of `id` at their own address or when `keepCredentials`) without saving anything. */
  'servers.test': { input: { url: string; credentials?: Credentials | null; tlsFingerprint?: string | null; id?: string; keepCredentials?: boolean }; output: ConnectionTest };
  /** Decides each row of a server list (CSV or .xlsx) without saving: the preview. */
  'servers.previewCsv': { input: ImportSource; output: CsvReport };
  /** Imports the rows the preview accepted. */
  'servers.importCsv': { input: ImportSource; output: CsvReport };
  /** Every server's last known status. */
  'status.list': { input: void; output: ServerStatus[] };
  /** Key metadata. */
  'keys.list': { input: void; output: KeyInfo[] };
  /** Adds a key from pasted text or a file's content. */
  'keys.add': { input: { text: string; label?: string; fileName?: string }; output: KeyInfo };
  /** Removes a key and its sealed text. */
  'keys.remove': { input: { id: string }; output: void };
  /** Where each key was applied, newest first, by key id. */
  'keys.applications': { input: void; output: Record<string, KeyApplication[]> };
  /** Starts reading the license of these servers. */
  'fleet.refresh': { input: { serverIds: string[] }; output: OperationStarted };
  /**
   * Starts applying a key to exactly these servers (frozen at confirmation): the first `canaries`
   * of them in the server list's order first, the rest only when all those end valid; `overrides`
   * are the failed guards the user confirmed, per server.
   */
  'fleet.apply': { input: { keyId: string; serverIds: string[]; canaries?: number; overrides?: GuardOverride[] }; output: OperationStarted };
  /** Starts scanning addresses and ports for BrainFrame servers (targets and ports as `bf-license discover` takes them); `fleet.cancel` stops it. */
  'discovery.start': { input: { targets: string[]; ports: string; timeoutSeconds?: number; concurrency?: number }; output: DiscoveryStarted };
  /** Registers found addresses not registered yet, in one site with the same optional credentials, each then tested. */
  'discovery.add': { input: { urls: string[]; site?: string; credentials?: Credentials | null }; output: AddFoundResult[] };
  /** Cancels a running operation (a refresh, an apply or a scan). */
  'fleet.cancel': { input: { operationId: string }; output: void };
  /** Runs a finished operation again for its failures only. */
  'fleet.retry': { input: { operationId: string }; output: OperationStarted };
  /** The audit history, newest first, optionally for one server. */
  'history.list': { input: { serverId?: string; limit?: number }; output: AuditEntry[] };
  /** Current settings. */
  'settings.get': { input: void; output: Settings };
  /** Changes settings. */
  'settings.update': { input: Partial<Settings>; output: Settings };
  /** Asks where to save a file (a native dialog in the app) and writes it; null if the user cancelled. */
  'files.save': { input: { suggestedName: string; content: string }; output: { path: string } | null };
  /** Builds the handover report or expiry calendar of these servers (all when null) from their last known status, asks where to save it and writes it; null if cancelled. */
  'report.save': { input: ReportRequest; output: { path: string } | null };
}

/** What the app's "Report…" dialog asks for: the same choices as `bf-license report`. */
export interface ReportRequest {
  /** null: every server. */
  serverIds: string[] | null;
  /** What the report covers, in words: "all servers", "site north", "3 selected servers". */
  scope: string;
  format: ReportFormat;
  /** For ics: days before the expiry to remind (default 30, 7, 1). */
  reminderDays?: number[];
  /** For ics: one event per server, or per site and date. */
  group?: 'server' | 'site';
}

/** Every main → renderer event. */
export interface Events {
  /**
   * Servers of running operations that started or finished, oldest first: batched (at most one
   * message every PROGRESS_BATCH_MS), so a fleet of thousands does not send the window thousands
   * of messages a second.
   */
  'fleet.progress': ProgressEvent[];
  /** An operation finished (or was cancelled): one summary. */
  'fleet.done': OperationSummary;
  /** A scan found servers or probed more addresses (at most about ten a second, and at each find). */
  'discovery.progress': DiscoveryProgress;
  /** A scan ended. */
  'discovery.done': DiscoveryDone;
  /** Statuses that changed, from any operation or the background refresh. */
  'status.changed': ServerStatus[];
  /** The server list changed (from this window, the command line is not watched). */
  'servers.changed': void;
  /** The key library changed. */
  'keys.changed': void;
  /** A menu command the renderer carries out. */
  'menu.command': MenuCommand;
}

export type MenuCommand = 'add-server' | 'find-servers' | 'import-csv' | 'export-csv' | 'add-key' | 'refresh-all' | 'refresh-selected' | 'select-all' | 'open-settings' | 'focus-filter';

export type CommandChannel = keyof Commands;
export type EventChannel = keyof Events;

export const COMMAND_CHANNELS = [
  'app.info',
  'servers.list',
  'servers.add',
  'servers.update',
  'servers.remove',
  'servers.test',
  'servers.previewCsv',
  'servers.importCsv',
  'status.list',
  'keys.list',
  'keys.add',
  'keys.remove',
  'keys.applications',
  'fleet.refresh',
  'fleet.apply',
  'discovery.start',
  'discovery.add',
  'fleet.cancel',
  'fleet.retry',
  'history.list',
  'settings.get',
  'settings.update',
  'files.save',
  'report.save',
] as const satisfies readonly CommandChannel[];

export const EVENT_CHANNELS = ['fleet.progress', 'fleet.done', 'discovery.progress', 'discovery.done', 'status.changed', 'servers.changed', 'keys.changed', 'menu.command'] as const satisfies readonly EventChannel[];

/** What every command answers: errors travel as data, since thrown errors lose their kind crossing IPC. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorInfo };

export type Input<C extends CommandChannel> = Commands[C]['input'];
export type Output<C extends CommandChannel> = Commands[C]['output'];

type Domain = CommandChannel extends `${infer D}.${string}` ? D : never;
type Call<C extends CommandChannel> = Input<C> extends void ? () => Promise<Result<Output<C>>> : (input: Input<C>) => Promise<Result<Output<C>>>;

/** The object the preload puts on `window.bf`: `bf.servers.add(input)`, `bf.on('fleet.progress', …)`. */
export type Bridge = {
  [D in Domain]: { [C in CommandChannel as C extends `${D}.${infer Action}` ? Action : never]: Call<C> };
} & {
  /** Subscribes to an event; returns the unsubscribe. */
  on<E extends EventChannel>(event: E, listener: (payload: Events[E]) => void): () => void;
};

/**
 * Builds the bridge from a transport: the preload passes ipcRenderer, the browser tests pass
 * Playwright bindings to the same handlers. One function per contract entry, nothing generic.
 */
export function createBridge(
  invoke: (channel: CommandChannel, input: unknown) => Promise<Result<unknown>>,
  subscribe: (event: EventChannel, listener: (payload: unknown) => void) => () => void,
): Bridge {
  const bridge: Record<string, Record<string, (input?: unknown) => Promise<Result<unknown>>>> = {};
  for (const channel of COMMAND_CHANNELS) {
    const [domain, action] = channel.split('.') as [string, string];
    (bridge[domain] ??= {})[action] = (input?: unknown) => invoke(channel, input);
  }
  const on = (event: EventChannel, listener: (payload: unknown) => void) => {
    if (!(EVENT_CHANNELS as readonly string[]).includes(event)) throw new Error(`unknown event ${String(event)}`);
    return subscribe(event, listener);
  };
  return { ...bridge, on } as unknown as Bridge;
}
