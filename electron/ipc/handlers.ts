import { basename } from 'node:path';
import { AppError, toErrorInfo } from '../common/errors';
import type { AuditLog } from '../core/audit/audit-log';
import type { FleetCore } from '../core/fleet-core';
import type { Operation } from '../core/fleet/fleet-operations';
import type { ServerRegistry } from '../core/registry/server-registry';
import type { SettingsStore } from '../core/settings/settings';
import type { StatusCache } from '../core/status/status-cache';
import type { KeyVault } from '../core/vault/key-vault';
import { DisposableStore, Emitter, type Disposable } from '../common/events';
import { COMMAND_CHANNELS, type CommandChannel, type DiscoveryStarted, type EventChannel, type Events, type ImportSource, type Input, type Output, type Result } from './contract';
import type { ImportFile } from '../core/registry/import-file';
import type { Discovery } from '../core/discovery/discovery';
import { DEFAULT_DISCOVERY_CONCURRENCY, DEFAULT_DISCOVERY_TIMEOUT_MS, parsePorts, parseTargets, type FoundServer } from '../common/discovery';

/** A scan's count goes out at most this often between finds. */
const PROGRESS_EVERY_MS = 100;
import { INPUT_SCHEMAS } from './schemas';
import { excerpt } from '../common/text';
import { reportHtml } from '../common/report-formats';
import { collectReport, renderReport, reportFileName } from '../core/report/fleet-report';
import type { ProgressEvent } from '../common/types';

/** Progress reaches the window at most this often (20 messages a second), each message a batch. */
const PROGRESS_BATCH_MS = 50;

/** What only the desktop shell can do, passed in so the handlers run anywhere (tests, browser e2e). */
export interface HostServices {
  appVersion: string;
  platform: string;
  /** Asks the user where to save (a native dialog in the app) and writes the file; null when cancelled. */
  saveFile(suggestedName: string, content: string): Promise<string | null>;
  /** Asks where to save, prints the self-contained HTML page to PDF and writes it; null when cancelled. Absent where nothing can print. */
  savePdf?(suggestedName: string, html: string): Promise<string | null>;
}

export interface EmittedEvent<E extends EventChannel = EventChannel> {
  channel: E;
  payload: Events[E];
}

/**
 * What the handlers use of the core, domain by domain, and nothing more: bulk operations and the
 * connection test go through FleetCore, which keeps each server's turn. FleetCore provides all of
 * it; a test may give any object of this shape.
 */
export type HandlerServices = Pick<FleetCore, 'dataDir' | 'notices' | 'refresh' | 'apply' | 'retry' | 'testConnection' | 'discover' | 'addFound'> & {
  registry: Pick<ServerRegistry, 'list' | 'add' | 'update' | 'removeMany' | 'previewFile' | 'importFile' | 'reloadIfChanged' | 'onDidChange'>;
  vault: Pick<KeyVault, 'list' | 'addText' | 'remove' | 'applications' | 'reloadIfChanged' | 'onDidChange'>;
  status: Pick<StatusCache, 'all' | 'get' | 'onDidChange'>;
  settings: Pick<SettingsStore, 'get' | 'update'>;
  audit: Pick<AuditLog, 'query'>;
};

type Handlers = { [C in CommandChannel]: (input: Input<C>) => Promise<Output<C>> | Output<C> };

/**
 * The main process's side of the contract as plain functions over the core: each command's
 * input is validated before any work, and every answer is a Result, never a thrown error.
 * Core changes and operation progress come out of `onEvent` for the shell to forward.
 */
export class IpcHandlers implements Disposable {
  private readonly events = new Emitter<EmittedEvent>();
  /** What this window started and may cancel: bulk operations and scans, by id. */
  private readonly operations = new Map<string, Pick<Operation, 'cancel'>>();
  private readonly subscriptions = new DisposableStore();
  readonly onEvent = this.events.event;

  constructor(
    private readonly core: HandlerServices,
    private readonly host: HostServices,
  ) {
    this.subscriptions.add(core.registry.onDidChange(() => this.emit('servers.changed', undefined)));
    this.subscriptions.add(core.vault.onDidChange(() => this.emit('keys.changed', undefined)));
    this.subscriptions.add(core.status.onDidChange((ids) => this.emit('status.changed', [...new Set(ids)].map((id) => core.status.get(id)))));
  }

  /** Validates, runs and answers one command. Unknown channels and bad input are refused with a clear error. */
  async invoke(channel: string, input: unknown): Promise<Result<unknown>> {
    if (!(COMMAND_CHANNELS as readonly string[]).includes(channel)) {
      return { ok: false, error: { kind: 'UnknownChannel', message: `No such command: ${String(channel).slice(0, 100)}.` } };
    }
    const command = channel as CommandChannel;
    const parsed = INPUT_SCHEMAS[command].safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      // Keys and values named in the issue are the caller's: shown as short printable excerpts, never a flood.
      const where = issue?.path.length ? ` (${excerpt(issue.path.join('.'), 80)})` : '';
      return { ok: false, error: { kind: 'InvalidInput', message: `Refused ${command}: ${excerpt(issue?.message ?? 'invalid input', 200)}${where}.` } };
    }
    try {
      const handler = this.handlers[command] as (input: unknown) => Promise<unknown> | unknown;
      return { ok: true, value: await handler(parsed.data) };
    } catch (err) {
      return { ok: false, error: toErrorInfo(err) };
    }
  }

  /** Cancels the operations this window started. */
  cancelAll(): void {
    for (const op of this.operations.values()) op.cancel();
  }

  dispose(): void {
    this.cancelAll();
    if (this.progressTimer) clearTimeout(this.progressTimer);
    this.subscriptions.dispose();
    this.events.dispose();
  }

  private sendProgress(): void {
    if (this.progressTimer) clearTimeout(this.progressTimer);
    this.progressTimer = null;
    const batch = this.progressBatch;
    this.progressBatch = [];
    if (batch.length > 0) this.emit('fleet.progress', batch);
  }

  private emit<E extends EventChannel>(channel: E, payload: Events[E]): void {
    this.events.fire({ channel, payload } as EmittedEvent);
  }

  /** Progress not sent yet, and the timer that sends it. */
  private progressBatch: ProgressEvent[] = [];
  private progressTimer: ReturnType<typeof setTimeout> | null = null;

  private track(op: Operation): { operationId: string; counts: Operation['counts'] } {
    this.operations.set(op.id, op);
    op.onDidProgress((event) => {
      this.progressBatch.push(event);
      this.progressTimer ??= setTimeout(() => this.sendProgress(), PROGRESS_BATCH_MS);
    });
    void op.done.then(
      (summary) => {
        this.operations.delete(op.id);
        this.sendProgress(); // the last servers' progress before the summary that follows it
        this.emit('fleet.done', summary);
      },
      () => this.operations.delete(op.id),
    );
    return { operationId: op.id, counts: { ...op.counts } };
  }

  /**
   * A scan's events: found servers at once, the count at most every PROGRESS_EVERY_MS between
   * finds (a /16 makes 65,536 probes, not 65,536 messages), and everything at the end.
   */
  private trackScan(scan: Discovery): DiscoveryStarted {
    this.operations.set(scan.id, scan);
    let pending: FoundServer[] = [];
    let last = 0;
    scan.onDidFind((found) => pending.push(found));
    scan.onDidProgress((counts) => {
      const now = Date.now();
      if (pending.length === 0 && now - last < PROGRESS_EVERY_MS) return;
      last = now;
      this.emit('discovery.progress', { operationId: scan.id, counts, found: pending });
      pending = [];
    });
    void scan.done.then(
      (summary) => {
        this.operations.delete(scan.id);
        this.emit('discovery.done', { operationId: scan.id, cancelled: summary.cancelled, counts: summary.counts, found: summary.found });
      },
      () => this.operations.delete(scan.id),
    );
    return { operationId: scan.id, counts: { ...scan.counts } };
  }

  private readonly handlers: Handlers = {
    'app.info': () => ({ version: this.host.appVersion, dataDir: this.core.dataDir, platform: this.host.platform, notices: this.core.notices }),
    'servers.list': async () => {
      await this.core.registry.reloadIfChanged(); // the command line may have changed it
      return this.core.registry.list();
    },
    'servers.add': (input) => this.core.registry.add(input),
    'servers.update': ({ id, changes, keepCredentials }) => this.core.registry.update(id, changes, { keepCredentials }),
    'servers.remove': async ({ ids }) => {
      await this.core.registry.removeMany(ids);
    },
    'servers.test': ({ url, credentials, tlsFingerprint, id, keepCredentials }) =>
      this.core.testConnection({ url, credentials, tlsFingerprint, serverId: id, keepCredentials }),
    'servers.previewCsv': (source) => this.core.registry.previewFile(importFile(source)),
    'servers.importCsv': (source) => this.core.registry.importFile(importFile(source)),
    'status.list': () => this.core.status.all(),
    'keys.list': async () => {
      await this.core.vault.reloadIfChanged();
      return this.core.vault.list();
    },
    'keys.add': ({ text, label, fileName }) => this.core.vault.addText(text, label, fileName),
    'keys.remove': ({ id }) => this.core.vault.remove(id),
    'keys.applications': () => this.core.vault.applications(),
    'fleet.refresh': ({ serverIds }) => this.track(this.core.refresh(serverIds)),
    'fleet.apply': ({ keyId, serverIds, canaries, overrides = [] }) => {
      const confirmed = new Set(overrides.map((o) => `${o.kind}:${o.serverId}`));
      return this.track(this.core.apply(keyId, serverIds, { canaries, override: (serverId, kind) => confirmed.has(`${kind}:${serverId}`) }));
    },
    'discovery.start': ({ targets, ports, timeoutSeconds, concurrency }) =>
      this.trackScan(
        this.core.discover(parseTargets(targets), {
          ports: parsePorts(ports),
          timeoutMs: Math.round((timeoutSeconds ?? DEFAULT_DISCOVERY_TIMEOUT_MS / 1000) * 1000),
          concurrency: concurrency ?? DEFAULT_DISCOVERY_CONCURRENCY,
        }),
      ),
    'discovery.add': ({ urls, site, credentials }) => this.core.addFound(urls, { site, credentials }),
    'fleet.cancel': ({ operationId }) => {
      const op = this.operations.get(operationId);
      if (!op) throw new AppError('NotFound', 'That operation has already finished.');
      op.cancel();
    },
    'fleet.retry': ({ operationId }) => this.track(this.core.retry(operationId)),
    'history.list': async ({ serverId, limit }) => {
      return this.core.audit.query({ serverId, limit });
    },
    'settings.get': () => this.core.settings.get(),
    'settings.update': (patch) => this.core.settings.update(patch),
    'files.save': async ({ suggestedName, content }) => {
      const path = await this.host.saveFile(basename(suggestedName), content);
      return path ? { path } : null;
    },
    'report.save': async ({ serverIds, scope, format, reminderDays, group }) => {
      const report = await collectReport(this.core, { serverIds: serverIds ?? undefined, scope });
      const name = reportFileName(format);
      let path: string | null;
      if (format === 'pdf') {
        if (!this.host.savePdf) throw new AppError('NotFound', 'This window cannot print a PDF. Save the report as HTML and print it from a browser.');
        path = await this.host.savePdf(name, reportHtml(report));
      } else {
        path = await this.host.saveFile(name, (await renderReport(report, format, { reminderDays, group })) as string);
      }
      return path ? { path } : null;
    },
  };
}

/** A server list as it crossed IPC (a workbook in base64, which the schema checked) as the core reads it. */
function importFile(source: ImportSource): ImportFile {
  if ('text' in source) return source;
  const xlsx = Buffer.from(source.xlsx, 'base64');
  return source.sheet === undefined ? { xlsx } : { xlsx, sheet: source.sheet };
}
