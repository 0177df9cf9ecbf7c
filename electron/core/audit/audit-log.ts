import { promises as fs } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { Sequencer } from '../../common/async';
import { LICENSE_STATES } from '../../common/license';
import { AUDIT_ACTIONS, type AuditAction, type AuditEntry } from '../../common/types';
import { storageError } from '../storage/durable-write';

const auditEntrySchema = z.object({
  time: z.string(),
  action: z.enum(AUDIT_ACTIONS),
  server: z.object({ id: z.string(), name: z.string(), url: z.string() }).nullable(),
  key: z.object({ id: z.string(), fingerprint: z.string(), label: z.string() }).nullable(),
  outcome: z.object({
    ok: z.boolean(),
    state: z.enum(LICENSE_STATES).nullable(),
    error: z.object({ kind: z.string(), message: z.string() }).nullable(),
  }),
  detail: z.string().nullable(),
}) satisfies z.ZodType<AuditEntry>;
export interface AuditQuery {
  serverId?: string;
  keyId?: string;
  actions?: readonly AuditAction[];
  limit?: number;
}

export type AuditInput = Omit<AuditEntry, 'time' | 'server' | 'key' | 'detail' | 'outcome'> &
  Partial<Pick<AuditEntry, 'server' | 'key' | 'detail'>> & { outcome?: Partial<AuditEntry['outcome']> };

/**
 * The history of every registry change and key application, as JSON lines appended to one file.
 * A crash can tear only the last line; reading skips any line that does not parse.
 */
export class AuditLog {
  private readonly writes = new Sequencer();

  constructor(readonly path: string) {}

  append(input: AuditInput): Promise<AuditEntry> {
    const entry = toEntry(input);
    return this.enqueue([entry]).then(() => entry);
  }

  /** Appends many entries in one write, as a bulk operation finishes a batch of servers. */
  appendMany(inputs: AuditInput[]): Promise<void> {
    return this.enqueue(inputs.map(toEntry));
  }

  /**
   * The history newest first, narrowed to one server, one key or some actions, at most `limit`
   * entries: one read of the file, whatever the caller wants of it.
   */
  async query({ serverId, keyId, actions, limit }: AuditQuery = {}): Promise<AuditEntry[]> {
    const wanted = actions && new Set<AuditAction>(actions);
    const found: AuditEntry[] = [];
    const entries = await this.read();
    for (let i = entries.length - 1; i >= 0 && (limit === undefined || found.length < limit); i--) {
      const entry = entries[i]!;
      if (serverId !== undefined && entry.server?.id !== serverId) continue;
      if (keyId !== undefined && entry.key?.id !== keyId) continue;
      if (wanted && !wanted.has(entry.action)) continue;
      found.push(entry);
    }
    return found;
  }

  /** Every readable entry, oldest first. */
  private async read(): Promise<AuditEntry[]> {
    let text: string;
    try {
      text = await fs.readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const entries: AuditEntry[] = [];
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        const parsed = auditEntrySchema.safeParse(JSON.parse(line));
        if (parsed.success) entries.push(parsed.data);
      } catch {
        // a torn line from a crash mid-write
      }
    }
    return entries;
  }

  /** Entries waiting for the next write, and that write. */
  private waiting: AuditEntry[] = [];
  private nextWrite: Promise<void> | null = null;

  /**
   * Entries that arrive while a write is under way go out together in the next one (group
   * commit): a bulk apply's hundreds of results cost a few appends, not one each, in their order.
   */
  private enqueue(entries: AuditEntry[]): Promise<void> {
    this.waiting.push(...entries);
    this.nextWrite ??= this.writes.queue(() => {
      const batch = this.waiting;
      this.waiting = [];
      this.nextWrite = null;
      return this.write(batch);
    });
    return this.nextWrite;
  }

  private async write(entries: AuditEntry[]): Promise<void> {
    try {
      await fs.mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
      // Start on a fresh line if a crash left a torn one, so the torn one stays alone and is skipped.
      const prefix = (await this.endsTorn()) ? '\n' : '';
      await fs.appendFile(this.path, prefix + entries.map((e) => `${JSON.stringify(e)}\n`).join(''), { encoding: 'utf8', mode: 0o600 });
    } catch (err) {
      throw storageError(err, this.path);
    }
  }

  private async endsTorn(): Promise<boolean> {
    let handle: fs.FileHandle | undefined;
    try {
      handle = await fs.open(this.path, 'r');
      const { size } = await handle.stat();
      if (size === 0) return false;
      const last = Buffer.alloc(1);
      await handle.read(last, 0, 1, size - 1);
      return last[0] !== 0x0a;
    } catch {
      return false;
    } finally {
      await handle?.close();
    }
  }
}

function toEntry(input: AuditInput): AuditEntry {
  return {
    time: new Date().toISOString(),
    action: input.action,
    server: input.server ?? null,
    key: input.key ?? null,
    outcome: { ok: input.outcome?.ok ?? true, state: input.outcome?.state ?? null, error: input.outcome?.error ?? null },
    detail: input.detail ?? null,
  };
}
