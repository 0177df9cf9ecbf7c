#!/usr/bin/env node
// The whole suite, the same for a developer and for CI: lint, type-check, then every vitest project.
// Tests talk to a real OS keychain. To never touch the developer's own, the suite re-runs itself
// inside a private D-Bus session with a throw-away, unlocked gnome-keyring (Secret Service).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const extraArgs = process.argv.slice(2);

if (!process.env.BF_TEST_KEYRING) {
  for (const tool of ['dbus-run-session', 'gnome-keyring-daemon']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) {
      console.error(`npm test needs ${tool}: on Debian/Ubuntu run  sudo apt-get install dbus gnome-keyring libsecret-1-dev`);
      process.exit(2);
    }
  }
  const home = mkdtempSync(join(tmpdir(), 'bf-test-keyring-'));
  mkdirSync(join(home, 'runtime'), { mode: 0o700 });
  const inner = `printf pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null && exec node scripts/test.mjs "$@"`;
  const result = spawnSync('dbus-run-session', ['--', 'sh', '-c', inner, 'sh', ...extraArgs], {
    stdio: 'inherit',
    env: { ...process.env, BF_TEST_KEYRING: home, XDG_DATA_HOME: join(home, 'data'), XDG_RUNTIME_DIR: join(home, 'runtime') },
  });
  rmSync(home, { recursive: true, force: true });
  process.exit(result.status ?? 1);
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
  step('lint', 'npx', ['eslint', '.']);
  step('typecheck', 'npm', ['run', '-s', 'typecheck']);
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
