// The border between the page and the main process: the IPC adapter answers only the app's own
// frame, whatever else sends, and the preload gives the page one function per contract entry and
// nothing that reaches IPC generically.
import { describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { COMMAND_CHANNELS, EVENT_CHANNELS, type Result } from '../../electron/ipc/contract';
import type { EmittedEvent } from '../../electron/ipc/handlers';
import { registerIpc } from '../../electron/main/ipc-adapter';
import { Emitter } from '../../electron/common/events';

const electron = vi.hoisted(() => ({
  exposed: [] as Array<[string, unknown]>,
  invoked: [] as Array<[string, unknown]>,
  subscribed: new Map<string, Set<(...args: unknown[]) => void>>(),
}));
vi.mock('electron', () => {
  const ipcRenderer = {
    invoke: async (channel: string, input: unknown) => (electron.invoked.push([channel, input]), { ok: true, value: null }),
    on: (channel: string, listener: (...args: unknown[]) => void) => {
      const set = electron.subscribed.get(channel) ?? new Set();
      electron.subscribed.set(channel, set.add(listener));
    },
    removeListener: (channel: string, listener: (...args: unknown[]) => void) => electron.subscribed.get(channel)?.delete(listener),
    send: () => {
      throw new Error('the preload must not send');
    },
  };
  const module = { contextBridge: { exposeInMainWorld: (name: string, api: unknown) => electron.exposed.push([name, api]) }, ipcRenderer };
  return { ...module, default: module };
});

const APP_URL = 'file:///opt/app/renderer/index.html';

interface Frame {
  url: string;
}

function contents(id: number, url = APP_URL): WebContents {
  const mainFrame: Frame = { url };
  return { id, mainFrame, isDestroyed: () => false, send: vi.fn() } as unknown as WebContents;
}

function adapter(windows: WebContents[]) {
  const registered = new Map<string, (event: IpcMainInvokeEvent, input: unknown) => unknown>();
  const ipcMain = { handle: (c: string, h: (event: IpcMainInvokeEvent, input: unknown) => unknown) => registered.set(c, h), removeHandler: (c: string) => registered.delete(c) };
  const events = new Emitter<EmittedEvent>();
  const invoke = vi.fn(async (): Promise<Result<unknown>> => ({ ok: true, value: 'answered' }));
  const registration = registerIpc(ipcMain as unknown as Pick<IpcMain, 'handle' | 'removeHandler'>, { invoke, onEvent: events.event }, {
    contents: () => windows,
    isAppUrl: (url) => url === APP_URL || url.startsWith(`${APP_URL}#`),
  });
  const send = (channel: string, event: Partial<{ sender: unknown; senderFrame: unknown }>, input?: unknown) =>
    Promise.resolve(registered.get(channel)!(event as IpcMainInvokeEvent, input));
  return { registered, invoke, send, events, registration };
}

describe('the IPC adapter', () => {
  it('answers the app’s own main frame, also on one of its routes', async () => {
    const ours = contents(1);
    const { send, invoke } = adapter([ours]);
    expect(await send('servers.list', { sender: ours, senderFrame: ours.mainFrame })).toEqual({ ok: true, value: 'answered' });
    (ours.mainFrame as Frame).url = `${APP_URL}#/keys`;
    expect(await send('servers.list', { sender: ours, senderFrame: ours.mainFrame })).toEqual({ ok: true, value: 'answered' });
    expect(invoke).toHaveBeenCalledTimes(2);
  });

  it('refuses every other sender with Forbidden, never reaching a handler', async () => {
    const ours = contents(1);
    const { send, invoke } = adapter([ours]);
    const url = fc.oneof(
      fc.webUrl(),
      fc.constantFrom(APP_URL, `${APP_URL}#/x`, `${APP_URL}.evil`, `${APP_URL}?x`, 'file:///opt/app/renderer/other.html', 'about:blank', 'devtools://devtools/bundled/x.html', ''),
    );
    const frame = fc.record({ url });
    // A stranger's contents, ours from a subframe (a frame object other than its main frame), or ours navigated away.
    const event = fc.oneof(
      fc.tuple(fc.integer({ min: 2, max: 1000 }), url).map(([id, u]) => {
        const stranger = contents(id, u);
        return { sender: stranger, senderFrame: stranger.mainFrame };
      }),
      frame.map((f) => ({ sender: ours, senderFrame: f })),
      fc.constantFrom({ sender: ours, senderFrame: null }, { sender: ours, senderFrame: undefined }),
      url.filter((u) => u !== APP_URL && !u.startsWith(`${APP_URL}#`)).map((u) => {
        const navigated = contents(1, u);
        return { sender: navigated, senderFrame: navigated.mainFrame };
      }),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...COMMAND_CHANNELS), event, async (channel, e) => {
        expect(await send(channel, e, { ids: ['x'] })).toMatchObject({ ok: false, error: { kind: 'Forbidden' } });
      }),
      { numRuns: 300 },
    );
    expect(invoke).not.toHaveBeenCalled();
  });

  it('refuses a message from a frame that is gone, with an answer rather than an exception', async () => {
    const ours = contents(1);
    const { send, invoke } = adapter([ours]);
    // Electron throws on any access to a disposed frame.
    const disposed = Object.defineProperty({}, 'url', {
      get() {
        throw new Error('Render frame was disposed before WebFrameMain could be accessed');
      },
    });
    Object.defineProperty(ours, 'mainFrame', { get: () => disposed });
    await expect(send('servers.list', { sender: ours, senderFrame: disposed })).resolves.toMatchObject({ ok: false, error: { kind: 'Forbidden' } });
    expect(invoke).not.toHaveBeenCalled();
  });

  it('registers exactly the contract’s channels and removes them all', () => {
    const { registered, registration } = adapter([]);
    expect([...registered.keys()].sort()).toEqual([...COMMAND_CHANNELS].sort());
    registration.dispose();
    expect(registered.size).toBe(0);
  });

  it('sends events to the app’s windows only, never to a destroyed one', () => {
    const ours = contents(1);
    const gone = Object.assign(contents(2), { isDestroyed: () => true });
    const { events } = adapter([ours, gone]);
    events.fire({ channel: 'servers.changed', payload: undefined });
    expect(ours.send).toHaveBeenCalledWith('servers.changed', undefined);
    expect(gone.send).not.toHaveBeenCalled();
  });
});

describe('the preload', () => {
  it('exposes one object, with one function per contract command and `on`, and nothing else', async () => {
    await import('../../electron/preload/index');
    expect(electron.exposed.map(([name]) => name)).toEqual(['bf']);
    const bf = electron.exposed[0]![1] as Record<string, unknown>;
    const paths: string[] = [];
    for (const [domain, value] of Object.entries(bf)) {
      if (typeof value === 'function') paths.push(domain);
      else for (const [action, fn] of Object.entries(value as Record<string, unknown>)) paths.push(`${domain}.${action}:${typeof fn}`);
    }
    expect(paths.sort()).toEqual([...COMMAND_CHANNELS.map((c) => `${c}:function`), 'on'].sort());
  });

  it('sends each function to its own channel only, whatever the page passes', async () => {
    const bf = electron.exposed[0]![1] as Record<string, Record<string, (input?: unknown) => Promise<unknown>>>;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...COMMAND_CHANNELS), fc.anything(), async (channel, input) => {
        electron.invoked.length = 0;
        const [domain, action] = channel.split('.') as [string, string];
        await bf[domain]![action]!(input);
        expect(electron.invoked.map(([c]) => c)).toEqual([channel]);
      }),
      { numRuns: 200 },
    );
  });

  it('subscribes to contract events only, and hands listeners the payload without the IPC event', () => {
    const bf = electron.exposed[0]![1] as { on: (event: string, listener: (...args: unknown[]) => void) => () => void };
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.constantFrom('__proto__', 'constructor', 'ipc-message', 'servers.add', 'fleet.progress ')), (event) => {
        fc.pre(!(EVENT_CHANNELS as readonly string[]).includes(event));
        expect(() => bf.on(event, () => undefined)).toThrow(/unknown event/);
      }),
    );
    const received: unknown[][] = [];
    const unsubscribe = bf.on('fleet.progress', (...args) => received.push(args));
    const forward = [...electron.subscribed.get('fleet.progress')!][0]!;
    forward({ sender: { invoke: () => 'generic access' }, senderId: 0 }, { type: 'started' });
    expect(received).toEqual([[{ type: 'started' }]]);
    unsubscribe();
    expect(electron.subscribed.get('fleet.progress')!.size).toBe(0);
    expect([...electron.subscribed.keys()]).toEqual(['fleet.progress']);
  });
});
