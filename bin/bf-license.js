#!/usr/bin/env node
// The installed `bf-license` command: runs the command line that `npm run build` bundles.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = new URL('../out/main/cli.js', import.meta.url);
if (!existsSync(fileURLToPath(cli))) {
  process.stderr.write(`bf-license: the command line is not built yet (${fileURLToPath(cli)} is missing): run \`npm run build\` in ${fileURLToPath(new URL('..', import.meta.url))} first.\n`);
  process.exit(2);
}
await import(cli.href);
