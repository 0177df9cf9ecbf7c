import { promises as fs } from 'node:fs';
import { basename } from 'node:path';
import type { z } from 'zod';
import { writeFileDurably } from './durable-write';

/**
 * A JSON document on disk that is never half-written: each save goes to a temporary file that
 * is flushed, then renamed over the old one; the previous good version is kept beside it as
 * `<name>.bak`. A file that does not parse or fails its schema is moved aside (never deleted)
 * and the last good version is loaded instead, with a notice for the user.
 */
export interface LoadResult<T> {
  value: T;
  /** Set when the file was unusable: what happened and where the bad copy went. */
  recovered: string | null;
}

export class JsonFile<S extends z.ZodType> {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly path: string,
    private readonly schema: S,
    private readonly empty: () => z.output<S>,
  ) {}

  get backupPath(): string {
    return `${this.path}.bak`;
  }

  async load(): Promise<LoadResult<z.output<S>>> {
    const main = await this.readValid(this.path);
    if (main.ok) return { value: main.value, recovered: null };
    if (main.reason === 'absent') {
      // A crash between the two renames of save() can leave only the backup.
      const backup = await this.readValid(this.backupPath);
      return { value: backup.ok ? backup.value : this.empty(), recovered: null };
    }
    const movedTo = `${this.path}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    await fs.rename(this.path, movedTo);
    const backup = await this.readValid(this.backupPath);
    const fallback = backup.ok ? 'the last good version was loaded' : 'no good earlier version existed, so it starts empty';
    const notice = `${basename(this.path)} could not be read (${main.reason}); it was moved to ${movedTo} and ${fallback}.`;
    const value = backup.ok ? backup.value : this.empty();
    await this.save(value);
    return { value, recovered: notice };
  }

  /** Saves are serialised, so two quick saves never interleave their renames. */
  save(value: z.output<S>): Promise<void> {
    const next = this.queue.then(() => this.write(value));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async write(value: z.output<S>): Promise<void> {
    // The current version (valid: only save() writes it, load() moves bad ones aside) becomes the backup.
    // Copied beside it and renamed, since a failed copyFile deletes its destination: the old backup.
    const staged = `${this.backupPath}.tmp`;
    const copied = await fs.copyFile(this.path, staged).then(
      () => true,
      (err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') return false;
        throw err;
      },
    );
    if (copied) await fs.rename(staged, this.backupPath);
    await writeFileDurably(this.path, `${JSON.stringify(value, null, 1)}\n`);
  }

  private async readValid(path: string): Promise<{ ok: true; value: z.output<S> } | { ok: false; reason: string }> {
    let text: string;
    try {
      text = await fs.readFile(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { ok: false, reason: 'absent' };
      throw err;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return { ok: false, reason: 'it is not valid JSON' };
    }
    const parsed = this.schema.safeParse(json);
    if (!parsed.success) return { ok: false, reason: `it does not match the expected format: ${parsed.error.issues[0]?.message ?? ''}` };
    return { ok: true, value: parsed.data };
  }
}
