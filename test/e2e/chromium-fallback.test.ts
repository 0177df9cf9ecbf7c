/**
 * `npm run demo` where Electron cannot start, as a user (or a support person) runs it: its own
 * process, Electron's installer pointed at a loopback port where nothing answers, its own data
 * folder, keychain service and ports. The app must open in Chromium and say so and why, show the
 * simulated fleet in its grid (the PNG and the row count it reports), and stop the fleet when it
 * quits; with no Chromium either, it says both reasons and keeps the fleet for the command line.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, stat } from 'node:fs/promises';
import net from 'node:net';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/keyring';

const COUNT = 40; // the demo's fleet

/** Where Electron's installer leaves the binary: with one there, the app would start in Electron, not here. */
const electronInstalled = existsSync(resolve('node_modules/electron/path.txt'));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

interface Demo {
  pid: number;
  output(): string;
  exited: Promise<Run>;
}

/** Starts the demo in a process group of its own (so it can be stopped as a whole), with loopback-only settings. */
function startDemo(args: string[], env: Record<string, string>): Demo {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  // Nothing may hand the installer a binary or a cached zip: the point is that it fails here.
  for (const name of ['ELECTRON_OVERRIDE_DIST_PATH', 'ELECTRON_CUSTOM_DIR', 'ELECTRON_CUSTOM_FILENAME', 'ELECTRON_GET_USE_PROXY', 'DISPLAY', 'WAYLAND_DISPLAY']) delete childEnv[name];
  // What `npm run demo` runs (package.json), without npm around it.
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/demo.ts', ...args], { env: childEnv, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return {
    pid: child.pid!,
    output: () => stdout + stderr,
    exited: new Promise((done) => child.on('close', (code) => done({ code, stdout, stderr }))),
  };
}

/** `count` consecutive ports free on 127.0.0.1, for the demo's fleet (BF_DEMO_PORT). */
async function freePortRange(count: number): Promise<number> {
  const free = (port: number) =>
    new Promise<boolean>((answer) => {
      const probe = net.createServer();
      probe.once('error', () => answer(false));
      probe.listen(port, '127.0.0.1', () => probe.close(() => answer(true)));
    });
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 30_000 + Math.floor(Math.random() * 20_000);
    let all = true;
    for (let port = base; port < base + count && all; port++) all = await free(port);
    if (all) return base;
  }
  throw new Error(`no ${count} consecutive free ports on 127.0.0.1`);
}

/** Whether something accepts connections at 127.0.0.1:port. */
function listening(port: number): Promise<boolean> {
  return new Promise((answer) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      answer(true);
    });
    socket.once('error', () => answer(false));
  });
}

/** A PNG's signature, and its width and height from the IHDR chunk. */
function pngSize(bytes: Buffer): { width: number; height: number } | null {
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  if (bytes.length < 24 || !bytes.subarray(0, 8).equals(signature) || bytes.toString('latin1', 12, 16) !== 'IHDR') return null;
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

let cleanup: (() => Promise<void>) | null = null;
afterEach(async () => {
  await cleanup?.();
  cleanup = null;
});

/** A temp folder, free ports and loopback-only settings for one demo run, all undone after the test. */
async function setting(): Promise<{ dir: string; dataDir: string; base: number; env: Record<string, string>; start(args: string[], env: Record<string, string>): Demo }> {
  const dir = await tempDir('bf-fallback-');
  const cache = join(dir.path, 'electron-cache'); // empty: no cached zip to install from
  await mkdir(cache);
  const base = await freePortRange(COUNT);
  const demos: Demo[] = [];
  cleanup = async () => {
    for (const demo of demos) {
      try {
        process.kill(-demo.pid, 'SIGKILL'); // only if a failed test left it running
      } catch {
        // already gone
      }
    }
    await dir.remove();
  };
  const dataDir = join(dir.path, 'data');
  const env = {
    ELECTRON_MIRROR: 'http://127.0.0.1:9/',
    electron_config_cache: cache,
    BF_DEMO_PORT: String(base),
    BF_FLEET_DATA_DIR: dataDir,
    BF_KEYCHAIN_SERVICE: `bf-fleet-test-${randomUUID()}`,
  };
  const start = (args: string[], withEnv: Record<string, string>) => {
    const demo = startDemo(args, withEnv);
    demos.push(demo);
    return demo;
  };
  return { dir: dir.path, dataDir, base, env, start };
}

describe('npm run demo where Electron cannot start', () => {
  it.skipIf(electronInstalled)(
    `opens the app in Chromium, says why, shows the fleet's grid in the screenshot, then stops the fleet${electronInstalled ? ' — skipped: Electron is installed here, so the app would start in it' : ''}`,
    async () => {
      const { dir, dataDir, base, env, start } = await setting();
      const png = join(dir, 'shots', 'grid.png');
      const demo = start(['--headless', '--screenshot', png], env);
      const run = await demo.exited;
      const output = run.stdout + run.stderr;

      expect(run.code, output).toBe(0);
      // Which mode, and why: the installer tried the loopback mirror and failed there.
      expect(run.stderr).toContain('Tried: http://127.0.0.1:9/');
      expect(run.stdout).toMatch(/Electron's binary is not available \(Electron [\d.]+ could not be installed from http:\/\/127\.0\.0\.1:9\/\S+: .+\)\. Opening the app in Chromium \(\/\S+\) instead: the same app, its handlers running in this Node process/);
      expect(run.stdout).toContain('Chromium runs headless (--headless)');
      expect(run.stdout).toContain(`Files the app saves go to ${join(dataDir, 'exports')}`);

      // The grid as the page shows it: every server of the demo, named as the demo names them.
      const grid = /The grid shows (\d+) servers \(([^)]*)\), in the window “BrainFrame Fleet Licenses \(in Chromium\)”\./.exec(run.stdout);
      expect(grid, output).not.toBeNull();
      expect(Number(grid![1])).toBe(COUNT);
      const names = grid![2]!.replace(/, …$/, '').split(', ');
      expect(names).toHaveLength(3);
      for (const name of names) expect(name).toMatch(/^(north|harbour|main|warehouse)-cam-\d\d$/);

      // A real picture of the window: a PNG of the window's size, far larger than a blank page's.
      expect(run.stdout).toContain(`Screenshot written to ${png}.`);
      const bytes = await readFile(png);
      expect(pngSize(bytes)).toEqual({ width: 1280, height: 800 });
      expect((await stat(png)).size).toBeGreaterThan(50_000);

      // The app quit, then the fleet stopped: nothing listens on its ports any more.
      expect(run.stdout).toMatch(/Screenshot written[^]*Simulated fleet stopped\./);
      for (const port of [base, base + COUNT - 1]) expect(await listening(port)).toBe(false);
    },
    120_000,
  );

  it('in Chromium on purpose (--chromium), quits cleanly on Ctrl+C: the app closes first, then the fleet stops', async () => {
    const { base, env, start } = await setting();
    const demo = start(['--chromium'], env); // no display in the test's environment: headless by default
    await expect.poll(() => demo.output(), { timeout: 90_000, interval: 250 }).toContain('Ctrl+C to stop');
    const output = demo.output();
    expect(output).toContain('Electron was not tried (--chromium). Opening the app in Chromium (');
    expect(output).toContain('Chromium runs headless (no display: DISPLAY and WAYLAND_DISPLAY are unset)');
    expect(output).not.toContain('could not be installed'); // Electron's installer never ran
    expect(await listening(base)).toBe(true);

    process.kill(-demo.pid, 'SIGINT'); // as a terminal's Ctrl+C: the whole process group
    const run = await demo.exited;
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain('Simulated fleet stopped.');
    expect(await listening(base)).toBe(false);
  }, 120_000);

  it.skipIf(electronInstalled)(
    `without Chromium either, says both reasons and keeps the fleet running for the command line until stopped${electronInstalled ? ' — skipped: Electron is installed here' : ''}`,
    async () => {
      const { base, env, start } = await setting();
      const demo = start([], { ...env, BF_CHROMIUM_PATH: '/nonexistent/chromium' });
      await expect.poll(() => demo.output(), { timeout: 60_000, interval: 250 }).toContain('Press Ctrl+C to stop the fleet.');
      const output = demo.output();
      expect(output).toMatch(/Electron's binary is not available \(Electron [\d.]+ could not be installed from http:\/\/127\.0\.0\.1:9\/\S+: .+\)\.$/m);
      expect(output).toContain('BF_CHROMIUM_PATH names /nonexistent/chromium, which does not exist.');
      expect(output).toContain('The simulated fleet keeps running');
      expect(output).not.toContain('Opening the app in Chromium');
      expect(await listening(base)).toBe(true);

      process.kill(-demo.pid, 'SIGTERM');
      const run = await demo.exited;
      expect(run.stdout).toContain('Simulated fleet stopped.');
      expect(await listening(base)).toBe(false);
    },
    120_000,
  );
});
