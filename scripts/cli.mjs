#!/usr/bin/env node
// `npm run -s cli -- …`: the built command line (out/main/cli.js) when it is newer than its
// sources, which starts in a fraction of the time; otherwise the sources as they are, through
// tsx, so a script never runs code older than the checkout. `npm run build` makes it current.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CLI_OUTPUTS, CLI_SOURCES, staleBuildReason } from './build-freshness.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

if (staleBuildReason(root, { sources: CLI_SOURCES, outputs: CLI_OUTPUTS }) === null) {
  await import(pathToFileURL(join(root, 'out/main/cli.js')).href);
} else {
  const run = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'electron/cli/main.ts'), ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exitCode = run.status ?? 1;
}
