/**
 * Start-up: subscribes the stores to the main process's events, loads everything, starts the
 * clock and remembers the view. Returns the one function that undoes it all.
 */
import { watch } from 'vue';
import { api } from './api';
import { runCommand } from './commands';
import { CLOCK_MS, useGridStore } from './stores/grid';
import { useDiscoveryStore } from './stores/discovery';
import { useKeysStore } from './stores/keys';
import { useNoticesStore } from './stores/notices';
import { useOperationsStore } from './stores/operations';
import { useSelectionStore } from './stores/selection';
import { useServersStore } from './stores/servers';
import { useSettingsStore } from './stores/settings';
import { useViewStore } from './stores/view';

export const VIEW_STORAGE_KEY = 'bf-fleet.view.v1';

export function startApp(storage: Storage | null = globalThis.localStorage ?? null): { ready: Promise<void>; stop: () => void } {
  const servers = useServersStore();
  const settings = useSettingsStore();
  const keys = useKeysStore();
  const operations = useOperationsStore();
  const notices = useNoticesStore();
  const grid = useGridStore();
  const view = useViewStore();
  const selection = useSelectionStore();
  const discovery = useDiscoveryStore();

  // Subscribe first, so nothing that happens while loading is missed.
  const bf = api();
  const unsubscribe = [
    bf.on('status.changed', (changed) => servers.applyStatuses(changed)),
    bf.on('servers.changed', () => void servers.reloadServers().catch((err) => notices.fail(err, 'Could not reload the servers'))),
    bf.on('keys.changed', () => void keys.load().catch((err) => notices.fail(err, 'Could not reload the keys'))),
    bf.on('fleet.progress', (batch) => batch.forEach((event) => operations.onProgress(event))),
    bf.on('fleet.done', (summary) => operations.onDone(summary)),
    bf.on('discovery.progress', (event) => discovery.onProgress(event)),
    bf.on('discovery.done', (event) => discovery.onDone(event)),
    bf.on('menu.command', (command) => runCommand(command)),
  ];

  try {
    const saved = storage?.getItem(VIEW_STORAGE_KEY);
    if (saved) view.restore(JSON.parse(saved));
  } catch {
    // A damaged saved view is only a preference: start from the default one.
  }
  const stopSaving = watch(
    () => view.saved,
    (next) => {
      try {
        storage?.setItem(VIEW_STORAGE_KEY, JSON.stringify(next));
      } catch {
        // Storage full or disabled: the view is simply not remembered.
      }
    },
  );
  const stopPruning = watch(
    () => servers.byId,
    (byId) => selection.prune(byId),
  );
  const clock = setInterval(() => grid.tick(), CLOCK_MS);

  const ready = Promise.allSettled([
    servers.load().catch((err) => notices.fail(err, 'Could not load the servers')),
    settings.load().catch((err) => notices.fail(err, 'Could not load the settings')),
    keys.load().catch((err) => notices.fail(err, 'Could not load the keys')),
    notices.load().catch((err) => notices.fail(err, 'Could not read the app information')),
  ]).then(() => undefined);

  return {
    ready,
    stop: () => {
      for (const off of unsubscribe) off();
      stopSaving();
      stopPruning();
      clearInterval(clock);
    },
  };
}
