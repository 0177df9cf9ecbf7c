import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { COMMAND_CHANNELS } from '../ipc/contract';
import type { IpcHandlers } from '../ipc/handlers';
import { toDisposable, type Disposable } from '../common/events';

/**
 * Wires the contract's handlers to Electron: exactly the contract's channels, each message's
 * sender checked once here (one of our windows, its main frame, on the app's own page), and
 * events forwarded to our windows only.
 */
export function registerIpc(
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>,
  handlers: Pick<IpcHandlers, 'invoke' | 'onEvent'>,
  trusted: { contents: () => WebContents[]; isAppUrl: (url: string) => boolean },
): Disposable {
  const isTrusted = (event: IpcMainInvokeEvent) => {
    try {
      const frame = event.senderFrame;
      return (
        !!frame &&
        trusted.contents().some((c) => c.id === event.sender.id) &&
        frame === event.sender.mainFrame &&
        trusted.isAppUrl(frame.url)
      );
    } catch {
      // Electron throws on any access to a frame that was disposed meanwhile: not ours to answer.
      return false;
    }
  };
  for (const channel of COMMAND_CHANNELS) {
    ipcMain.handle(channel, (event, input: unknown) => {
      if (!isTrusted(event)) {
        return { ok: false, error: { kind: 'Forbidden', message: 'Refused a message from a page that is not the app.' } };
      }
      return handlers.invoke(channel, input);
    });
  }
  const forwarding = handlers.onEvent(({ channel, payload }) => {
    for (const contents of trusted.contents()) if (!contents.isDestroyed()) contents.send(channel, payload);
  });
  return toDisposable(() => {
    forwarding.dispose();
    for (const channel of COMMAND_CHANNELS) ipcMain.removeHandler(channel);
  });
}
