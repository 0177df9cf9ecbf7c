/**
 * The command line's PDF: the report's own HTML printed by a headless Chromium through
 * playwright-core, when both are on this machine. The desktop app prints with Electron instead
 * (electron/main), and with this where it runs in Chromium (scripts/chromium-shell). Nothing is
 * downloaded: a missing browser is said plainly, with what to do.
 */
import { existsSync } from 'node:fs';
import type * as PlaywrightModule from 'playwright-core';
import { AppError } from '../../common/errors';

/** Points at a Chromium (or Chrome, Edge) binary to print PDFs with. */
const CHROMIUM_PATH_ENV = 'BF_CHROMIUM_PATH';

/** Where Chromium-family browsers are commonly installed, per platform. */
const COMMON_PATHS: Record<string, string[]> = {
  linux: ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/snap/bin/chromium', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable', '/usr/bin/microsoft-edge'],
  darwin: [
    '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
    '/Applications/Chromium.app/Contents/MacOS/Chromium',
    '/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge',
  ],
  win32: [
    'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
    'C:\\Program Files (x86)\\Google\\Chrome\\Application\\chrome.exe',
    'C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe',
  ],
};

/** What a caller needs the browser for, worded into the message when none is found. */
export interface ChromiumUse {
  /** Who needs it, as the message's start: "PDF needs". */
  needs: string;
  /** What to do instead, after the ways to get one: "or write --format html…". */
  otherwise?: string;
}

/**
 * A Chromium-family browser on this machine: $BF_CHROMIUM_PATH when set (and it must exist), else
 * the first common install found. The command line's PDF and the app's Chromium shell both use it.
 */
export function findChromium(use: ChromiumUse, env: NodeJS.ProcessEnv = process.env, platform: string = process.platform, exists: (path: string) => boolean = existsSync): string {
  const override = env[CHROMIUM_PATH_ENV];
  if (override !== undefined && override !== '') {
    if (!exists(override)) throw new AppError('NotFound', `${CHROMIUM_PATH_ENV} names ${override}, which does not exist. Point it at a Chromium or Chrome binary, or unset it.`);
    return override;
  }
  const found = (COMMON_PATHS[platform] ?? []).find((path) => exists(path));
  if (!found) {
    throw new AppError(
      'NotFound',
      `${use.needs} a Chromium-family browser, and none was found (looked for ${(COMMON_PATHS[platform] ?? []).join(', ') || 'nothing on this platform'}). Install Chromium or Chrome, or set ${CHROMIUM_PATH_ENV} to one${use.otherwise ? `; ${use.otherwise}` : ''}.`,
    );
  }
  return found;
}

const PDF_USE: ChromiumUse = { needs: 'PDF needs', otherwise: 'or write --format html and print it from any browser' };

type PlaywrightCore = typeof PlaywrightModule;

async function loadPlaywright(): Promise<PlaywrightCore> {
  // Named in a variable so the bundler leaves it out: it is present in a development install only.
  const name = 'playwright-core';
  try {
    return (await import(/* @vite-ignore */ name)) as PlaywrightCore;
  } catch {
    throw new AppError('NotFound', 'PDF from the command line needs the playwright-core package, which this installation lacks. Write --format html and print it from a browser, or make the PDF in the desktop app (Report…).');
  }
}

/** Prints one self-contained HTML page to PDF bytes in a headless Chromium with no network. */
export async function printHtmlToPdf(html: string, { paper = 'A4', executablePath = findChromium(PDF_USE) }: { paper?: 'A4' | 'Letter'; executablePath?: string } = {}): Promise<Uint8Array> {
  const { chromium } = await loadPlaywright();
  const browser = await chromium.launch({
    executablePath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const context = await browser.newContext({ javaScriptEnabled: false, offline: true });
    const page = await context.newPage();
    // The page may load nothing: it is self-contained, and anything else would be a defect.
    await page.route('**/*', (route) => route.abort());
    await page.setContent(html, { waitUntil: 'load' });
    // Letter is the narrower page and A4 the shorter: the layout fits either.
    return await page.pdf({ format: paper, printBackground: true });
  } finally {
    await browser.close();
  }
}
