/**
 * A test double of the parts of the `electron` module the shell uses, recording what the shell
 * asked for, so the real electron/main code runs in Node (the binary cannot be had here).
 */
import { EventEmitter } from 'node:events';
import type { IpcMainInvokeEvent } from 'electron';

type Handler = (event: IpcMainInvokeEvent, input: unknown) => unknown;

export class FakeWebContents extends EventEmitter {
  static nextId = 1;
  readonly id = FakeWebContents.nextId++;
  readonly sent: Array<[string, unknown]> = [];
  readonly mainFrame: { url: string };
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;
  constructor(url: string) {
    super();
    this.mainFrame = { url };
  }
  send(channel: string, payload: unknown) {
    this.sent.push([channel, payload]);
  }
  isDestroyed() {
    return false;
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }) {
    this.windowOpenHandler = handler;
  }
  /** What printToPDF was asked for; it answers a stand-in PDF. */
  readonly printed: Array<Record<string, unknown>> = [];
  printToPDF(options: Record<string, unknown>) {
    this.printed.push(options);
    return Promise.resolve(Buffer.from('%PDF-1.4 stand-in\n'));
  }
  /** Emits a cancellable event the way Electron does; true when a listener prevented it. */
  emitPreventable(name: string, ...args: unknown[]): boolean {
    let prevented = false;
    this.emit(name, { preventDefault: () => (prevented = true) }, ...args);
    return prevented;
  }
}

export function createFakeElectron(appUrl: () => string, options: { isPackaged?: boolean } = {}) {
  const handlers = new Map<string, Handler>();
  const windows: FakeBrowserWindow[] = [];
  const appEvents = new EventEmitter();
  const sessionEvents = new EventEmitter();
  const state = {
    permissionHandler: null as null | ((c: unknown, p: string, cb: (ok: boolean) => void) => void),
    headersHandler: null as null | ((d: { responseHeaders: Record<string, string[]> }, cb: (r: unknown) => void) => void),
    menuTemplate: null as unknown,
    notifications: [] as Array<{ title: string; body: string }>,
    externalOpened: [] as string[],
    quitCalled: 0,
    /** Schemes registered as privileged (before ready), and the handlers of protocol.handle. */
    privilegedSchemes: [] as Array<{ scheme: string; privileges?: Record<string, boolean> }>,
    protocolHandlers: new Map<string, (request: Request) => Promise<Response> | Response>(),
    /** Whether the app was ready when the schemes were registered (Electron requires: not yet). */
    ready: false,
    /** What each window was told to load, in order: `file:<path>` or `url:<url>`. */
    loaded: [] as string[],
  };

  class FakeBrowserWindow extends EventEmitter {
    readonly webContents: FakeWebContents;
    constructor(readonly options: Record<string, unknown>) {
      super();
      this.webContents = new FakeWebContents(appUrl());
      windows.push(this);
    }
    loadFile(path: string) {
      state.loaded.push(`file:${path}`);
      return Promise.resolve();
    }
    loadURL(url: string) {
      state.loaded.push(`url:${url}`);
      return Promise.resolve();
    }
    show() {}
    maximize() {}
    isMaximized() {
      return false;
    }
    isMinimized() {
      return false;
    }
    destroyed = false;
    isDestroyed() {
      return this.destroyed;
    }
    destroy() {
      this.destroyed = true;
    }
    getNormalBounds() {
      return { x: 10, y: 10, width: 1200, height: 800 };
    }
    focus() {}
    restore() {}
  }

  const electron = {
    app: Object.assign(appEvents, {
      setPath: () => undefined,
      getPath: () => '/tmp',
      getVersion: () => '0.1.0-test',
      isPackaged: options.isPackaged ?? false,
      requestSingleInstanceLock: () => true,
      whenReady: () => Promise.resolve().then(() => void (state.ready = true)),
      quit: () => void state.quitCalled++,
      exit: () => undefined,
    }),
    ipcMain: {
      handle: (channel: string, handler: Handler) => {
        if (handlers.has(channel)) throw new Error(`second handler for ${channel}`);
        handlers.set(channel, handler);
      },
      removeHandler: (channel: string) => handlers.delete(channel),
    },
    BrowserWindow: FakeBrowserWindow,
    Menu: { buildFromTemplate: (t: unknown) => t, setApplicationMenu: (t: unknown) => (state.menuTemplate = t) },
    Notification: class {
      static isSupported = () => true;
      constructor(private readonly options: { title: string; body: string }) {}
      show() {
        state.notifications.push(this.options);
      }
    },
    dialog: {
      showSaveDialog: async (..._args: unknown[]): Promise<{ canceled: boolean; filePath?: string }> => ({ canceled: true }),
      showErrorBox: () => undefined,
    },
    nativeTheme: { shouldUseDarkColors: false },
    screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] },
    session: {
      defaultSession: Object.assign(sessionEvents, {
        webRequest: { onHeadersReceived: (h: typeof state.headersHandler) => (state.headersHandler = h) },
        setPermissionRequestHandler: (h: typeof state.permissionHandler) => (state.permissionHandler = h),
        setPermissionCheckHandler: () => undefined,
      }),
    },
    protocol: {
      registerSchemesAsPrivileged: (schemes: typeof state.privilegedSchemes) => {
        if (state.ready) throw new Error('registerSchemesAsPrivileged after ready');
        state.privilegedSchemes.push(...schemes);
      },
      handle: (scheme: string, handler: (request: Request) => Promise<Response> | Response) => {
        if (!state.ready) throw new Error('protocol.handle before ready');
        state.protocolHandlers.set(scheme, handler);
      },
    },
    shell: { openExternal: async (url: string) => void state.externalOpened.push(url) },
  };
  return { electron, handlers, windows, state };
}

/** Calls a registered IPC handler as if `contents` (from `frame`, its main frame by default) had invoked it. */
export function invokeFrom(
  fake: ReturnType<typeof createFakeElectron>,
  contents: FakeWebContents,
  channel: string,
  input?: unknown,
  frame: { url: string } = contents.mainFrame,
): Promise<{ ok: boolean; error?: { kind: string } }> {
  const handler = fake.handlers.get(channel);
  if (!handler) throw new Error(`no handler for ${channel}`);
  return handler({ sender: contents, senderFrame: frame } as unknown as IpcMainInvokeEvent, input) as Promise<{ ok: boolean; error?: { kind: string } }>;
}
