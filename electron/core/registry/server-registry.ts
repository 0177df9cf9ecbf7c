import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { z } from 'zod';
import { Emitter, type Event } from '../../common/events';
import { onUnexpectedError } from '../../common/unexpected';
import { AppError } from '../../common/errors';
import type { AuditInput, AuditLog } from '../audit/audit-log';
import type { Credentials, CsvReport, Server, ServerInput } from '../../common/types';
import { nameKey } from '../../common/text';
import { assertKeychainWritable, type SecretStore } from '../secrets/secret-store';
import { JsonFile, JsonFileChanges } from '../storage/json-file';
import { toCsv } from '../../common/csv';
import { planCsvImport, planImport } from './csv-import';
import { readImportTable, type ImportFile } from './import-file';
import { EDITABLE_FIELDS, decodeCredentials, duplicateNameError, encodeCredentials, normaliseCredentials, normaliseFields, serverSchema } from './server';

export const REGISTRY_FILE_NAME = 'servers.json';

const registryFileSchema = z.object({ version: z.literal(1), servers: z.array(serverSchema) });

export interface RegistryOptions {
  dataDir: string;
  secrets: SecretStore;
  audit: AuditLog;
}

const EXPORT_HEADER = ['name', 'url', 'site', 'notes', 'tls_fingerprint', 'has_credentials'];

const byName = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });

/** Keychain account of a server's credentials. */
const account = (id: string) => `server:${id}`;
const auditRef = (server: Server) => ({ id: server.id, name: server.name, url: server.url });

/** A change to make in the keychain together with a registry write: credentials to store, or null to delete. */
type SecretWrite = [id: string, credentials: Credentials | null];

/**
 * The fleet's servers, persisted in `servers.json`, with their credentials in the OS keychain.
 * Changes run one at a time; each stores credentials in the keychain before the file and deletes
 * them after it, and puts the keychain back if the file write fails, so no server is ever saved
 * without the credentials it claims to have, and no removed server leaves its credentials behind.
 */
export class ServerRegistry {
  private readonly changes: JsonFileChanges<typeof registryFileSchema>;
  private readonly changed = new Emitter<void>({
    // The change is saved; a failing listener must not make it look failed to the caller.
    onListenerError: (err) => console.error('A registry change listener failed:', err),
  });
  /** Called after every saved change. */
  readonly onDidChange: Event<void> = this.changed.event;
  private servers: readonly Server[] = [];
  /** By id: bulk operations look up thousands of servers at a time. */
  private byId = new Map<string, Server>();

  private constructor(
    private readonly file: JsonFile<typeof registryFileSchema>,
    private readonly secrets: SecretStore,
    private readonly audit: AuditLog,
    servers: readonly Server[],
    /** Set when servers.json was unusable: what happened and where the bad copy went. */
    readonly recovered: string | null,
  ) {
    this.setServers(servers);
    this.changes = new JsonFileChanges(file, (fresh) => {
      this.setServers(fresh.servers);
      this.changed.fire();
    });
  }

  static async open({ dataDir, secrets, audit }: RegistryOptions): Promise<ServerRegistry> {
    const file = new JsonFile(join(dataDir, REGISTRY_FILE_NAME), registryFileSchema, () => ({ version: 1 as const, servers: [] }));
    const { value, recovered } = await file.load();
    return new ServerRegistry(file, secrets, audit, value.servers, recovered);
  }

  /** Every server, sorted by name. */
  list(): Server[] {
    return [...this.servers].sort((a, b) => byName.compare(a.name, b.name)).map((s) => ({ ...s }));
  }

  get(id: string): Server | undefined {
    const server = this.byId.get(id);
    return server && { ...server };
  }

  findByName(name: string): Server | undefined {
    const key = nameKey(name);
    const server = this.servers.find((s) => nameKey(s.name) === key);
    return server && { ...server };
  }

  /** The servers of one site (case-insensitive), sorted by name. */
  bySite(site: string): Server[] {
    const key = site.trim().toLowerCase();
    return this.list().filter((s) => s.site.toLowerCase() === key);
  }

  add(draft: ServerInput): Promise<Server> {
    return this.changes.queue(async () => {
      const fields = normaliseFields(draft);
      this.assertNameFree(fields.name);
      const credentials = draft.credentials ? normaliseCredentials(draft.credentials) : null;
      const now = new Date().toISOString();
      const server: Server = { id: randomUUID(), ...fields, hasCredentials: credentials !== null, createdAt: now, updatedAt: now };
      await this.commit([...this.servers, server], credentials ? [[server.id, credentials]] : []);
      await this.audit.append({ action: 'server.add', server: auditRef(server), detail: server.hasCredentials ? 'with credentials' : null });
      return { ...server };
    });
  }

  /** Changes the given fields; `credentials: undefined` keeps them, `null` removes them, an object replaces them. */
  /**
   * Edits a server. Credentials are bound to the address (origin) they were entered for: when the
   * address changes and no new credentials are given, the stored ones are removed, unless
   * `keepCredentials` says the user confirmed keeping them for the new address.
   */
  update(id: string, patch: Partial<ServerInput>, { keepCredentials = false }: { keepCredentials?: boolean } = {}): Promise<Server> {
    return this.changes.queue(async () => {
      const current = this.require(id);
      const fields = normaliseFields({
        name: patch.name ?? current.name,
        url: patch.url ?? current.url,
        site: patch.site ?? current.site,
        notes: patch.notes ?? current.notes,
        tlsFingerprint: patch.tlsFingerprint === undefined ? current.tlsFingerprint : patch.tlsFingerprint,
      });
      this.assertNameFree(fields.name, id);
      let credentials = patch.credentials ? normaliseCredentials(patch.credentials) : patch.credentials;
      if (fields.url !== current.url && credentials === undefined && current.hasCredentials && !keepCredentials) credentials = null;
      const changed: string[] = EDITABLE_FIELDS.filter((field) => fields[field] !== current[field]);
      const credentialsChange = credentials !== undefined && (credentials !== null || current.hasCredentials);
      if (credentialsChange) changed.push('credentials');
      if (changed.length === 0) return { ...current };
      const hasCredentials = credentials === undefined ? current.hasCredentials : credentials !== null;
      const server: Server = { ...current, ...fields, hasCredentials, updatedAt: new Date().toISOString() };
      await this.commit(
        this.servers.map((s) => (s.id === id ? server : s)),
        credentialsChange ? [[id, credentials ?? null]] : [],
      );
      await this.audit.append({ action: 'server.update', server: auditRef(server), detail: `changed: ${changed.join(', ')}` });
      return { ...server };
    });
  }

  /** Removes the server and its credentials. */
  remove(id: string): Promise<void> {
    return this.removeMany([id]);
  }

  /** Removes servers and their credentials in one save (the grid removes hundreds at once); an unknown id removes none. */
  removeMany(ids: readonly string[]): Promise<void> {
    return this.changes.queue(async () => {
      const gone = new Map(ids.map((id) => [id, this.require(id)]));
      await this.commit(
        this.servers.filter((s) => !gone.has(s.id)),
        [...gone.values()].filter((s) => s.hasCredentials).map((s): SecretWrite => [s.id, null]),
      );
      await this.audit.appendMany([...gone.values()].map((server): AuditInput => ({ action: 'server.remove', server: auditRef(server) })));
    });
  }

  /** The stored username and password, or null when the server has none. For the main process only. */
  async credentials(id: string): Promise<Credentials | null> {
    const server = this.require(id);
    if (!server.hasCredentials) return null;
    const secret = await this.secrets.get(account(id));
    if (secret === null) await assertKeychainWritable(this.secrets); // a locked keychain, not lost credentials
    const credentials = secret === null ? null : decodeCredentials(secret);
    if (!credentials) {
      throw new AppError(
        'CredentialsMissing',
        `The OS keychain no longer holds readable credentials for "${server.name}": edit the server and enter its username and password again.`,
      );
    }
    return credentials;
  }

  /** What importCsv would do with this file now, saving nothing. */
  previewCsv(text: string): CsvReport {
    return planCsvImport(text, this.nameMap()).report;
  }

  /** What importFile would do with this CSV text or workbook now, saving nothing. */
  async previewFile(file: ImportFile): Promise<CsvReport> {
    const table = await readImportTable(file);
    return planImport(table, this.nameMap()).report;
  }

  /** importFile for CSV text. */
  importCsv(text: string): Promise<CsvReport> {
    return this.importFile({ text });
  }

  /**
   * Adds every row the report accepts, in one registry write, and returns that report.
   * An unreadable file (InvalidCsv, InvalidSpreadsheet) or a failed keychain or file write imports nothing.
   */
  async importFile(file: ImportFile): Promise<CsvReport> {
    // Reading the file does not depend on the registry: only the plan waits for earlier changes.
    const table = await readImportTable(file);
    return this.changes.queue(async () => {
      const plan = planImport(table, this.nameMap());
      if (plan.servers.length === 0) return plan.report;
      const now = new Date().toISOString();
      const added = plan.servers.map(({ credentials, row, ...fields }) => ({
        server: { id: randomUUID(), ...fields, hasCredentials: credentials !== null, createdAt: now, updatedAt: now } satisfies Server,
        credentials,
        row,
      }));
      await this.commit(
        [...this.servers, ...added.map((a) => a.server)],
        added.flatMap(({ server, credentials }): SecretWrite[] => (credentials ? [[server.id, credentials]] : [])),
      );
      await this.audit.appendMany(added.map(({ server, row }): AuditInput => ({ action: 'server.import', server: auditRef(server), detail: `${plan.rowLabel} row ${row}` })));
      return plan.report;
    });
  }

  /** Every server as CSV, without credentials (only whether some are stored). */
  exportCsv(): string {
    return toCsv([EXPORT_HEADER, ...this.list().map((s) => [s.name, s.url, s.site, s.notes, s.tlsFingerprint, s.hasCredentials ? 'yes' : 'no'])]);
  }

  /**
   * Takes in what another process (the command line, or the app beside it) saved since this one
   * last read or wrote the file, so a change made there is neither overwritten nor unseen here.
   * Every change runs it first; the app also runs it when the window asks for the list.
   */
  reloadIfChanged(): Promise<void> {
    return this.changes.reloadIfChanged();
  }

  /**
   * Credentials are stored before the file names them and deleted only once it no longer does, so
   * a crash at any moment leaves at worst an unused secret, never a server whose credentials are
   * gone. On a failure before the file is saved, stored ones are put back and nothing changes.
   */
  private async commit(servers: Server[], secretWrites: SecretWrite[]): Promise<void> {
    const deletes = secretWrites.filter(([, credentials]) => credentials === null).map(([id]) => id);
    // A locked keychain deletes nothing without an error: refuse the change rather than leave secrets behind.
    if (deletes.length) await assertKeychainWritable(this.secrets);
    const undo: (() => Promise<unknown>)[] = [];
    try {
      for (const [id, credentials] of secretWrites) if (credentials) undo.push(await this.storeSecret(id, credentials));
      await this.file.save({ version: 1, servers });
    } catch (err) {
      for (const restore of undo.reverse()) {
        // Best effort: the original failure is what the user must see and act on.
        await restore().catch((e) => onUnexpectedError('putting back keychain credentials after a failed registry save', e));
      }
      throw err;
    }
    this.setServers(servers);
    // The change is saved: a delete that fails now leaves an unused secret, not a reason to report it failed.
    for (const id of deletes) await this.secrets.delete(account(id)).catch((err) => onUnexpectedError('deleting the credentials of a removed server', err));
    this.changed.fire();
  }

  /** Stores a server's credentials; resolves to the action that restores what was there. */
  private async storeSecret(id: string, credentials: Credentials): Promise<() => Promise<unknown>> {
    const previous = await this.secrets.get(account(id));
    await this.secrets.set(account(id), encodeCredentials(credentials));
    return () => (previous === null ? this.secrets.delete(account(id)) : this.secrets.set(account(id), previous));
  }

  private setServers(servers: readonly Server[]): void {
    this.servers = servers;
    this.byId = new Map(servers.map((s) => [s.id, s]));
  }

  private require(id: string): Server {
    const server = this.byId.get(id);
    if (!server) throw new AppError('NotFound', `No server has the id ${id}: it may have been removed. Refresh the list and try again.`);
    return server;
  }

  private assertNameFree(name: string, exceptId?: string): void {
    const key = nameKey(name);
    const clash = this.servers.find((s) => s.id !== exceptId && nameKey(s.name) === key);
    if (clash) throw duplicateNameError(clash.name);
  }

  private nameMap(): Map<string, string> {
    return new Map(this.servers.map((s) => [nameKey(s.name), s.name]));
  }
}
