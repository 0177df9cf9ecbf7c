import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { onUnexpectedError, setUnexpectedErrorHandler, type UnexpectedErrorHandler } from '../../electron/common/unexpected';
import { StatusCache } from '../../electron/core/status/status-cache';
import { tempDir } from '../helpers/keyring';

describe('onUnexpectedError', () => {
  it('by default warns on the console with the reason and the error’s message', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      onUnexpectedError('saving the window position', new Error('EROFS: read-only file system'));
      onUnexpectedError('doing something odd', 'a bare string');
      expect(warn.mock.calls).toEqual([
        ['Unexpected error while saving the window position: EROFS: read-only file system'],
        ['Unexpected error while doing something odd: a bare string'],
      ]);
    } finally {
      warn.mockRestore();
    }
  });

  it('goes to the handler set in place of the default, which is handed back for restoring', () => {
    const seen: Array<[string, unknown]> = [];
    const previous = setUnexpectedErrorHandler((reason, err) => seen.push([reason, err]));
    const error = new Error('boom');
    try {
      onUnexpectedError('testing', error);
    } finally {
      expect(setUnexpectedErrorHandler(previous)).not.toBe(previous);
    }
    expect(seen).toEqual([['testing', error]]);
    // Restored: the default handler again.
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    onUnexpectedError('after restoring', error);
    expect(warn).toHaveBeenCalledTimes(1);
    warn.mockRestore();
  });
});

describe('a status cache that cannot be saved', () => {
  const dirs: Array<Awaited<ReturnType<typeof tempDir>>> = [];
  let reported: Array<{ reason: string; err: unknown }>;
  let previous: UnexpectedErrorHandler;

  beforeEach(() => {
    reported = [];
    previous = setUnexpectedErrorHandler((reason, err) => reported.push({ reason, err }));
  });

  afterEach(async () => {
    setUnexpectedErrorHandler(previous);
    for (const dir of dirs.splice(0)) await dir.remove();
  });

  /** A cache whose every save fails: its backup path is taken by a folder (so even root cannot write it). */
  async function unsavableCache(): Promise<StatusCache> {
    const dir = await tempDir('bf-unexpected-');
    dirs.push(dir);
    const cache = await StatusCache.open(dir.path);
    await mkdir(join(dir.path, 'status.json.bak'));
    return cache;
  }

  it('reports the failed save at shutdown instead of swallowing it', async () => {
    const cache = await unsavableCache();
    cache.record('a', { error: { kind: 'Unreachable', message: 'Server unreachable.' } });
    cache.dispose();
    await vi.waitFor(() => expect(reported).toHaveLength(1));
    expect(reported[0]!.reason).toBe('saving the status cache at shutdown');
    expect(reported[0]!.err).toBeInstanceOf(Error);
  });

  it('reports a failed batched save, which no caller waits for', async () => {
    const cache = await unsavableCache();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      cache.record('a', { error: { kind: 'Unreachable', message: 'Server unreachable.' } });
      await vi.advanceTimersByTimeAsync(5000); // the save that the timer starts, at most 5 s after a change
    } finally {
      vi.useRealTimers();
    }
    await vi.waitFor(() => expect(reported.map((r) => r.reason)).toEqual(['saving the status cache']), { timeout: 5000 });
    cache.dispose();
  });
});
