import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { ConnectionTest, CsvReport, ImportSource, Server, ServerInput, ServerStatus } from '../../electron/ipc/contract';
import { api } from '../api';

/** The registered servers and their last known statuses, as the main process keeps them. */
export const useServersStore = defineStore('servers', () => {
  /** Sorted by name, as the main process lists them. Replaced whole, never mutated. */
  const servers = shallowRef<readonly Server[]>([]);
  /** By server id. Replaced whole on each batch of changes. */
  const statuses = shallowRef<ReadonlyMap<string, ServerStatus>>(new Map());
  const loaded = ref(false);
  const byId = computed(() => new Map(servers.value.map((s) => [s.id, s])));

  let reloading: Promise<void> | null = null;
  let again = false;

  /** Servers and statuses, at start-up. */
  async function load(): Promise<void> {
    const [list, all] = await Promise.all([api().servers.list(), api().status.list()]);
    servers.value = list;
    statuses.value = new Map(all.map((s) => [s.serverId, s]));
    loaded.value = true;
    // For profiles and benchmarks: the fleet's data has arrived (the grid marks its first paint).
    performance.mark('bf:fleet-loaded');
  }

  /** Re-reads the list; calls while one is in flight coalesce into one more. */
  function reloadServers(): Promise<void> {
    if (reloading) {
      again = true;
      return reloading;
    }
    reloading = (async () => {
      try {
        do {
          again = false;
          servers.value = await api().servers.list();
        } while (again);
      } finally {
        reloading = null;
      }
    })();
    return reloading;
  }

  /** Merges statuses that changed (from an operation or the background refresh). */
  function applyStatuses(changed: readonly ServerStatus[]): void {
    if (changed.length === 0) return;
    const next = new Map(statuses.value);
    for (const status of changed) next.set(status.serverId, status);
    statuses.value = next;
  }

  async function add(input: ServerInput): Promise<Server> {
    const server = await api().servers.add(input);
    await reloadServers();
    return server;
  }

  /** Saves changes; with a new address, stored credentials are kept only with `keepCredentials`. */
  async function update(id: string, changes: Partial<ServerInput>, keepCredentials = false): Promise<Server> {
    const server = await api().servers.update({ id, changes, ...(keepCredentials ? { keepCredentials } : {}) });
    await reloadServers();
    return server;
  }

  async function remove(ids: readonly string[]): Promise<void> {
    try {
      await api().servers.remove({ ids: [...ids] });
    } finally {
      await reloadServers();
    }
  }

  /** Tries an address and credentials (or the stored ones of `id`) without saving. */
  function test(input: Parameters<ReturnType<typeof api>['servers']['test']>[0]): Promise<ConnectionTest> {
    return api().servers.test(input);
  }

  /** What importing this server list (CSV text or a workbook) would do, saving nothing. */
  function previewCsv(source: ImportSource): Promise<CsvReport> {
    return api().servers.previewCsv(source);
  }

  async function importCsv(source: ImportSource): Promise<CsvReport> {
    const report = await api().servers.importCsv(source);
    await reloadServers();
    return report;
  }

  return { servers, statuses, loaded, byId, load, reloadServers, applyStatuses, add, update, remove, test, previewCsv, importCsv };
});
