#!/usr/bin/env node
// The whole suite, the same for a developer and for CI: lint, type-check, build, then every vitest project.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const extraArgs = process.argv.slice(2);

// Tests, their simulators and the browser may reach loopback only. On Linux the whole run happens in
// a network namespace of its own whose one interface is lo (`unshare -n`, with a user namespace when
// not root): no test, however wrong its address, can send a packet to any other machine.
if (process.platform === 'linux' && !process.env.BF_TEST_NETNS) {
  const isolate = process.getuid?.() === 0 ? ['-n'] : ['-r', '-n'];
  const probe = spawnSync('unshare', [...isolate, 'sh', '-c', 'ip link set lo up'], { encoding: 'utf8' });
  if (probe.status === 0) {
    const inner = 'ip link set lo up && exec "$@"';
    const isolated = spawnSync('unshare', [...isolate, 'sh', '-c', inner, 'sh', process.execPath, 'scripts/test.mjs', ...extraArgs], {
      stdio: 'inherit',
      env: { ...process.env, BF_TEST_NETNS: '1' },
    });
    process.exit(isolated.status ?? 1);
  }
  console.warn(`▶ network isolation unavailable (unshare ${isolate.join(' ')} with iproute2's ip: ${(probe.stderr || probe.error?.message || '').trim()}); the tests still address loopback only`);
}

// Tests talk to a real OS keychain: never the developer's own, a private one for this run.
if (!process.env.BF_TEST_KEYRING) {
  const wrapped = spawnSync('node', ['scripts/with-keyring.mjs', 'node', 'scripts/test.mjs', ...extraArgs], { stdio: 'inherit' });
  process.exit(wrapped.status ?? 1);
}

function step(name, command, args) {
  console.log(`\n▶ ${name}`);
  const result = spawnSync(command, args, { stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`✖ ${name} failed`);
    process.exit(result.status ?? 1);
  }
}

const onlyTests = extraArgs.length > 0; // `npm test -- test/unit/x.test.ts` runs just those tests
if (!onlyTests) {
  step('lint (ESLint, then knip: unused files, exports and dependencies)', 'npm', ['run', '-s', 'lint']);
  step('typecheck', 'npm', ['run', '-s', 'typecheck']);
  step('build (the browser tests drive the built renderer)', 'npx', ['electron-vite', 'build']);
}
const report = join(process.env.BF_TEST_KEYRING, 'vitest.json');
console.log('\n▶ tests');
const run = spawnSync('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...extraArgs], {
  stdio: 'inherit',
});
let summary = null;
try {
  summary = JSON.parse(readFileSync(report, 'utf8'));
} catch {
  // vitest failed before writing its report; its own output says why
}
if (summary) {
  // The plain closing line CI reads: "N passed, N failed, N skipped".
  console.log(`\ntests: ${summary.numPassedTests} passed, ${summary.numFailedTests} failed, ${summary.numPendingTests + summary.numTodoTests} skipped`);
}
process.exit(run.status ?? 1);
