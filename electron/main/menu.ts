import type { MenuItemConstructorOptions } from 'electron';
import type { MenuCommand } from '../ipc/contract';

/** Commands whose keys the window handles (renderer/shortcuts.ts): the menu only shows them. */
const WINDOW_HANDLES: ReadonlySet<MenuCommand> = new Set(['refresh-all', 'refresh-selected', 'select-all', 'focus-filter', 'find-servers']);

/**
 * The application menu with the usual shortcuts. Commands that act on the grid are sent to the
 * renderer, which owns the selection and dialogs.
 */
export function menuTemplate(send: (command: MenuCommand) => void, platform: NodeJS.Platform, isDev: boolean): MenuItemConstructorOptions[] {
  const mac = platform === 'darwin';
  const item = (label: string, command: MenuCommand, accelerator?: string): MenuItemConstructorOptions => ({
    label,
    accelerator,
    // The window handles these keys itself (renderer/shortcuts.ts), so they work without the menu
    // too; registered here as well, one key press would run the command twice on Linux and Windows.
    ...(WINDOW_HANDLES.has(command) ? { registerAccelerator: false } : {}),
    click: () => send(command),
  });
  return [
    ...(mac ? [{ role: 'appMenu' as const }] : []),
    {
      label: '&File',
      submenu: [
        item('Add Server…', 'add-server', 'CmdOrCtrl+N'),
        item('Find Servers on the Network…', 'find-servers', 'CmdOrCtrl+Shift+F'),
        item('Import Servers…', 'import-csv', 'CmdOrCtrl+I'),
        item('Export Grid as CSV…', 'export-csv', 'CmdOrCtrl+E'),
        { type: 'separator' },
        item('Add License Key…', 'add-key', 'CmdOrCtrl+K'),
        { type: 'separator' },
        item(mac ? 'Settings…' : 'Preferences…', 'open-settings', 'CmdOrCtrl+,'),
        { type: 'separator' },
        mac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    {
      label: '&Edit',
      submenu: [
        { role: 'undo' },
        { role: 'redo' },
        { type: 'separator' },
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        { type: 'separator' },
        item('Select All Matching', 'select-all', 'CmdOrCtrl+Shift+A'),
        item('Find…', 'focus-filter', 'CmdOrCtrl+F'),
      ],
    },
    {
      label: '&Fleet',
      submenu: [item('Refresh All', 'refresh-all', 'F5'), item('Refresh Selected', 'refresh-selected', 'Shift+F5')],
    },
    {
      label: '&View',
      submenu: [
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
        ...(isDev ? [{ type: 'separator' as const }, { role: 'reload' as const }, { role: 'toggleDevTools' as const }] : []),
      ],
    },
    { role: 'windowMenu' },
  ];
}
