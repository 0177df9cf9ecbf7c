import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { StatusCache, VERSION_MAX_AGE_MS, versionIsStale } from '../../electron/core/status/status-cache';
import { tempDir } from '../helpers/keyring';
import type { LicenseInfo } from '../../electron/common/license';

const valid: LicenseInfo = { state: 'valid', terms: { online_checkin: false, max_streams: 4, journal_max_allowed_age: 86_400, expiration_date: '2030-01-01' } };
const unreachable = { kind: 'Unreachable', message: 'Server unreachable.' };
const dirs: Array<Awaited<ReturnType<typeof tempDir>>> = [];

async function openCache(): Promise<StatusCache> {
  const dir = await tempDir('bf-status-');
  dirs.push(dir);
  return StatusCache.open(dir.path);
}

afterEach(async () => {
  for (const dir of dirs.splice(0)) await dir.remove();
});

describe('status cache', () => {
  it('keeps the last known license while a server is away, and says it is offline', async () => {
    const cache = await openCache();
    cache.record('a', { license: valid, version: '0.30.5' }, new Date('2026-01-01T10:00:00Z'));
    const away = cache.record('a', { error: unreachable }, new Date('2026-01-01T11:00:00Z'));
    expect(away).toMatchObject({ reachability: 'offline', license: valid, licenseAt: '2026-01-01T10:00:00.000Z', checkedAt: '2026-01-01T11:00:00.000Z', version: '0.30.5' });
    // A server error is still an answer: the server is online.
    expect(cache.record('a', { error: { kind: 'UnauthorizedError', message: 'x' } }).reachability).toBe('online');
    cache.dispose();
  });

  it('notes only what changed, newest first, at most ten', async () => {
    const cache = await openCache();
    const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 0, minute));
    cache.record('a', { license: valid }, at(0));
    cache.record('a', { license: valid }, at(15)); // the same: no line
    cache.record('a', { error: unreachable }, at(30));
    cache.record('a', { error: unreachable }, at(45)); // still away: no line
    cache.record('a', { license: { state: 'expired', terms: valid.terms } }, at(60));
    expect(cache.get('a').changes).toEqual([
      { at: at(60).toISOString(), reachability: 'online', state: 'expired', errorKind: null },
      { at: at(30).toISOString(), reachability: 'offline', state: null, errorKind: 'Unreachable' },
      { at: at(0).toISOString(), reachability: 'online', state: 'valid', errorKind: null },
    ]);
    for (let i = 0; i < 20; i++) cache.record('a', i % 2 ? { license: valid } : { error: unreachable }, at(100 + i));
    expect(cache.get('a').changes).toHaveLength(10);
    expect(cache.get('a').changes[0]!.at).toBe(at(119).toISOString());
    cache.dispose();
  });

  it('persists across a restart and forgets removed servers', async () => {
    const dir = await tempDir('bf-status-');
    dirs.push(dir);
    const cache = await StatusCache.open(dir.path);
    cache.record('a', { license: valid, version: '0.30.5' });
    cache.record('b', { error: unreachable });
    cache.forget(['b']);
    await cache.flush();
    cache.dispose();
    const again = await StatusCache.open(dir.path);
    expect(again.get('a')).toMatchObject({ license: valid, version: '0.30.5', reachability: 'online' });
    expect(again.get('b')).toMatchObject({ reachability: 'never', license: null, checkedAt: null });
    again.dispose();
  });

  it('tells listeners of changes a quarter second apart, but saves at most every five seconds while results arrive, and at once on flush', async () => {
    const dir = await tempDir('bf-status-');
    dirs.push(dir);
    const file = join(dir.path, 'status.json');
    const cache = await StatusCache.open(dir.path);
    const heard: string[][] = [];
    cache.onDidChange((ids) => heard.push(ids));
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      // A refresh's answers arriving over three seconds: listeners hear every batch, the disk is left alone.
      for (let i = 0; i < 12; i++) {
        cache.record(`s${i}`, { license: valid });
        await vi.advanceTimersByTimeAsync(250);
      }
      expect(heard.flat()).toEqual(Array.from({ length: 12 }, (_, i) => `s${i}`));
      expect(existsSync(file)).toBe(false);
      // Results still arriving after five seconds are saved then, without waiting for the end.
      await vi.advanceTimersByTimeAsync(2000);
      await vi.waitFor(() => expect(existsSync(file)).toBe(true));
      expect(JSON.parse(await readFile(file, 'utf8')).statuses).toHaveLength(12);
      // The end of an operation writes what is left at once.
      cache.record('last', { license: valid });
      await cache.flush();
      expect(JSON.parse(await readFile(file, 'utf8')).statuses).toHaveLength(13);
      expect(heard.flat()).toContain('last');
    } finally {
      vi.useRealTimers();
      cache.dispose();
    }
  });
});

describe('streams in the status cache', () => {
  const use = { configured: 2, analyzed: 1, streams: [{ id: 1, name: 'Gate', analyzed: true }, { id: 2, name: 'Dock', analyzed: false }] };

  it('keeps the last streams when a check does not read them, and replaces them with unknown when a read finds none', async () => {
    const cache = await openCache();
    cache.record('a', { license: valid, streams: use }, new Date('2026-01-01T10:00:00Z'));
    cache.record('a', { license: valid }, new Date('2026-01-01T10:15:00Z'));
    cache.record('a', { error: unreachable }, new Date('2026-01-01T10:30:00Z'));
    expect(cache.get('a')).toMatchObject({ streams: use, streamsAt: '2026-01-01T10:00:00.000Z', reachability: 'offline' });
    cache.record('a', { license: valid, streams: null }, new Date('2026-01-01T10:45:00Z'));
    expect(cache.get('a')).toMatchObject({ streams: null, streamsAt: '2026-01-01T10:45:00.000Z' });
    cache.dispose();
  });

  it('reads a file written before streams were read as streams never read', async () => {
    const dir = await tempDir('bf-status-');
    dirs.push(dir);
    const old = { serverId: 'a', license: valid, licenseAt: null, version: null, reachability: 'online', error: null, checkedAt: null };
    await writeFile(join(dir.path, 'status.json'), JSON.stringify({ version: 1, statuses: [old] }));
    const cache = await StatusCache.open(dir.path);
    expect(cache.recovered).toBeNull();
    expect(cache.get('a')).toMatchObject({ license: valid, streams: null, streamsAt: null });
    cache.dispose();
  });
});

describe('versionIsStale', () => {
  const base = { serverId: 'a', license: valid, licenseAt: null, streams: null, streamsAt: null, error: null, checkedAt: null, changes: [] };
  const now = Date.parse('2026-01-01T12:00:00Z');
  it.each([
    ['unknown', { version: null, versionAt: null, reachability: 'online' as const }, true],
    ['fresh and online', { version: '0.30.5', versionAt: '2026-01-01T11:30:00Z', reachability: 'online' as const }, false],
    ['older than the limit', { version: '0.30.5', versionAt: new Date(now - VERSION_MAX_AGE_MS - 1).toISOString(), reachability: 'online' as const }, true],
    ['after the server was away', { version: '0.30.5', versionAt: '2026-01-01T11:30:00Z', reachability: 'offline' as const }, true],
  ])('%s', (_what, fields, stale) => {
    expect(versionIsStale({ ...base, ...fields }, now)).toBe(stale);
  });
});
