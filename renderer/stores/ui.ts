import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';

export type DialogName = 'server' | 'find' | 'import' | 'export' | 'keys' | 'apply' | 'settings' | 'remove' | 'shortcuts' | 'report' | 'calendar';

export interface DialogRequest {
  name: DialogName;
  /** The server being edited (server dialog). */
  serverId?: string;
  /** Server ids frozen when the dialog opened (apply, remove). */
  serverIds?: readonly string[];
  /** A key to preselect (apply). */
  keyId?: string;
  /** A server list dropped on the window, to preview at once (import). */
  file?: File;
}

/** Which dialog is open, which server the side panel shows, and requests for focus. */
export const useUiStore = defineStore('ui', () => {
  const dialog = shallowRef<DialogRequest | null>(null);
  /** The grid, or the overview beside it. */
  const page = ref<'grid' | 'overview'>('grid');
  const panelServerId = ref<string | null>(null);
  /** The grid's active (keyboard) row. */
  const activeServerId = ref<string | null>(null);
  /** Bumped to ask the filter box to take focus (Ctrl+F, the menu). */
  const focusFilterRequest = ref(0);
  /** Bumped to ask the grid to take focus. */
  const focusGridRequest = ref(0);

  function open(request: DialogRequest): void {
    dialog.value = request;
  }

  function close(): void {
    dialog.value = null;
  }

  function showPanel(serverId: string | null): void {
    panelServerId.value = serverId;
  }

  function setActive(serverId: string | null): void {
    activeServerId.value = serverId;
  }

  function showPage(name: 'grid' | 'overview'): void {
    page.value = name;
  }

  function focusFilter(): void {
    focusFilterRequest.value++;
  }

  function focusGrid(): void {
    focusGridRequest.value++;
  }

  return { dialog, page, showPage, panelServerId, activeServerId, setActive, focusFilterRequest, focusGridRequest, open, close, showPanel, focusFilter, focusGrid };
});
