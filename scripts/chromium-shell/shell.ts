/**
 * The app's renderer in a Chromium driven by playwright-core instead of an Electron window: the
 * built renderer (out/renderer) served by the main process's own serveRenderer with the app's
 * Content-Security-Policy, and window.bf calling the real IPC handlers in this Node process
 * through Playwright bindings. No network listener: every request of the page is answered by
 * Playwright's routing, from a fixed loopback origin that is never dialled (port 1, which Chromium
 * refuses to connect to), and anything else is aborted. The end-to-end tests and the app's
 * fallback where Electron cannot start (app.ts) both open the renderer through here.
 */
import { build } from 'esbuild';
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { Sequencer } from '../../electron/common/async';
import { printHtmlToPdf } from '../../electron/core/report/chromium-pdf';
import type { HostServices, IpcHandlers } from '../../electron/ipc/handlers';
import type { EventChannel } from '../../electron/ipc/contract';
import { APP_ORIGIN, serveRenderer } from '../../electron/main/app-protocol';
import { appUrlMatcher } from '../../electron/main/app-url';
import { CONTENT_SECURITY_POLICY } from '../../electron/main/window-options';

/** Where the page seems to come from: loopback, at a port Chromium never connects to, so a routing mistake reaches no machine. */
const SHELL_ORIGIN = 'http://127.0.0.1:1';
const SHELL_PAGE_URL = `${SHELL_ORIGIN}/index.html`;
const isShellPage = appUrlMatcher({ devServerUrl: null, pageUrl: SHELL_PAGE_URL });
/** What page-bridge.ts gives the page for events (functions run in the page, not here). */
interface PageBridge {
  __bfReceivePart(text: string): void;
  __bfReceive(channel: EventChannel, lastPart: string): void;
}

/** The largest piece of an event's JSON handed to the page at once (see openRenderer). */
const EVENT_PART_CHARS = 128 * 1024;
const BRIDGE_SOURCE = resolve(import.meta.dirname, 'page-bridge.ts');

/**
 * The app:// URL a request to the shell's origin stands for, or null for any other origin: the
 * path and query are handed unchanged to serveRenderer, whose checks (no `..`, no escapes out of
 * out/renderer, no links leaving it) decide as they do for the Electron window.
 */
export function appUrlFor(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.origin !== SHELL_ORIGIN || parsed.username || parsed.password) return null;
  return `${APP_ORIGIN}${parsed.pathname}${parsed.search}`;
}

/** Whether this process runs as root, where Chromium refuses to start with its sandbox on. */
export function runsAsRoot(): boolean {
  return process.getuid?.() === 0;
}

export interface ChromiumOptions {
  executablePath: string;
  headless: boolean;
  /** Extra command-line switches (a window size, say). */
  args?: string[];
  /**
   * The caller closes the browser itself on Ctrl+C and SIGTERM (after its own clean-up), so
   * Playwright must not exit the process on them first. Default: Playwright's handlers.
   */
  ownSignals?: boolean;
}

/**
 * Starts Chromium with nothing of its own going to the network: no background networking,
 * component updates or sync, and a proxy on a loopback port nothing listens on, so that a request
 * which somehow escaped the routing still reaches no other machine. The renderer sandbox stays
 * on, except as root, where Chromium refuses to start with it (then `--no-sandbox`).
 */
export function launchChromium({ executablePath, headless, args = [], ownSignals = false }: ChromiumOptions): Promise<Browser> {
  return chromium.launch({
    executablePath,
    headless,
    handleSIGINT: !ownSignals,
    handleSIGTERM: !ownSignals,
    chromiumSandbox: !runsAsRoot(),
    proxy: { server: 'http://127.0.0.1:9' },
    args: ['--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', ...args],
  });
}

let bridgeScript: Promise<string> | null = null;

function loadBridgeScript(): Promise<string> {
  bridgeScript ??= build({ entryPoints: [BRIDGE_SOURCE], bundle: true, write: false, format: 'iife', platform: 'browser', target: 'chrome120' }).then(
    (result) => result.outputFiles[0]!.text,
  );
  return bridgeScript;
}

export interface RendererWindow {
  page: Page;
  context: BrowserContext;
  /** Stops forwarding events and closes the page's context (the handlers are the caller's). */
  close(): Promise<void>;
}

export interface OpenOptions {
  /** The built renderer (default out/renderer). */
  rendererDir?: string;
  /** The page's size; null follows the browser window (headed). */
  viewport: { width: number; height: number } | null;
}

/**
 * Opens the app's page in a new context of `browser`, its bridge wired to `handlers`. Like
 * electron/main: only the app's page may call the handlers (its main frame, at the app's URL),
 * events go to it only, popups are closed, and nothing outside the renderer's folder is loaded.
 */
export async function openRenderer(browser: Browser, handlers: Pick<IpcHandlers, 'invoke' | 'onEvent'>, options: OpenOptions): Promise<RendererWindow> {
  const rendererDir = options.rendererDir ?? resolve('out/renderer');
  const context = await browser.newContext({ viewport: options.viewport, acceptDownloads: false });
  await context.route('**/*', async (route) => {
    const request = route.request();
    const appUrl = appUrlFor(request.url());
    if (!appUrl) return route.abort('blockedbyclient');
    const response = await serveRenderer({ url: appUrl, method: request.method() }, rendererDir, CONTENT_SECURITY_POLICY);
    await route.fulfill({ status: response.status, headers: Object.fromEntries(response.headers), body: Buffer.from(await response.arrayBuffer()) });
  });
  const page = await context.newPage();
  page.on('pageerror', (err) => console.error('[renderer error]', err.message));
  page.on('popup', (popup) => void popup.close());
  // Results go back as JSON text (page-bridge parses them), like events below.
  await page.exposeBinding('__bfInvoke', async (source, channel: string, input: unknown) => {
    if (source.frame !== source.page.mainFrame() || !isShellPage(source.frame.url())) {
      return JSON.stringify({ ok: false, error: { kind: 'Forbidden', message: 'Refused a message from a page that is not the app.' } });
    }
    return JSON.stringify(await handlers.invoke(channel, input));
  });
  await page.addInitScript({ content: await loadBridgeScript() });
  const delivery = new Sequencer();
  const forwarding = handlers.onEvent(({ channel, payload }) => {
    if (!isShellPage(page.url())) return;
    // As JSON text: Playwright's own serialisation walks the object graph on both sides, seconds
    // for an operation's 5,000 results; the payloads are plain data, as Electron's IPC requires.
    // A large one goes in pieces, each a task of its own for the page: the DevTools protocol takes
    // about 0.1 s a megabyte to hand a message over, a frame the page cannot draw meanwhile.
    const json = payload === undefined ? '' : JSON.stringify(payload); // '' for an event without a payload (servers.changed)
    // One event after another, each piece once the page has taken the one before, so it can draw between them.
    void delivery
      .queue(async () => {
        let at = 0;
        for (; json.length - at > EVENT_PART_CHARS; at += EVENT_PART_CHARS) {
          await page.evaluate((part) => (globalThis as unknown as PageBridge).__bfReceivePart(part), json.slice(at, at + EVENT_PART_CHARS));
        }
        await page.evaluate(([c, last]) => (globalThis as unknown as PageBridge).__bfReceive(c, last), [channel, json.slice(at)] as const);
      })
      .catch(() => undefined); // the page closed or navigated meanwhile
  });
  await page.goto(SHELL_PAGE_URL);
  return {
    page,
    context,
    async close() {
      forwarding.dispose();
      await context.close();
    },
  };
}

/**
 * What the shell can do for the handlers in place of Electron's dialogs: files are written into
 * `folder` under the name the app suggests (never over an existing file: `name-2.csv`, …), private
 * to this account, and PDFs are printed by `chromiumPath` (electron/core/report/chromium-pdf.ts).
 * `onSaved` hears each path, as the app's own message does.
 */
export function folderHostServices(options: { appVersion: string; folder: string; chromiumPath: string; onSaved?: (path: string) => void }): HostServices {
  const { folder, chromiumPath, onSaved } = options;
  const write = async (suggestedName: string, content: string | Uint8Array): Promise<string> => {
    await mkdir(folder, { recursive: true, mode: 0o700 });
    const name = basename(suggestedName);
    const stem = name.slice(0, name.length - extname(name).length);
    for (let n = 1; ; n++) {
      const path = join(folder, n === 1 ? name : `${stem}-${n}${extname(name)}`);
      try {
        await writeFile(path, content, { mode: 0o600, flag: 'wx' });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EEXIST') continue;
        throw err;
      }
      onSaved?.(path);
      return path;
    }
  };
  return {
    appVersion: options.appVersion,
    platform: process.platform,
    saveFile: (suggestedName, content) => write(suggestedName, content),
    savePdf: async (suggestedName, html) => write(suggestedName, await printHtmlToPdf(html, { executablePath: chromiumPath })),
  };
}
