/**
 * The desktop app and the command line change the same files in the data folder: two processes
 * writing the registry at the same moment must each keep what the other wrote. Real processes,
 * as in use; servers are added without credentials, so no keychain is needed.
 */
import { mkdir, readFile, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditLog } from '../../electron/core/audit/audit-log';
import { REGISTRY_FILE_NAME, ServerRegistry } from '../../electron/core/registry/server-registry';
import { tempDir, testKeychain } from '../helpers/keyring';
import { TSX_ARGS, runCli } from '../helpers/cli';

const EACH = 200;

let dir: Awaited<ReturnType<typeof tempDir>>;

beforeEach(async () => {
  dir = await tempDir('bf-cross-process-');
});

afterEach(async () => {
  await dir.remove();
});

async function savedNames(): Promise<string[]> {
  const file = JSON.parse(await readFile(join(dir.path, REGISTRY_FILE_NAME), 'utf8')) as { servers: { name: string }[] };
  return file.servers.map((s) => s.name).sort();
}

function expected(...prefixes: string[]): string[] {
  return prefixes.flatMap((p) => Array.from({ length: EACH }, (_, i) => `${p}-${i}`)).sort();
}

describe('two processes writing the registry at once', () => {
  it('keeps every server when each adds 200 one by one, interleaved', async () => {
    const startAt = Date.now() + 2_000; // both have started Node and opened the folder by then
    const runs = await Promise.all(
      ['app', 'cli'].map((prefix) =>
        runCli([], { timeoutMs: 60_000, argv: [process.execPath, ...TSX_ARGS, 'test/helpers/add-servers.ts', dir.path, prefix, String(EACH), String(startAt)] }),
      ),
    );
    for (const run of runs) expect(run.code, run.stderr).toBe(0);
    // They did overlap: each started before the other finished.
    const [a, b] = runs.map((run) => JSON.parse(run.stdout) as { first: number; last: number });
    expect(a!.first).toBeLessThan(b!.last);
    expect(b!.first).toBeLessThan(a!.last);
    expect(await savedNames()).toEqual(expected('app', 'cli'));
  }, 90_000);

  it('keeps every server when two `servers import` of 200 rows run together', async () => {
    const files = await Promise.all(
      ['north', 'south'].map(async (prefix) => {
        const path = join(dir.path, `${prefix}.csv`);
        await writeFile(path, ['name,url', ...Array.from({ length: EACH }, (_, i) => `${prefix}-${i},http://10.${i >> 8}.${i & 255}.2`)].join('\n'));
        return path;
      }),
    );
    const runs = await Promise.all(files.map((file) => runCli(['servers', 'import', file, '--data-dir', dir.path], { timeoutMs: 60_000 })));
    for (const run of runs) expect(run.code, run.stderr).toBe(0);
    expect(await savedNames()).toEqual(expected('north', 'south'));
  }, 90_000);

  it('takes over the lock of a process that crashed holding it, once it is stale (10 s without renewal)', async () => {
    const lock = join(dir.path, `${REGISTRY_FILE_NAME}.lock`);
    await mkdir(lock);
    const crashedAt = new Date(Date.now() - 15_000);
    await utimes(lock, crashedAt, crashedAt);
    const registry = await ServerRegistry.open({ dataDir: dir.path, secrets: testKeychain(), audit: new AuditLog(join(dir.path, 'history.jsonl')) });
    const started = Date.now();
    await registry.add({ name: 'after-crash', url: 'http://10.0.0.9' });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await savedNames()).toEqual(['after-crash']);
  });
});
