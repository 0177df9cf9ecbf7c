/**
 * Runs the built renderer in Chromium through the app's Chromium shell (scripts/chromium-shell),
 * its bridge wired to the real IPC handlers, over a real FleetCore (temp data folder, the real
 * keychain of `npm test`) and simulated BrainFrame servers on loopback. Only the Electron shell
 * itself is absent.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { FleetCore } from '../../electron/core/fleet-core';
import { findChromium } from '../../electron/core/report/chromium-pdf';
import { IpcHandlers } from '../../electron/ipc/handlers';
import { folderHostServices, launchChromium, openRenderer } from '../../scripts/chromium-shell/shell';
import { tempDir, testKeychain } from '../helpers/keyring';

const RENDERER_DIR = resolve('out/renderer');
export const SCREENSHOT_DIR = resolve('test-results/screenshots');
const CHROMIUM = findChromium({ needs: 'The browser tests need' });

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
  const handlers = new IpcHandlers(
    core,
    folderHostServices({ appVersion: 'e2e', folder: join(dir.path, 'exports'), chromiumPath: CHROMIUM, onSaved: (path) => savedFiles.push(path) }),
  );
  browser ??= await launchChromium({ executablePath: CHROMIUM, headless: true });
  const window = await openRenderer(browser, handlers, { rendererDir: RENDERER_DIR, viewport: options.viewport ?? { width: 1400, height: 900 } });
  const page = window.page;
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
      await window.close();
      handlers.dispose();
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
