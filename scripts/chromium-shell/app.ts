/**
 * The desktop app where Electron cannot start: the same renderer, opened in this machine's
 * Chromium by the Chromium shell (shell.ts), over the same IpcHandlers and FleetCore the Electron
 * main process builds, running in this Node process. A fallback for trying the app and for
 * support, not a second product: what Electron's shell adds (native save dialogs, desktop
 * notifications, menus) is replaced by the nearest honest thing, and said so.
 */
import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { AppError } from '../../electron/common/errors';
import { resolveDataDir } from '../../electron/core/data-dir';
import { FleetCore } from '../../electron/core/fleet-core';
import { findChromium } from '../../electron/core/report/chromium-pdf';
import { AlertNotifier, BackgroundRefresh } from '../../electron/core/status/background-refresh';
import { IpcHandlers } from '../../electron/ipc/handlers';
import { mainWindowFrame } from '../../electron/main/window-options';
import { buildIfStale } from '../build-freshness.mjs';
import { folderHostServices, launchChromium, openRenderer, runsAsRoot } from './shell';

const ROOT = resolve(import.meta.dirname, '../..');

export interface ChromiumModeOptions {
  /** Why the app does not run in Electron, as one line: "Electron's binary is not available (…)". */
  why: string;
  /** Run without a window (default: only where there is no display). */
  headless: boolean;
  /** Write a PNG of the window once the grid shows, then close the app. */
  screenshot: string | null;
  log?: (line: string) => void;
}

export type ChromiumModeResult = { launched: true; exitCode: number } | { launched: false; message: string };

/** Whether a window can be shown: always on macOS and Windows, with an X or Wayland display elsewhere. */
export function hasDisplay(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): boolean {
  return platform === 'darwin' || platform === 'win32' || !!(env.DISPLAY || env.WAYLAND_DISPLAY);
}

/**
 * Runs the app in Chromium until its window is closed (or Ctrl+C), or until the screenshot is
 * written. Resolves `{launched: false}` with both reasons when no Chromium is found either.
 */
export async function runInChromium(options: ChromiumModeOptions): Promise<ChromiumModeResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  let executablePath: string;
  try {
    executablePath = findChromium({ needs: 'Opening the app in Chromium instead needs' });
  } catch (err) {
    if (err instanceof AppError) return { launched: false, message: `${options.why}.\n${err.message}` };
    throw err;
  }
  const headless = options.headless || !hasDisplay();
  const dataDir = resolveDataDir();
  log(
    [
      `${options.why}. Opening the app in Chromium (${executablePath}) instead: the same app, its handlers running in this Node process (pid ${process.pid}) on the data folder ${dataDir}.`,
      headless
        ? `Chromium runs headless (${options.headless ? '--headless' : 'no display: DISPLAY and WAYLAND_DISPLAY are unset'}): there is no window to see${options.screenshot ? '' : '; use --screenshot FILE for a picture of it, and Ctrl+C to stop'}.`
        : 'Close the window (or press Ctrl+C) to quit.',
      `Files the app saves go to ${join(dataDir, 'exports')} (there is no save dialog here); no desktop notifications: license alerts are printed here.`,
      runsAsRoot() ? "Running as root: Chromium refuses its sandbox then, so it starts with --no-sandbox (the page is not sandboxed; run as a normal user to keep it)." : '',
    ]
      .filter(Boolean)
      .join('\n'),
  );

  // out/ from the current sources, as `electron-vite preview` makes it before the Electron app starts.
  buildIfStale(ROOT, { need: 'The app needs a build of the current sources', announce: (reason) => log(`Building the app first (${reason}).`), showOutput: false });
  const core = await FleetCore.open({ dataDir });
  const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  const handlers = new IpcHandlers(
    core,
    folderHostServices({ appVersion: version, folder: join(dataDir, 'exports'), chromiumPath: executablePath, onSaved: (path) => log(`Saved ${path}`) }),
  );
  const background = new BackgroundRefresh(core);
  const notifier = new AlertNotifier(core, (alert) => log(`License alert: ${alert.title}: ${alert.body}`));
  const frame = mainWindowFrame({}, false);
  const size = { width: frame.width ?? 1280, height: frame.height ?? 800 };
  const browser = await launchChromium({ executablePath, headless, args: headless ? [] : [`--window-size=${size.width},${size.height}`], ownSignals: true });
  const stop = closedOrInterrupted(browser);
  let exitCode = 0;
  try {
    const window = await openRenderer(browser, handlers, { rendererDir: join(ROOT, 'out/renderer'), viewport: headless ? size : null });
    window.page.once('close', stop.trigger);
    if (core.settings.get().refreshIntervalMinutes > 0) void background.runNow().catch(() => undefined);
    if (options.screenshot) {
      const shot = screenshotOfGrid(window.page, resolve(options.screenshot), log).catch(() => 1);
      exitCode = await Promise.race([shot, stop.done.then(() => 130)]);
    } else {
      await stop.done;
    }
  } finally {
    stop.dispose();
    notifier.dispose();
    background.dispose();
    handlers.dispose();
    await browser.close();
    await core.close();
  }
  return { launched: true, exitCode };
}

/** Settles when the user closes the window or Chromium, or on Ctrl+C / SIGTERM, which then close the app cleanly. */
function closedOrInterrupted(browser: Browser): { done: Promise<void>; trigger: () => void; dispose: () => void } {
  let trigger = () => undefined as void;
  const done = new Promise<void>((resolveDone) => (trigger = () => resolveDone()));
  process.on('SIGINT', trigger);
  process.on('SIGTERM', trigger);
  browser.once('disconnected', trigger);
  return {
    done,
    trigger,
    dispose: () => {
      process.off('SIGINT', trigger);
      process.off('SIGTERM', trigger);
    },
  };
}

/**
 * Waits for the grid as a user sees it (the "Servers" grid, loaded), says how many servers it
 * shows and the first names, and writes the PNG. 0 when the grid showed; 1 when it did not within
 * 30 s (the picture is still written, showing what the window showed instead).
 */
async function screenshotOfGrid(page: Page, path: string, log: (line: string) => void): Promise<number> {
  const grid = page.getByRole('grid', { name: 'Servers' });
  let exitCode = 0;
  try {
    await grid.waitFor({ timeout: 30_000 });
    await page.getByText('Loading the fleet…').waitFor({ state: 'hidden', timeout: 30_000 });
    const rows = Number(await grid.getAttribute('aria-rowcount')) - 1; // the header row counts too
    const names = (await grid.locator('.cell.name').allTextContents()).map((name) => name.trim()).filter(Boolean);
    const servers = `${rows} server${rows === 1 ? '' : 's'}${names.length ? ` (${names.slice(0, 3).join(', ')}${rows > 3 ? ', …' : ''})` : ''}`;
    log(`The grid shows ${servers}, in the window “${await page.title()}”.`);
  } catch (err) {
    log(`The grid did not show within 30 s (${err instanceof Error ? err.message.split('\n')[0] : String(err)}).`);
    exitCode = 1;
  }
  await mkdir(dirname(path), { recursive: true });
  await page.screenshot({ path });
  log(`Screenshot written to ${path}.`);
  return exitCode;
}
