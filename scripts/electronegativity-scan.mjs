#!/usr/bin/env node
// Runs Electronegativity over a build (default out/) and prints its findings as JSON, one object per
// finding: { id, severity, confidence, file, line, column, manualReview }.
//
// Electronegativity fetches translations and Electron's release list from the internet when it
// starts. This script must never do that: run it inside a network namespace without a network,
//   unshare -n node scripts/electronegativity-scan.mjs out      (as root; otherwise unshare -r -n)
// and it refuses to run when it can see any network interface besides loopback.
//
// It calls Electronegativity's own runner rather than parsing the CLI's -o output: the CSV writer
// writes its header and its rows with two racing asynchronous writes (the header can overwrite the
// start of the first row), and the SARIF output carries no severity.
import { createRequire } from 'node:module';
import { networkInterfaces } from 'node:os';
import { resolve } from 'node:path';

const reachable = Object.entries(networkInterfaces()).filter(([, addresses]) => addresses?.some((a) => !a.internal));
if (reachable.length > 0) {
  console.error(`Refusing to run Electronegativity with a network (${reachable.map(([name]) => name).join(', ')}): run this under \`unshare -n\`.`);
  process.exit(2);
}

const input = resolve(process.argv[2] ?? 'out');
const require = createRequire(import.meta.url);
const electronegativity = require('@doyensec/electronegativity');
const run = electronegativity.default ?? electronegativity;
// Its progress and warnings go to stdout: keep stdout for the JSON.
const log = console.log;
console.log = (...args) => console.error(...args);
const result = await run({ input, isRelative: true, electronVersionOverride: '45.5.0', parserPlugins: [] }, false);
const findings = result.issues.map((issue) => ({
  id: issue.id,
  severity: issue.severity.name,
  confidence: issue.confidence.name,
  file: issue.file,
  line: issue.location.line,
  column: issue.location.column,
  manualReview: !!issue.manualReview,
}));
log(JSON.stringify({ errors: result.errors.length, findings }, null, 2));
