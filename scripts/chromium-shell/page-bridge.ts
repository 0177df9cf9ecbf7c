/**
 * The Chromium shell's stand-in for the preload (electron/preload): the same createBridge, over
 * Playwright bindings that call the real IPC handlers in the Node process that opened the page.
 * Bundled by shell.ts into the page's init script; runs before the app's own code.
 */
import { createBridge, type CommandChannel, type EventChannel, type Result } from '../../electron/ipc/contract';

declare global {
  interface Window {
    /** The handler's Result as JSON text (cheaper than Playwright's own serialisation for large results). */
    __bfInvoke(channel: CommandChannel, input: unknown): Promise<string>;
    /** An event's JSON text, in pieces: every piece but the last through __bfReceivePart. */
    __bfReceivePart(text: string): void;
    __bfReceive(channel: EventChannel, lastPart: string): void;
    __bfEmit(channel: EventChannel, payload: unknown): void;
  }
}

const listeners = new Map<EventChannel, Set<(payload: unknown) => void>>();
window.__bfEmit = (channel, payload) => {
  for (const listener of listeners.get(channel) ?? []) listener(payload);
};
let parts: string[] = [];
window.__bfReceivePart = (text) => {
  parts.push(text);
};
window.__bfReceive = (channel, lastPart) => {
  const json = parts.length ? parts.join('') + lastPart : lastPart;
  parts = [];
  window.__bfEmit(channel, json === '' ? undefined : JSON.parse(json));
};
Object.defineProperty(window, 'bf', {
  value: createBridge(
    async (channel, input) => JSON.parse(await window.__bfInvoke(channel, input)) as Result<unknown>,
    (event, listener) => {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(listener);
      return () => set.delete(listener);
    },
  ),
});

// The window says where it runs: the same app, in Chromium rather than Electron.
document.addEventListener('DOMContentLoaded', () => {
  document.title = `${document.title} (in Chromium)`;
});
