/**
 * The app's commands, shared by the menu ('menu.command' events), the toolbar and keyboard
 * shortcuts. Each works on the stores at the moment it runs.
 */
import type { MenuCommand } from '../electron/ipc/contract';
import { useNoticesStore } from './stores/notices';
import { useOperationsStore } from './stores/operations';
import { useSelectionStore } from './stores/selection';
import { useServersStore } from './stores/servers';
import { useUiStore } from './stores/ui';
import { plural } from '../electron/common/format';

/** Refreshes every server, the selection frozen now, or the servers given. */
export async function refresh(scope: 'all' | 'selected' | readonly string[]): Promise<void> {
  const notices = useNoticesStore();
  const ids = scope === 'all' ? useServersStore().servers.map((s) => s.id) : scope === 'selected' ? useSelectionStore().freeze() : scope;
  if (ids.length === 0) {
    notices.notify(scope === 'all' ? 'There are no servers to refresh yet: add some first.' : 'Select the servers to refresh first.');
    return;
  }
  try {
    await useOperationsStore().refresh(ids);
  } catch (err) {
    notices.fail(err, `Could not refresh ${plural(ids.length, 'server')}`);
  }
}

/** Opens the apply dialog for the selection, frozen now. */
export function openApply(keyId?: string): void {
  const ids = useSelectionStore().freeze();
  if (ids.length === 0) {
    useNoticesStore().notify('Select the servers to apply a key to first (click, Shift+click, or "Select all").');
    return;
  }
  useUiStore().open({ name: 'apply', serverIds: ids, keyId });
}

/** Opens the confirmation to remove the selection, frozen now. */
export function openRemove(ids: readonly string[] = useSelectionStore().freeze()): void {
  if (ids.length === 0) {
    useNoticesStore().notify('Select the servers to remove first.');
    return;
  }
  useUiStore().open({ name: 'remove', serverIds: ids });
}

export function runCommand(command: MenuCommand): void {
  const ui = useUiStore();
  switch (command) {
    case 'add-server':
      ui.open({ name: 'server' });
      break;
    case 'find-servers':
      ui.open({ name: 'find' });
      break;
    case 'import-csv':
      ui.open({ name: 'import' });
      break;
    case 'export-csv':
      ui.open({ name: 'export' });
      break;
    case 'add-key':
      ui.open({ name: 'keys' });
      break;
    case 'refresh-all':
      void refresh('all');
      break;
    case 'refresh-selected':
      void refresh('selected');
      break;
    case 'select-all':
      useSelectionStore().selectAllMatching();
      break;
    case 'open-settings':
      ui.open({ name: 'settings' });
      break;
    case 'focus-filter':
      ui.focusFilter();
      break;
  }
}

