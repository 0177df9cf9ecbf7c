import { mkdir, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI_OUTPUTS, CLI_SOURCES, staleBuildReason } from '../../scripts/build-freshness.mjs';
import { tempDir } from '../helpers/keyring';

// `npm run cli` runs the bundle only when this says it is current, and the e2e tests rebuild when it is not.
describe('build freshness', () => {
  const dirs: Array<Awaited<ReturnType<typeof tempDir>>> = [];
  afterEach(async () => {
    for (const dir of dirs.splice(0)) await dir.remove();
  });

  async function project(): Promise<string> {
    const dir = await tempDir('bf-fresh-');
    dirs.push(dir);
    await mkdir(join(dir.path, 'electron/cli'), { recursive: true });
    await mkdir(join(dir.path, 'out/main'), { recursive: true });
    await writeFile(join(dir.path, 'electron/cli/main.ts'), '');
    await writeFile(join(dir.path, 'package.json'), '{}');
    return dir.path;
  }
  const at = (root: string, path: string, seconds: number) => utimes(join(root, path), seconds, seconds);
  const cli = { sources: CLI_SOURCES, outputs: CLI_OUTPUTS };

  it('says the bundle is missing, then stale when a source (even a new file in a folder) is newer, and current otherwise', async () => {
    const root = await project();
    expect(staleBuildReason(root, cli)).toBe('out/main/cli.js is missing');
    await writeFile(join(root, 'out/main/cli.js'), '');
    for (const path of ['electron/cli/main.ts', 'electron/cli', 'electron', 'package.json']) await at(root, path, 1000);
    await at(root, 'out/main/cli.js', 2000);
    expect(staleBuildReason(root, cli)).toBeNull();
    await at(root, 'electron/cli/main.ts', 3000);
    expect(staleBuildReason(root, cli)).toBe('electron/cli/main.ts changed after the last build');
    await at(root, 'electron/cli/main.ts', 1000);
    await at(root, 'package.json', 3000);
    expect(staleBuildReason(root, cli)).toBe('package.json changed after the last build');
  });
});
