/**
 * The data folder lists the fleet's servers and holds the sealed keys: only its owner may enter it,
 * whatever the umask, and an existing folder left open to others is made private when opened.
 * The real command line, run with umask 000 so every mode checked is the one the code asked for.
 */
import { randomUUID } from 'node:crypto';
import { chmod, mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KEYCHAIN_SERVICE_ENV } from '../../electron/core/secrets/secret-store';
import { CLI_ARGS, runCli } from '../helpers/cli';
import { tempDir } from '../helpers/keyring';
import { mintKey } from '../sim/keys';

const ENV = { ...process.env, [KEYCHAIN_SERVICE_ENV]: `bf-fleet-test-privacy-${randomUUID()}` };

let dir: Awaited<ReturnType<typeof tempDir>>;

beforeEach(async () => {
  dir = await tempDir('bf-privacy-');
});

afterEach(async () => {
  await dir.remove();
});

/** The command line with umask 000: nothing the umask would take away hides a mode the code forgot. */
async function cli(...args: string[]): Promise<void> {
  const run = await runCli([], { env: ENV, argv: ['sh', '-c', 'umask 000 && exec "$@"', 'sh', process.execPath, ...CLI_ARGS, ...args] });
  expect(run.code, run.stderr).toBe(0);
}

const modeOf = async (path: string) => (await stat(path)).mode & 0o777;

/** Every folder and file below `root` with its permission bits, lock folders excepted (they live only while held). */
async function modes(root: string): Promise<Record<string, string>> {
  const found: Record<string, string> = { '.': (await modeOf(root)).toString(8) };
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    found[path.slice(root.length + 1)] = (await modeOf(path)).toString(8);
  }
  return found;
}

describe.skipIf(process.platform === 'win32')('the data folder', () => {
  it('is created private, with its keys/ folder and every file, whatever the umask', async () => {
    const data = join(dir.path, 'nested', 'data');
    const keyFile = join(dir.path, 'site.key');
    await writeFile(keyFile, mintKey());
    await cli('servers', 'add', '--name', 'cam-1', '--url', 'http://10.0.0.1', '--data-dir', data);
    await cli('keys', 'add', keyFile, '--label', 'site', '--data-dir', data);

    const found = await modes(data);
    expect(Object.keys(found)).toEqual(expect.arrayContaining(['.', 'keys', 'servers.json', 'keys.json', 'history.jsonl']));
    for (const [path, mode] of Object.entries(found)) {
      const isDir = (await stat(join(data, path))).isDirectory();
      expect({ path, mode }).toEqual({ path, mode: isDir ? '700' : '600' });
    }
    expect(await modeOf(join(dir.path, 'nested'))).toBe(0o700);
  });

  it('is made private when the app or the command line opens it, if it was open to others', async () => {
    const data = join(dir.path, 'data');
    await mkdir(data);
    await chmod(data, 0o755);
    await cli('servers', 'list', '--data-dir', data);
    expect(await modeOf(data)).toBe(0o700);
  });
});
