/**
 * The window's keyboard shortcuts: one table that both handles the keys and lists them in the
 * help overlay (`?`), so the two cannot drift apart. The menu shows the same keys for the same
 * commands; its accelerators for these are not registered (electron/main/menu.ts), so a key runs
 * its command once, here, with or without the menu.
 */
import { openApply, openRemove, refresh } from './commands';
import { cycleRegion } from './regions';
import { useSelectionStore } from './stores/selection';
import { useUiStore } from './stores/ui';

export interface ShortcutHelp {
  keys: string;
  what: string;
}

interface WindowShortcut extends ShortcutHelp {
  matches: (event: KeyboardEvent) => boolean;
  run: () => void;
  /** Also while typing in a field (function keys and Ctrl combinations that type nothing). */
  inFields?: boolean;
}

const mod = (e: KeyboardEvent) => e.ctrlKey || e.metaKey;
const plain = (e: KeyboardEvent, key: string) => e.key === key && !mod(e) && !e.altKey && !e.shiftKey;

const WINDOW_SHORTCUTS: WindowShortcut[] = [
  { keys: 'Ctrl+F', what: 'Find: go to the filter box', matches: (e) => mod(e) && !e.shiftKey && !e.altKey && e.key.toLowerCase() === 'f', run: () => useUiStore().focusFilter(), inFields: true },
  { keys: 'Ctrl+Shift+F', what: 'Find servers on the network…', matches: (e) => mod(e) && e.shiftKey && !e.altKey && e.key.toLowerCase() === 'f', run: () => useUiStore().open({ name: 'find' }), inFields: true },
  { keys: 'F5', what: 'Refresh all servers', matches: (e) => plain(e, 'F5'), run: () => void refresh('all'), inFields: true },
  { keys: 'Shift+F5', what: 'Refresh the selected servers', matches: (e) => e.key === 'F5' && e.shiftKey && !mod(e) && !e.altKey, run: () => void refresh('selected'), inFields: true },
  { keys: 'Ctrl+Shift+K', what: 'Apply a key to the selected servers…', matches: (e) => mod(e) && e.shiftKey && !e.altKey && e.key.toLowerCase() === 'k', run: () => openApply(), inFields: true },
  { keys: 'Delete', what: 'Remove the selected servers… (asks first)', matches: (e) => plain(e, 'Delete'), run: () => openRemove() },
  { keys: 'Ctrl+Shift+A', what: 'Select every server the filter matches', matches: (e) => mod(e) && e.shiftKey && !e.altKey && e.key.toLowerCase() === 'a', run: () => useSelectionStore().selectAllMatching() },
  { keys: 'F6', what: 'Next region: filter, grid, details, operation', matches: (e) => plain(e, 'F6'), run: () => cycleRegion(1), inFields: true },
  { keys: 'Shift+F6', what: 'Previous region', matches: (e) => e.key === 'F6' && e.shiftKey && !mod(e) && !e.altKey, run: () => cycleRegion(-1), inFields: true },
  { keys: '? or F1', what: 'This list of shortcuts', matches: (e) => (e.key === '?' && !mod(e) && !e.altKey) || plain(e, 'F1'), run: () => useUiStore().open({ name: 'shortcuts' }) },
];

/** The grid's own keys, handled by useGridKeyboard while the grid has the focus; listed for help. */
export const GRID_KEYS: readonly ShortcutHelp[] = [
  { keys: '↑ ↓, Page Up/Down, Home/End', what: 'Move the active row' },
  { keys: 'Shift + those', what: 'Extend the selection' },
  { keys: 'Space', what: 'Select or deselect the active row' },
  { keys: 'Enter', what: 'Open its details (F6 comes back to the grid)' },
  { keys: 'Ctrl+A', what: 'Select every server the filter matches' },
  { keys: 'Esc', what: 'Close the details, else clear the selection' },
];

/** Elsewhere: the summary, menus and dialogs. */
export const OTHER_KEYS: readonly ShortcutHelp[] = [
  { keys: 'Esc', what: 'Close a dialog, the Columns menu or the operation summary' },
  { keys: 'Enter or ↓ in the filter box', what: 'Go to the grid' },
];

export const WINDOW_KEYS: readonly ShortcutHelp[] = WINDOW_SHORTCUTS.map(({ keys, what }) => ({ keys, what }));

function typingIn(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  return target instanceof HTMLInputElement && !['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color', 'file'].includes(target.type);
}

/**
 * The window's keydown: runs the shortcut the key stands for, unless a dialog is open (it is
 * modal), a control already handled the key, or it would type into a field. Returns whether it ran one.
 */
export function handleWindowKey(event: KeyboardEvent): boolean {
  if (event.defaultPrevented || event.repeat || useUiStore().dialog) return false;
  const shortcut = WINDOW_SHORTCUTS.find((s) => s.matches(event));
  if (!shortcut || (!shortcut.inFields && typingIn(event.target))) return false;
  event.preventDefault();
  shortcut.run();
  return true;
}
