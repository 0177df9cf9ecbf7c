/**
 * The browser tests' stand-in for the preload: the same createBridge over Playwright bindings
 * that call the real IPC handlers in the test process. Bundled into an init script.
 */
import { createBridge, type CommandChannel, type EventChannel, type Result } from '../../electron/ipc/contract';

declare global {
  interface Window {
    __bfInvoke(channel: CommandChannel, input: unknown): Promise<Result<unknown>>;
    __bfEmit(channel: EventChannel, payload: unknown): void;
  }
}

const listeners = new Map<EventChannel, Set<(payload: unknown) => void>>();
window.__bfEmit = (channel, payload) => {
  for (const listener of listeners.get(channel) ?? []) listener(payload);
};
Object.defineProperty(window, 'bf', {
  value: createBridge(
    (channel, input) => window.__bfInvoke(channel, input),
    (event, listener) => {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(listener);
      return () => set.delete(listener);
    },
  ),
});
