import { promises as fs } from 'node:fs';
import { basename, dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppError } from '../../common/errors';
import { onUnexpectedError } from '../../common/unexpected';
import { storageError } from './durable-write';

/**
 * A lock held by a process that crashed or hangs is taken over after this long; the holder keeps
 * it fresh every half of it, so a live holder never loses it to a waiting writer.
 */
const STALE_MS = 10_000;
/**
 * A waiting writer tries again with backoff (5 ms, growing to 100 ms apart) for up to 30 s, long
 * enough to outwait a stale lock, so the other process's write makes this one wait, never fail.
 */
const WAIT_MS = 30_000;
const retryDelay = (attempt: number) => Math.min(100, 5 * 1.5 ** attempt) * (0.5 + Math.random());

/**
 * Runs `work` holding the lock on `path` that every process sharing the data folder (the desktop
 * app, the command line) takes for it: the lock is the folder `<path>.lock`, created atomically
 * (proper-lockfile), so two processes never read-modify-write the same file at once.
 */
export async function withFileLock<T>(path: string, work: () => Promise<T>): Promise<T> {
  let release: () => Promise<void>;
  try {
    await fs.mkdir(dirname(path), { recursive: true, mode: 0o700 });
    release = await acquire(path);
  } catch (err) {
    throw storageError(err, path);
  }
  try {
    return await work();
  } finally {
    // A lock already taken over (reported above) or removed by hand has nothing left to release.
    await release().catch((err: unknown) => onUnexpectedError(`releasing the lock on ${basename(path)}`, err));
  }
}

/** Retries only while another process holds the lock: a disk that refuses the lock folder fails at once. */
async function acquire(path: string): Promise<() => Promise<void>> {
  const deadline = Date.now() + WAIT_MS;
  for (let attempt = 0; ; attempt++) {
    try {
      // Loaded when first needed: a command that only reads the data folder never takes a lock.
      const { lock } = await import('proper-lockfile');
      return await lock(path, {
        realpath: false, // the file itself may not exist yet
        stale: STALE_MS,
        // Not renewed in time (a frozen process) and taken over by another: what this process is
        // writing may now race with it. Reported, not thrown from a timer, which would crash the process.
        onCompromised: (err) => onUnexpectedError(`holding the lock on ${basename(path)}`, err),
      });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ELOCKED') throw err;
      if (Date.now() >= deadline) {
        throw new AppError(
          'DataFolderBusy',
          `${basename(path)} in ${dirname(path)} has been locked by another BrainFrame Fleet Licenses process (the app or a bf-license command) for over ${WAIT_MS / 1000} s. Wait for it to finish, then try again.`,
        );
      }
      await sleep(retryDelay(attempt));
    }
  }
}
