/**
 * `npm start` on a machine without Electron's binary: it must run Electron's own installer (which
 * `electron-vite preview` never does) against the mirror the user names, and fail with one plain
 * message when the download cannot be had. The mirror is a loopback server that records requests.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { ROOT } from '../helpers/cli';
import { tempDir } from '../helpers/keyring';

const electronDir = join(ROOT, 'node_modules/electron');
const version = (await import(join(electronDir, 'package.json'), { with: { type: 'json' } })).default.version as string;
const zip = `electron-v${version}-${process.platform}-${process.arch}.zip`;
// On a developer's machine that has the binary, `npm start` would launch the app instead.
const alreadyInstalled = existsSync(join(electronDir, 'path.txt'));

interface Mirror {
  url: string;
  requests: { url: string; authorization?: string }[];
  close(): Promise<void>;
}

async function mirror(answer: (url: string) => { status: number; body: Buffer | string }): Promise<Mirror> {
  const requests: Mirror['requests'] = [];
  const server: Server = createServer((req, res) => {
    requests.push({ url: req.url ?? '', authorization: req.headers.authorization });
    const { status, body } = answer(req.url ?? '');
    res.writeHead(status, { 'content-length': Buffer.byteLength(body) }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, requests, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/**
 * `npm start` where Electron cannot be installed and no Chromium is found either (the Chromium
 * fallback has its own test, test/e2e/chromium-fallback.test.ts): it ends with both reasons.
 */
function npmStart(env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const { ELECTRON_OVERRIDE_DIST_PATH: _ignored, ELECTRON_EXEC_PATH: _ignored2, ...base } = process.env;
    const noChromium = { BF_CHROMIUM_PATH: join(ROOT, 'no-such-chromium') };
    const child = spawn('npm', ['start'], { cwd: ROOT, env: { ...base, ...noChromium, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(killer);
      resolve({ code, output });
    });
  });
}

describe.skipIf(alreadyInstalled)(`npm start without Electron's binary${alreadyInstalled ? ' — skipped: node_modules/electron already holds a binary' : ''}`, () => {
  let cache: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => {
    cache = await tempDir('bf-electron-cache-');
  });
  afterAll(() => cache.remove());

  it('asks the mirror for the pinned version for this platform, then fails with one plain message', async () => {
    const server = await mirror(() => ({ status: 404, body: 'Not Found' }));
    try {
      const run = await npmStart({ ELECTRON_MIRROR: server.url, electron_config_cache: cache.path });
      expect(run.code).toBe(1);
      expect(server.requests.map((r) => r.url)).toContain(`/v${version}/${zip}`);
      expect(run.output).toContain(`Tried: ${server.url}v${version}/${zip}`);
      expect(run.output).toContain('no-such-chromium, which does not exist'); // and why the Chromium mode could not open either
      expect(run.output).toContain('Why: the server answered 404 Not Found.');
      for (const option of ['ELECTRON_MIRROR', 'ELECTRON_CUSTOM_DIR', 'HTTPS_PROXY', 'electron_config_cache', 'ELECTRON_OVERRIDE_DIST_PATH']) {
        expect(run.output).toContain(option);
      }
      // Neither electron-vite's failure nor the installer's stack trace reaches the user.
      expect(run.output).not.toContain('Electron uninstall');
      expect(run.output).not.toMatch(/^\s+at /m);
      expect(existsSync(join(electronDir, 'path.txt'))).toBe(false);
    } finally {
      await server.close();
    }
  });

  it('honours ELECTRON_CUSTOM_DIR and never shows credentials written into the mirror URL', async () => {
    const server = await mirror(() => ({ status: 404, body: '' }));
    try {
      const withSecret = server.url.replace('http://', 'http://mirror-user:s3cret-mirror-pw@');
      const run = await npmStart({ ELECTRON_MIRROR: withSecret, ELECTRON_CUSTOM_DIR: 'electron/{{ version }}', electron_config_cache: cache.path });
      expect(run.code).not.toBe(0);
      expect(run.output).toContain(`Tried: ${server.url}electron/${version}/${zip}`);
      expect(run.output).not.toContain('s3cret-mirror-pw');
    } finally {
      await server.close();
    }
  });

  it('refuses a download whose checksum does not match the one Electron publishes', async () => {
    const server = await mirror((url) => (url.endsWith('.zip') ? { status: 200, body: Buffer.alloc(64 * 1024, 7) } : { status: 404, body: '' }));
    try {
      const run = await npmStart({ ELECTRON_MIRROR: server.url, electron_config_cache: cache.path });
      expect(run.code).not.toBe(0);
      expect(server.requests.map((r) => r.url)).toContain(`/v${version}/${zip}`);
      expect(run.output).toContain("Why: the downloaded file's SHA-256 checksum does not match");
      expect(existsSync(join(electronDir, 'path.txt'))).toBe(false);
      expect(existsSync(join(electronDir, 'dist'))).toBe(false);
      // Nothing unverified is cached for the next attempt.
      expect(readdirSync(cache.path, { recursive: true }).filter((name) => String(name).endsWith('.zip'))).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it('names ELECTRON_OVERRIDE_DIST_PATH plainly when it holds no binary, and downloads nothing', async () => {
    const empty = await tempDir('bf-electron-dist-');
    const server = await mirror(() => ({ status: 404, body: '' }));
    try {
      const run = await npmStart({ ELECTRON_OVERRIDE_DIST_PATH: empty.path, ELECTRON_MIRROR: server.url });
      expect(run.code).not.toBe(0);
      expect(run.output).toContain(`ELECTRON_OVERRIDE_DIST_PATH=${empty.path} holds no Electron binary`);
      expect(server.requests).toEqual([]);
    } finally {
      await server.close();
      await empty.remove();
    }
  });
});
