/**
 * The desktop shell: lifecycle, the one window, menus, and the wiring of the core to IPC.
 * Everything it drives lives below in core and ipc, which run (and are tested) without Electron.
 */
import { app, BrowserWindow, dialog, ipcMain, Menu, nativeTheme, Notification, protocol, screen, session, shell } from 'electron';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { resolveDataDir } from '../core/data-dir';
import { FleetCore } from '../core/fleet-core';
import { AlertNotifier, BackgroundRefresh } from '../core/status/background-refresh';
import { JsonFile } from '../core/storage/json-file';
import { DisposableStore } from '../common/events';
import { onUnexpectedError } from '../common/unexpected';
import { IpcHandlers } from '../ipc/handlers';
import { APP_PAGE_URL, APP_SCHEME, APP_SCHEME_PRIVILEGES, serveRenderer } from './app-protocol';
import { appUrlMatcher, devServerUrl } from './app-url';
import { registerIpc } from './ipc-adapter';
import { menuTemplate } from './menu';
import { notificationText } from './notification-text';
import { printHtmlToPdf } from './print-pdf';
import { CONTENT_SECURITY_POLICY, DEVELOPMENT_CONTENT_SECURITY_POLICY, isVettedExternalUrl, mainWindowFrame, restoreBounds } from './window-options';

// Set by electron-vite in development; never honoured in a packaged app.
const DEV_SERVER_URL = devServerUrl(process.env.ELECTRON_RENDERER_URL, app.isPackaged);
// Otherwise the built renderer, from our own app:// scheme (app-protocol.ts), never from file://.
const RENDERER_DIR = join(import.meta.dirname, '../renderer');
const isAppUrl = appUrlMatcher({ devServerUrl: DEV_SERVER_URL, pageUrl: APP_PAGE_URL });
// Must happen before ready.
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: APP_SCHEME_PRIVILEGES }]);

// One data folder for the app and the command line (and BF_FLEET_DATA_DIR for the demo and tests).
const dataDir = resolveDataDir();
app.setPath('userData', dataDir);

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  main().catch((err: unknown) => {
    // Nothing works without the core (an unwritable data folder, say): say why, then leave.
    dialog.showErrorBox('BrainFrame Fleet Licenses could not start', `${err instanceof Error ? err.message : String(err)}\n\nData folder: ${dataDir}`);
    app.exit(1);
  });
}

/** Names of the file types the app saves, for the save dialog's filter. */
const FILE_TYPES: Record<string, string> = { csv: 'CSV', html: 'Web page (HTML)', pdf: 'PDF', json: 'JSON', ics: 'Calendar (iCalendar)' };

const boundsSchema = z.object({ x: z.number(), y: z.number(), width: z.number().min(200), height: z.number().min(200), maximized: z.boolean() });

async function main(): Promise<void> {
  await app.whenReady();
  hardenSessions();
  const core = await FleetCore.open({ dataDir });
  let window: BrowserWindow | null = null;
  const contents = () => (window && !window.isDestroyed() ? [window.webContents] : []);

  const handlers = new IpcHandlers(core, {
    appVersion: app.getVersion(),
    platform: process.platform,
    saveFile: async (suggestedName, content) => {
      const path = await askSavePath(suggestedName);
      if (path) await writeFile(path, content, { mode: 0o600 });
      return path;
    },
    savePdf: async (suggestedName, html) => {
      const path = await askSavePath(suggestedName);
      if (path) await writeFile(path, await printHtmlToPdf(html), { mode: 0o600 });
      return path;
    },
  });
  /** The native save dialog, filtered to the suggested name's type; null when cancelled. */
  const askSavePath = async (suggestedName: string): Promise<string | null> => {
    const extension = /\.([a-z]+)$/i.exec(suggestedName)?.[1]?.toLowerCase() ?? '';
    const options = { defaultPath: join(app.getPath('documents'), suggestedName), filters: [{ name: FILE_TYPES[extension] ?? extension.toUpperCase(), extensions: [extension] }] };
    const choice = window ? await dialog.showSaveDialog(window, options) : await dialog.showSaveDialog(options);
    return choice.canceled || !choice.filePath ? null : choice.filePath;
  };
  const background = new BackgroundRefresh(core);
  const disposables = new DisposableStore();
  disposables.add(handlers);
  disposables.add(registerIpc(ipcMain, handlers, { contents, isAppUrl }));
  disposables.add(background);
  disposables.add(
    new AlertNotifier(core, (alert) => {
      // The text holds the server's name (from a CSV, say): escaped where the daemon renders markup.
      if (Notification.isSupported()) new Notification(notificationText(alert, process.platform)).show();
    }),
  );

  const windowState = new JsonFile(join(dataDir, 'window-state.json'), boundsSchema.nullable(), () => null);
  const send = (command: Parameters<Parameters<typeof menuTemplate>[0]>[0]) => window?.webContents.send('menu.command', command);
  Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate(send, process.platform, !app.isPackaged)));

  const openWindow = async () => {
    const saved = (await windowState.load()).value;
    const workAreas = screen.getAllDisplays().map((d) => d.workArea);
    // Locked down as Electron's security checklist asks, written out here (not in a helper) so that
    // reviewers and Electronegativity see exactly what the window gets.
    window = new BrowserWindow({
      ...mainWindowFrame(restoreBounds(saved, workAreas), nativeTheme.shouldUseDarkColors),
      webPreferences: {
        preload: join(import.meta.dirname, '../preload/index.cjs'),
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        nodeIntegrationInWorker: false,
        nodeIntegrationInSubFrames: false,
        webSecurity: true,
        allowRunningInsecureContent: false,
        webviewTag: false,
        experimentalFeatures: false,
        navigateOnDragDrop: false,
        spellcheck: false,
        // No middle-click (auxclick) on links: new windows are refused in lockDown() as well.
        disableBlinkFeatures: 'Auxclick',
      },
    });
    if (saved?.maximized) window.maximize();
    lockDown(window);
    window.once('ready-to-show', () => window?.show());
    window.on('close', () => {
      if (!window) return;
      const bounds = window.getNormalBounds();
      // A nicety: not worth a crash on a read-only disk.
      void windowState.save({ ...bounds, maximized: window.isMaximized() }).catch((err) => onUnexpectedError('saving the window position', err));
    });
    window.on('closed', () => (window = null));
    await window.loadURL(DEV_SERVER_URL ?? APP_PAGE_URL);
  };

  app.on('second-instance', () => {
    if (!window) return void openWindow();
    if (window.isMinimized()) window.restore();
    window.focus();
  });
  app.on('activate', () => {
    if (!window) void openWindow();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  // A clean shutdown: cancel running bulk operations, then flush the status cache, once.
  let closing = false;
  app.on('before-quit', (event) => {
    if (closing) return;
    closing = true;
    event.preventDefault();
    disposables.dispose();
    void core.close().finally(() => app.quit());
  });

  await openWindow();
  // The window opens on the last known picture; with background refresh on, a fresh one follows at once.
  if (core.settings.get().refreshIntervalMinutes > 0) void background.runNow().catch((err) => onUnexpectedError('refreshing the fleet at start-up', err));
}

/**
 * Every session: the app's scheme serving out/renderer, our CSP on every response, no permission
 * granted, nothing downloaded. The app:// handler sets the CSP itself; the webRequest hook adds it
 * to http(s) responses (the dev server's), and does not see file:// at all, which the app never loads.
 */
function hardenSessions(): void {
  const s = session.defaultSession;
  protocol.handle(APP_SCHEME, (request) => serveRenderer(request, RENDERER_DIR, CONTENT_SECURITY_POLICY));
  const policy = DEV_SERVER_URL ? DEVELOPMENT_CONTENT_SECURITY_POLICY : CONTENT_SECURITY_POLICY;
  s.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [policy] } });
  });
  s.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  s.setPermissionCheckHandler(() => false);
  s.on('will-download', (event) => event.preventDefault());
}

/** The window may show only the app: navigation and new windows are refused; vetted https links open in the OS browser. */
function lockDown(window: BrowserWindow): void {
  const contents = window.webContents;
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (isVettedExternalUrl(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
}
