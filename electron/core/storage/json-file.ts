import { promises as fs } from 'node:fs';
import { basename } from 'node:path';
import type { z } from 'zod';
import { Sequencer } from '../../common/async';
import { storageError, writeFileDurably } from './durable-write';
import { withFileLock } from './file-lock';

/**
 * A JSON document on disk that is never half-written: each save goes to a temporary file that
 * is flushed, then renamed over the old one; a second copy of the same version is kept beside it
 * as `<name>.bak`. A file that does not parse or fails its schema is moved aside (never deleted)
 * and the backup is loaded instead, with a notice for the user.
 */
export interface LoadResult<T> {
  value: T;
  /** Set when the file was unusable: what happened and where the bad copy went. */
  recovered: string | null;
}

export class JsonFile<S extends z.ZodType> {
  private readonly saves = new Sequencer();
  /** The file as this process last read or wrote it, to notice another process's save. */
  private seen: string | null = null;

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
      // A crash between the two writes of the first save() can leave only the backup.
      const backup = await this.readValid(this.backupPath);
      return { value: backup.ok ? backup.value : this.empty(), recovered: null };
    }
    const movedTo = await setAside(this.path);
    const backup = await this.readValid(this.backupPath);
    // A damaged backup is kept too, before the save below writes over it.
    if (!backup.ok && backup.reason !== 'absent') await setAside(this.backupPath);
    const fallback = backup.ok ? 'the last good version was loaded' : 'it had no usable backup, so it starts empty';
    const notice = `${basename(this.path)} could not be read (${main.reason}); it was moved to ${movedTo} and ${fallback}.`;
    const value = backup.ok ? backup.value : this.empty();
    await this.save(value);
    return { value, recovered: notice };
  }

  /**
   * The file's content when another process (the desktop app and the command line share the data
   * folder) saved it since this one last read or wrote it; null when it is as this process left it,
   * or unreadable (load() deals with that at the next start).
   */
  async reloadIfChanged(): Promise<z.output<S> | null> {
    if ((await fileSignature(this.path)) === this.seen) return null;
    // Unreadable now: keep what this process holds; the save that follows reports the real problem.
    const main = await this.readValid(this.path).catch(() => null);
    return main?.ok ? main.value : null;
  }

  /** Saves are serialised, so two quick saves never interleave their renames. */
  save(value: z.output<S>): Promise<void> {
    return this.saves.queue(() => this.write(value));
  }

  private async write(value: z.output<S>): Promise<void> {
    // The backup is this same version, not the one before: a file damaged later (a disk error, a
    // sync tool, a hand edit) then falls back to everything saved, losing nothing. Backup first, so
    // a save that fails on it leaves the file itself untouched.
    const text = `${JSON.stringify(value, null, 1)}\n`;
    await writeFileDurably(this.backupPath, text);
    await writeFileDurably(this.path, text);
    this.seen = await fileSignature(this.path);
  }

  private async readValid(path: string): Promise<{ ok: true; value: z.output<S> } | { ok: false; reason: string }> {
    let text: string;
    let signature: string | null;
    try {
      // Stat first: a save by another process between the two then only causes one reload too many.
      signature = signatureOf(await fs.stat(path));
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
    if (path === this.path) this.seen = signature;
    return { ok: true, value: parsed.data };
  }
}

/**
 * Changes to what a JsonFile holds, run one at a time, each on the file as last saved by any
 * process (the desktop app and the command line share the data folder): each change holds the
 * file's cross-process lock (`<file>.lock`) from reading to saving, and before it a save made
 * elsewhere since is handed to `takeIn`, so it is neither overwritten nor unseen.
 */
export class JsonFileChanges<S extends z.ZodType> {
  private readonly changes = new Sequencer();

  constructor(
    private readonly file: JsonFile<S>,
    private readonly takeIn: (fresh: z.output<S>) => void,
  ) {}

  queue<T>(change: () => Promise<T>): Promise<T> {
    return this.changes.queue(() =>
      withFileLock(this.file.path, async () => {
        await this.takeInFresh();
        return change();
      }),
    );
  }

  /** Takes in what another process saved since, changing nothing else: a read needs no lock, as saves are atomic. */
  reloadIfChanged(): Promise<void> {
    return this.changes.queue(() => this.takeInFresh());
  }

  private async takeInFresh(): Promise<void> {
    const fresh = await this.file.reloadIfChanged();
    if (fresh) this.takeIn(fresh);
  }
}

/** Moves a damaged file out of the way under a dated name, never deleting it. */
async function setAside(path: string): Promise<string> {
  const movedTo = `${path}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  try {
    await fs.rename(path, movedTo);
  } catch (err) {
    throw storageError(err, path);
  }
  return movedTo;
}

async function fileSignature(path: string): Promise<string | null> {
  return signatureOf(await fs.stat(path).catch(() => null));
}

/** A rename gives a new inode; a write in place a new size or time. */
function signatureOf(stat: { ino: number; size: number; mtimeMs: number } | null): string | null {
  return stat ? `${stat.ino}:${stat.size}:${stat.mtimeMs}` : null;
}
