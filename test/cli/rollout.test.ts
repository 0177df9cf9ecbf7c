// `bf-license apply --canary N [--force]` and `keys list --json` over simulated servers: a failed
// canary halts the rollout (nothing sent to the others, as their request logs show), the guard
// holds a key back from a server it would shorten, --force overrides it, and the vault reports
// the terms it learned.
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEYCHAIN_SERVICE_ENV } from '../../electron/core/secrets/secret-store';
import { runCli } from '../helpers/cli';
import { tempDir } from '../helpers/keyring';
import { mintKey, utcDateFromToday } from '../sim/keys';
import { startSimServer, type SimServer } from '../sim/server';

const env = { ...process.env, [KEYCHAIN_SERVICE_ENV]: `bf-cli-rollout-${randomUUID()}` };
const inYear = utcDateFromToday(365);
const inThreeYears = utcDateFromToday(3 * 365);
let dir: Awaited<ReturnType<typeof tempDir>>;
let files: Awaited<ReturnType<typeof tempDir>>;
const sim = {} as Record<'c-01' | 'c-02' | 'c-03', SimServer>;

interface Result {
  name: string;
  ok: boolean;
  state: string | null;
  error: { kind: string; message: string } | null;
  guards: { kind: string; verdict: string; message: string; overridden: boolean }[];
}

const run = (args: string[]) => runCli([...args, '--data-dir', dir.path], { env, timeoutMs: 60_000 });
const results = (stdout: string) => Object.fromEntries((JSON.parse(stdout) as { results: Result[] }).results.map((r) => [r.name, r]));

async function keyFile(name: string, opts: Parameters<typeof mintKey>[0]): Promise<string> {
  const path = join(files.path, `${name}.key`);
  await writeFile(path, mintKey(opts));
  return path;
}

beforeAll(async () => {
  dir = await tempDir('bf-cli-rollout-');
  files = await tempDir('bf-cli-rollout-keys-');
  // c-01 cannot reach the licensing service; c-02 holds a license that lasts three years.
  sim['c-01'] = await startSimServer({ licensingReachable: false });
  sim['c-02'] = await startSimServer({ terms: { expiration_date: inThreeYears } });
  sim['c-03'] = await startSimServer({ state: 'valid', streams: { total: 4, analyzed: 2 } });
  const csv = join(dir.path, 'servers.csv');
  // Listed out of order: the canary is the first in the order `servers list` prints (by name).
  await writeFile(csv, ['name,url', `c-03,${sim['c-03'].url}`, `c-02,${sim['c-02'].url}`, `c-01,${sim['c-01'].url}`].join('\n'));
  const imported = await run(['servers', 'import', csv]);
  expect(imported.code, imported.stderr).toBe(0);
}, 60_000);

afterAll(async () => {
  await Promise.all(Object.values(sim).map((s) => s.close()));
  await dir?.remove();
  await files?.remove();
});

describe('apply --canary', () => {
  it('halts when the canary fails: the others are Halted, exit 1, and receive nothing', async () => {
    const checkin = await keyFile('checkin', { onlineCheckin: true });
    const halted = await run(['apply', '--key', checkin, '--all', '--canary', '1', '--json']);
    expect(halted.code, halted.stderr).toBe(1);
    const r = results(halted.stdout);
    expect(r['c-01']).toMatchObject({ ok: false, error: { kind: 'RemoteConnectionError' }, guards: [] });
    for (const name of ['c-02', 'c-03']) {
      expect(r[name]).toMatchObject({ ok: false, state: null, error: { kind: 'Halted' } });
      expect(r[name]!.error!.message).toMatch(/canary c-01 reported Licensing service unreachable \(RemoteConnectionError\)/);
      expect(sim[name as 'c-02'].requests).toEqual([]);
    }

    const text = await run(['apply', '--key', checkin, '--all', '--canary', '1']);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/\nc-02\s.*failed: Not contacted: rollout halted\n/);
    expect(sim['c-02'].requests).toEqual([]);
  }, 120_000);

  it('continues past a valid canary; the guard holds the key back from a longer license; --force overrides it', async () => {
    const yearKey = await keyFile('year', { maxStreams: 8, expires: inYear });
    const staged = await run(['apply', '--key', yearKey, '--all', '--canary', '1', '--json']);
    expect(staged.code, staged.stderr).toBe(1);
    const r = results(staged.stdout);
    expect(r['c-01']).toMatchObject({ ok: true, state: 'valid', guards: [] });
    expect(r['c-03']).toMatchObject({ ok: true, state: 'valid' });
    expect(r['c-03']!.guards.map((g) => [g.kind, g.verdict])).toEqual([
      ['StreamLimitBelowUse', 'pass'], // c-03 analyses 2 of the key's 8
      ['ShortensExpiry', 'pass'],
    ]);
    expect(r['c-02']).toMatchObject({ ok: false, state: 'valid', error: { kind: 'ShortensExpiry' } });
    expect(r['c-02']!.error!.message).toContain(`c-02's license lasts until ${inThreeYears}; this key ends ${inYear}`);
    expect(sim['c-02'].putCount).toBe(0);
    expect(new Set(sim['c-02'].requests.map((q) => q.method))).toEqual(new Set(['GET']));

    const keys = await run(['keys', 'list', '--json']);
    const listed = JSON.parse(keys.stdout) as { label: string; learned: unknown }[];
    const year = listed.find((k) => k.label.startsWith('year'))!;
    expect(year.learned).toEqual({
      terms: { online_checkin: false, max_streams: 8, journal_max_allowed_age: 2_592_000, expiration_date: inYear },
      server: 'c-01',
      at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(listed.find((k) => k.label.startsWith('checkin'))!.learned).toBeNull();

    const forced = await run(['apply', '--key-label', year.label, '--server', 'c-02', '--force', '--json']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(results(forced.stdout)['c-02']!.guards.find((g) => g.kind === 'ShortensExpiry')).toMatchObject({ verdict: 'fail', overridden: true });
    expect(sim['c-02'].license().terms!.expiration_date).toBe(inYear);
  }, 120_000);

  it('refuses a canary count that is not a whole number of at least 1', async () => {
    const bad = await run(['apply', '--key-label', 'x', '--all', '--canary', '0']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--canary needs a whole number from 1/);
  });
});
