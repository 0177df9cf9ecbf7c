import { join } from 'node:path';
import { z } from 'zod';
import { licenseInfoSchema } from '../brainframe/license';
import type { StreamUse } from '../../common/streams';
import { LICENSE_STATES, type LicenseInfo } from '../../common/license';
import { classifyError, type ErrorInfo } from '../../common/errors';
import type { Reachability, ServerStatus } from '../../common/types';
import { JsonFile } from '../storage/json-file';
import { Emitter, type Disposable } from '../../common/events';
import { onUnexpectedError } from '../../common/unexpected';

const REACHABILITY = ['online', 'offline', 'never'] as const satisfies readonly Reachability[];

const serverStatusSchema = z.object({
  serverId: z.string(),
  license: licenseInfoSchema.nullable(),
  licenseAt: z.string().nullable(),
  version: z.string().nullable(),
  // Absent in files written before it existed.
  versionAt: z.string().nullable().default(null),
  // Absent in files written before streams were read.
  streams: z
    .object({
      configured: z.number().int().nonnegative(),
      analyzed: z.number().int().nonnegative(),
      streams: z.array(z.object({ id: z.number().int().nonnegative(), name: z.string(), analyzed: z.boolean() })),
    })
    .nullable()
    .default(null),
  streamsAt: z.string().nullable().default(null),
  reachability: z.enum(REACHABILITY),
  error: z.object({ kind: z.string(), message: z.string() }).nullable(),
  checkedAt: z.string().nullable(),
  changes: z
    .array(z.object({ at: z.string(), reachability: z.enum(REACHABILITY), state: z.enum(LICENSE_STATES).nullable(), errorKind: z.string().nullable() }))
    .default([]),
}) satisfies z.ZodType<ServerStatus, unknown>;

const fileSchema = z.object({ version: z.literal(1), statuses: z.array(serverStatusSchema) });

export interface CheckOutcome {
  license?: LicenseInfo;
  version?: string;
  /** Streams as read: null when the read found them unknown; absent when they were not read. */
  streams?: StreamUse | null;
  error?: ErrorInfo | null;
}

/** Changes reach listeners (the window) in batches this far apart. */
const NOTIFY_DELAY_MS = 250;
/**
 * Saves happen at most this often while results arrive, and at the end of each operation
 * (flush). Saving stringifies and writes every status, so saving per batch of results would
 * take the event loop from the requests in flight on a large fleet; a crash loses at most
 * this much of a cache the next refresh fills again.
 */
const SAVE_INTERVAL_MS = 5000;
const KEPT_CHANGES = 10;

/**
 * The last known picture of every server, persisted so the app opens showing the fleet as last
 * seen even offline. Results are recorded as they arrive; writes are batched a moment later.
 */
export class StatusCache implements Disposable {
  private readonly statuses = new Map<string, ServerStatus>();
  private readonly changed = new Emitter<string[]>();
  private saveTimer: NodeJS.Timeout | null = null;
  private notifyTimer: NodeJS.Timeout | null = null;
  private unsaved = false;
  /** The save under way (started by the timer or a flush), so a flush never returns before it ends. */
  private saving: Promise<void> = Promise.resolve();
  private unannounced: string[] = [];

  private constructor(
    private readonly file: JsonFile<typeof fileSchema>,
    readonly recovered: string | null,
  ) {}

  static async open(dataDir: string): Promise<StatusCache> {
    const file = new JsonFile(join(dataDir, 'status.json'), fileSchema, () => ({ version: 1 as const, statuses: [] }));
    const { value, recovered } = await file.load();
    const cache = new StatusCache(file, recovered);
    for (const status of value.statuses) cache.statuses.set(status.serverId, status);
    return cache;
  }

  /** Fires with the ids whose status changed, in batches a moment apart. */
  readonly onDidChange = this.changed.event;

  get(serverId: string): ServerStatus {
    return this.statuses.get(serverId) ?? emptyStatus(serverId);
  }

  all(): ServerStatus[] {
    return [...this.statuses.values()];
  }

  /**
   * Records what one check or apply learnt. Fields it did not learn keep their last known value.
   * A local failure (a locked keychain, say) never reached the server: its reachability and the
   * time it was last asked stay as they were, and only the error is new.
   */
  record(serverId: string, outcome: CheckOutcome, at = new Date()): ServerStatus {
    const previous = this.get(serverId);
    const time = at.toISOString();
    const errorClass = outcome.error ? classifyError(outcome.error.kind) : null;
    const asked = errorClass !== 'local';
    const reachability: Reachability = !asked ? previous.reachability : errorClass === 'no-answer' ? 'offline' : 'online';
    const license = outcome.license ?? previous.license;
    const change = { at: time, reachability, state: outcome.license?.state ?? null, errorKind: outcome.error?.kind ?? null };
    const last = previous.changes[0];
    // Only a change is worth a line: a fleet checked every 15 minutes would otherwise bury it.
    const changed = !last || last.reachability !== change.reachability || last.errorKind !== change.errorKind || (change.state !== null && last.state !== change.state);
    const next: ServerStatus = {
      serverId,
      license,
      licenseAt: outcome.license ? time : previous.licenseAt,
      version: outcome.version ?? previous.version,
      versionAt: outcome.version ? time : previous.versionAt,
      streams: outcome.streams !== undefined ? outcome.streams : previous.streams,
      streamsAt: outcome.streams !== undefined ? time : previous.streamsAt,
      reachability,
      error: outcome.error ?? null,
      checkedAt: asked ? time : previous.checkedAt,
      changes: changed ? [change, ...previous.changes].slice(0, KEPT_CHANGES) : previous.changes,
    };
    this.statuses.set(serverId, next);
    this.scheduleSave(serverId);
    return next;
  }

  /** Forgets servers that are no longer in the registry. */
  forget(serverIds: Iterable<string>): void {
    for (const id of serverIds) if (this.statuses.delete(id)) this.scheduleSave(id);
  }

  /** Writes any change not saved yet now, and announces it (at the end of an operation, before exit, or when a test needs the file). */
  async flush(): Promise<void> {
    this.announce();
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = null;
    if (!this.unsaved) {
      // Nothing new, but a save the timer started may still be writing: the caller (closing the
      // core, removing its folder) must not go on before it has finished. Its failure was reported.
      await this.saving.catch(() => undefined);
      return;
    }
    this.unsaved = false;
    this.saving = this.file.save({ version: 1, statuses: this.all() });
    try {
      await this.saving;
    } catch (err) {
      this.unsaved = true; // the next save writes every status again
      throw err;
    }
  }

  dispose(): void {
    // At shutdown no caller is left to tell of a failed save.
    void this.flush().catch((err) => onUnexpectedError('saving the status cache at shutdown', err));
    this.changed.dispose();
  }

  private scheduleSave(serverId: string): void {
    this.unsaved = true;
    this.unannounced.push(serverId);
    this.notifyTimer ??= setTimeout(() => this.announce(), NOTIFY_DELAY_MS);
    this.saveTimer ??= setTimeout(() => void this.flush().catch((err) => onUnexpectedError('saving the status cache', err)), SAVE_INTERVAL_MS);
  }

  private announce(): void {
    if (this.notifyTimer) clearTimeout(this.notifyTimer);
    this.notifyTimer = null;
    const ids = this.unannounced;
    this.unannounced = [];
    if (ids.length > 0) this.changed.fire(ids);
  }
}

/** The version is read again when unknown, after the server was away (an upgrade restarts it), or hourly. */
export const VERSION_MAX_AGE_MS = 60 * 60_000;

export function versionIsStale(status: ServerStatus, now = Date.now()): boolean {
  return !status.version || !status.versionAt || status.reachability !== 'online' || now - Date.parse(status.versionAt) > VERSION_MAX_AGE_MS;
}

function emptyStatus(serverId: string): ServerStatus {
  return { serverId, license: null, licenseAt: null, version: null, versionAt: null, streams: null, streamsAt: null, reachability: 'never', error: null, checkedAt: null, changes: [] };
}
