#!/usr/bin/env node
// Runs a command with a real OS keychain that is private to it: a throw-away, unlocked
// gnome-keyring (Secret Service) on a private D-Bus session, so tests and benchmarks never
// touch the developer's own keychain. Usage: node scripts/with-keyring.mjs COMMAND [ARGS...]
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [command, ...args] = process.argv.slice(2);
if (!command) {
  console.error('usage: node scripts/with-keyring.mjs COMMAND [ARGS...]');
  process.exit(2);
}

// Already inside one (a nested call): run the command as it is.
if (process.env.BF_TEST_KEYRING) {
  process.exit(spawnSync(command, args, { stdio: 'inherit' }).status ?? 1);
}

for (const tool of ['dbus-run-session', 'gnome-keyring-daemon']) {
  if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) {
    console.error(`${tool} is missing: on Debian/Ubuntu run  sudo apt-get install dbus gnome-keyring libsecret-1-dev`);
    process.exit(2);
  }
}
const home = mkdtempSync(join(tmpdir(), 'bf-keyring-'));
mkdirSync(join(home, 'runtime'), { mode: 0o700 });
const inner = 'printf pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null && exec "$@"';
const result = spawnSync('dbus-run-session', ['--', 'sh', '-c', inner, 'sh', command, ...args], {
  stdio: 'inherit',
  env: { ...process.env, BF_TEST_KEYRING: home, XDG_DATA_HOME: join(home, 'data'), XDG_RUNTIME_DIR: join(home, 'runtime') },
});
rmSync(home, { recursive: true, force: true });
process.exit(result.status ?? 1);
