/**
 * The sandboxed preload: puts exactly one object on the page, `window.bf`, with one function per
 * contract command and `on(event, listener)` for events. No ipcRenderer, no generic invoke.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { createBridge, type Result } from '../ipc/contract';

contextBridge.exposeInMainWorld(
  'bf',
  createBridge(
    (channel, input) => ipcRenderer.invoke(channel, input) as Promise<Result<unknown>>,
    (event, listener) => {
      const forward = (_event: IpcRendererEvent, payload: unknown) => listener(payload);
      ipcRenderer.on(event, forward);
      return () => void ipcRenderer.removeListener(event, forward);
    },
  ),
);
