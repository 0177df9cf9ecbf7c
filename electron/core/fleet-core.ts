import { join } from 'node:path';
import { AuditLog } from './audit/audit-log';
import { makeDataDirPrivate } from './data-dir';
import { AppError } from '../common/errors';
import { normaliseServerUrl } from '../common/server-url';
import { FleetOperations, type ApplyKey, type ApplyOptions, type FleetTarget, type Operation, type OperationOptions } from './fleet/fleet-operations';
import { ServerRegistry } from './registry/server-registry';
import type { SecretStore } from './secrets/secret-store';
import { KeytarSecretStore } from './secrets/secret-store';
import { SettingsStore } from './settings/settings';
import { LicenseAlerts } from './status/license-alerts';
import { StatusCache } from './status/status-cache';
import { KeyVault } from './vault/key-vault';
import { DisposableStore, type Disposable } from '../common/events';
import { onUnexpectedError } from '../common/unexpected';
import type { Credentials, OperationSummary } from '../common/types';
import { Discovery, type DiscoveryOptions } from './discovery/discovery';
import { addFound } from './discovery/add-found';
import type { AddFoundResult } from '../common/discovery';

export interface FleetCoreOptions {
  dataDir: string;
  /** The OS keychain by default; tests may give another service name. */
  secrets?: SecretStore;
}

/** How many finished operations are kept for "retry failed". */
const KEPT_SUMMARIES = 20;

/**
 * Everything the desktop app and the command line share, opened on one data folder:
 * registry, key vault, status cache, settings, history and the fleet operations over them.
 */
export class FleetCore implements Disposable {
  private readonly summaries = new Map<string, OperationSummary>();
  private readonly discoveries = new Set<Discovery>();
  private readonly listeners = new DisposableStore();

  private constructor(
    readonly dataDir: string,
    readonly registry: ServerRegistry,
    readonly vault: KeyVault,
    readonly status: StatusCache,
    readonly settings: SettingsStore,
    readonly alerts: LicenseAlerts,
    readonly audit: AuditLog,
    readonly fleet: FleetOperations,
  ) {
    // Removing a server forgets its cached status and alerts too.
    this.listeners.add(
      registry.onDidChange(() => {
        const known = new Set(registry.list().map((s) => s.id));
        fleet.forgetClients(known);
        const gone = status.all().filter((s) => !known.has(s.serverId)).map((s) => s.serverId);
        if (gone.length) {
          status.forget(gone);
          // A disk that refuses this memory must not crash the process.
          void alerts.forget(gone).catch((err) => onUnexpectedError('forgetting the alerts of removed servers', err));
        }
      }),
    );
  }

  static async open({ dataDir, secrets = new KeytarSecretStore() }: FleetCoreOptions): Promise<FleetCore> {
    await makeDataDirPrivate(dataDir);
    const audit = new AuditLog(join(dataDir, 'history.jsonl'));
    const [registry, vault, status, settings, alerts] = await Promise.all([
      ServerRegistry.open({ dataDir, secrets, audit }),
      KeyVault.open({ dataDir, secrets, audit }),
      StatusCache.open(dataDir),
      SettingsStore.open(dataDir),
      LicenseAlerts.open(dataDir),
    ]);
    const fleet = new FleetOperations({
      credentials: (id) => registry.credentials(id),
      cache: status,
      audit,
      learned: { get: (id) => vault.get(id)?.learned ?? null, learn: (id, learned) => vault.learn(id, learned) },
    });
    return new FleetCore(dataDir, registry, vault, status, settings, alerts, audit, fleet);
  }

  /** Files that were damaged at start-up and set aside: the user must be told. */
  get notices(): string[] {
    return [this.registry.recovered, this.vault.recovered, this.status.recovered, this.settings.recovered].filter((n): n is string => !!n);
  }

  /** The servers with these ids, in the order given; an unknown id is an error naming it. */
  targets(serverIds: readonly string[]): FleetTarget[] {
    return serverIds.map((id) => {
      const server = this.registry.get(id);
      if (!server) throw new AppError('NotFound', `No server with id ${id}: it may have been removed. Refresh the list and try again.`);
      return server;
    });
  }

  /** The key with this id, ready to apply: its text is opened only when the apply needs it. */
  applyKey(keyId: string): ApplyKey {
    const key = this.vault.get(keyId);
    if (!key) throw new AppError('NotFound', 'That key is no longer in the library. Add it again.');
    return { id: key.id, label: key.label, fingerprint: key.fingerprint, text: () => this.vault.keyText(key.id) };
  }

  /** Operation options from the settings, unless given. */
  operationOptions(overrides: OperationOptions = {}): OperationOptions {
    const settings = this.settings.get();
    return { concurrency: settings.concurrency, timeoutMs: settings.timeoutSeconds * 1000, streams: settings.readStreams, ...overrides };
  }

  /** Refreshes every registered server. */
  refreshAll(options?: OperationOptions): Operation {
    return this.refresh(this.registry.list().map((s) => s.id), options);
  }

  /**
   * Tries an address and credentials without saving anything. With `serverId` and no credentials
   * given, the server's stored credentials are used, but only at the address they were entered
   * for, or where the user confirmed keeping them (`keepCredentials`): never sent elsewhere.
   */
  async testConnection({
    url,
    tlsFingerprint,
    credentials,
    serverId,
    keepCredentials = false,
  }: {
    url: string;
    tlsFingerprint?: string | null;
    credentials?: Credentials | null;
    serverId?: string;
    keepCredentials?: boolean;
  }) {
    const registered = serverId ? this.registry.get(serverId) : undefined;
    const sameOrigin = registered !== undefined && normaliseServerUrl(url) === registered.url;
    const stored = credentials === undefined && serverId && (sameOrigin || keepCredentials) ? await this.registry.credentials(serverId) : null;
    return this.fleet.testConnection({ url, tlsFingerprint: tlsFingerprint ?? null, credentials: credentials ?? stored, serverId }, this.settings.get().timeoutSeconds * 1000);
  }

  refresh(serverIds: readonly string[], options?: OperationOptions): Operation {
    return this.keep(this.fleet.refresh(this.targets(serverIds), this.operationOptions(options)));
  }

  /**
   * Applies a key to these servers. With canaries, the targets go in the order the server list
   * shows them (`servers list`, the app's list: by name), so the canaries are its first ones.
   */
  apply(keyId: string, serverIds: readonly string[], options: ApplyOptions = {}): Operation {
    let targets = this.targets(serverIds);
    if (options.canaries) {
      const order = new Map(this.registry.list().map((s, i) => [s.id, i]));
      targets = [...targets].sort((a, b) => order.get(a.id)! - order.get(b.id)!);
    }
    return this.keep(this.fleet.apply(this.applyKey(keyId), targets, { ...options, ...this.operationOptions(options) }));
  }

  /** Runs a finished operation again for the servers that failed, still registered. */
  retry(operationId: string, options?: OperationOptions): Operation {
    const previous = this.summaries.get(operationId);
    if (!previous) throw new AppError('NotFound', 'That operation is no longer known (the app keeps the last 20). Select the servers and start it again.');
    // Servers removed since are left out; FleetOperations.retry picks the failures among the rest.
    const targets = this.targets(previous.results.map((r) => r.serverId).filter((id) => this.registry.get(id)));
    const key = previous.key ? this.applyKey(previous.key.id) : null;
    return this.keep(this.fleet.retry(previous, targets, key, this.operationOptions(options)));
  }

  /** Scans addresses at ports for BrainFrame servers, marking those already registered. */
  discover(hosts: readonly string[], options: Omit<DiscoveryOptions, 'registeredName'>): Discovery {
    const scan = new Discovery(hosts, { ...options, registeredName: (url) => this.registeredAt(url)?.name ?? null });
    this.discoveries.add(scan);
    const forget = () => this.discoveries.delete(scan);
    void scan.done.then(forget, forget);
    return scan;
  }

  /** Registers found addresses not registered yet, in one site with one set of credentials, testing them. */
  addFound(urls: readonly string[], options: { site?: string; credentials?: Credentials | null }): Promise<AddFoundResult[]> {
    return addFound({ registry: this.registry, testConnection: ({ url, serverId }) => this.testConnection({ url, serverId }) }, urls, options);
  }

  /** The registered server at this address (any form of it), if any. */
  registeredAt(url: string) {
    const origin = normaliseServerUrl(url);
    return this.registry.list().find((s) => s.url === origin);
  }

  /** Cancels running operations and writes what is pending. */
  async close(): Promise<void> {
    for (const scan of this.discoveries) scan.cancel();
    await Promise.allSettled([...this.discoveries].map((scan) => scan.done));
    await this.fleet.cancelAll();
    // Only a cache: a disk that refuses it at shutdown must not turn the work done into a failure.
    await this.status.flush().catch((err) => onUnexpectedError('saving the status cache at shutdown', err));
    this.dispose();
  }

  dispose(): void {
    this.listeners.dispose();
    this.status.dispose();
  }

  private keep(op: Operation): Operation {
    void op.done.then(
      (summary) => {
        this.summaries.set(summary.id, summary);
        for (const id of [...this.summaries.keys()].slice(0, Math.max(0, this.summaries.size - KEPT_SUMMARIES))) this.summaries.delete(id);
      },
      () => undefined, // a failed operation is its caller's to report; unhandled here it would crash the process
    );
    return op;
  }
}
