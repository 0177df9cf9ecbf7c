/**
 * Runs the built renderer in Debian's Chromium with its bridge wired to the real IPC handlers,
 * over a real FleetCore (temp data folder, the real keychain of `npm test`) and simulated
 * BrainFrame servers on loopback. Only the Electron shell itself is absent.
 */
import { build } from 'esbuild';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { FleetCore } from '../../electron/core/fleet-core';
import { IpcHandlers } from '../../electron/ipc/handlers';
import { CONTENT_SECURITY_POLICY } from '../../electron/main/window-options';
import { tempDir, testKeychain } from '../helpers/keyring';

const RENDERER_DIR = resolve('out/renderer');
export const SCREENSHOT_DIR = resolve('test-results/screenshots');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export interface E2eApp {
  page: Page;
  core: FleetCore;
  handlers: IpcHandlers;
  dataDir: string;
  /** Files the app saved through files.save, in order. */
  savedFiles: string[];
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

export interface LaunchOptions {
  /** Fills the registry, vault or settings before the page loads. */
  seed?: (core: FleetCore) => Promise<void>;
  viewport?: { width: number; height: number };
}

let browser: Browser | null = null;
let bridgeScript: string | null = null;

/** Whether the renderer was built (npm test builds it before the tests). */
function rendererBuilt(): boolean {
  return existsSync(join(RENDERER_DIR, 'index.html'));
}

export async function launchApp(options: LaunchOptions = {}): Promise<E2eApp> {
  // Fail, never skip: a suite that quietly skipped its browser tests would prove nothing.
  if (!rendererBuilt()) throw new Error('The renderer is not built: run `npm run build` first (`npm test` builds it).');
  const dir = await tempDir('bf-e2e-');
  const core = await FleetCore.open({ dataDir: dir.path, secrets: testKeychain() });
  await options.seed?.(core);
  const savedFiles: string[] = [];
  const handlers = new IpcHandlers(core, {
    appVersion: 'e2e',
    platform: process.platform,
    saveFile: async (name, content) => {
      const path = join(dir.path, 'exports', name);
      await mkdir(join(dir.path, 'exports'), { recursive: true });
      await writeFile(path, content);
      savedFiles.push(path);
      return path;
    },
  });
  const server = await serveRenderer();
  browser ??= await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const context = await browser.newContext({ viewport: options.viewport ?? { width: 1400, height: 900 } });
  const page = await context.newPage();
  page.on('pageerror', (err) => console.error('[renderer error]', err.message));
  await page.exposeBinding('__bfInvoke', (_source, channel: string, input: unknown) => handlers.invoke(channel, input));
  await page.addInitScript({ content: await loadBridgeScript() });
  const forwarding = handlers.onEvent(({ channel, payload }) => {
    page.evaluate(([c, p]) => window.__bfEmit(c as never, p), [channel, payload] as const).catch(() => undefined);
  });
  await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/index.html`);
  return {
    page,
    core,
    handlers,
    dataDir: dir.path,
    savedFiles,
    async screenshot(name) {
      await mkdir(SCREENSHOT_DIR, { recursive: true });
      const path = join(SCREENSHOT_DIR, `${name}.png`);
      await page.screenshot({ path });
      return path;
    },
    async close() {
      forwarding.dispose();
      handlers.dispose();
      await context.close();
      await new Promise((r) => server.close(r));
      await core.close();
      await dir.remove();
    },
  };
}

/** Closes the shared browser; call once in afterAll of the last test file or rely on process exit. */
export async function closeBrowser(): Promise<void> {
  await browser?.close();
  browser = null;
}

async function loadBridgeScript(): Promise<string> {
  if (bridgeScript) return bridgeScript;
  const result = await build({ entryPoints: [resolve('test/e2e/browser-bridge.ts')], bundle: true, write: false, format: 'iife', platform: 'browser', target: 'chrome120' });
  bridgeScript = result.outputFiles[0]!.text;
  return bridgeScript;
}

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png', '.woff2': 'font/woff2' };

/** The built renderer over loopback, with the app's own Content-Security-Policy. */
function serveRenderer(): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const path = normalize(join(RENDERER_DIR, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)));
    if (!path.startsWith(RENDERER_DIR) || !existsSync(path)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': TYPES[extname(path)] ?? 'application/octet-stream', 'Content-Security-Policy': CONTENT_SECURITY_POLICY });
    createReadStream(path).pipe(res);
  });
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r(server)));
}
