import { defineStore } from 'pinia';
import { computed, shallowRef, triggerRef } from 'vue';
import type { AddFoundResult, Credentials, DiscoveryCounts, DiscoveryDone, DiscoveryProgress, DiscoveryStarted, FoundServer } from '../../electron/ipc/contract';
import { compareFound } from '../../electron/common/discovery';
import { api, ApiError } from '../api';
import { startedTask, type RunningTask } from './started-task';

export interface RunningScan extends RunningTask {
  counts: DiscoveryCounts;
}

/**
 * "Find servers": one scan at a time from this window, the servers it found as they answer (by
 * address, then port), and adding a chosen few. Events may overtake the answer that names the
 * scan, so they wait until it is known, as the operations store's do.
 */
export const useDiscoveryStore = defineStore('discovery', () => {
  const running = shallowRef<RunningScan | null>(null);
  /** Sorted by address, then port; mutated in place and re-rendered per event. */
  const found = shallowRef<FoundServer[]>([]);
  const last = shallowRef<DiscoveryDone | null>(null);
  const task = startedTask<RunningScan, DiscoveryProgress | DiscoveryDone>(running, (event) => ('cancelled' in event ? onDone(event) : onProgress(event)));

  const busy = computed(() => running.value !== null);

  /** Starts a scan; the targets and ports are checked by the main process with the command line's rules. */
  async function start(targets: string[], ports: string, timeoutSeconds?: number): Promise<void> {
    if (running.value) throw new ApiError('Busy', 'A scan is still running: wait for it to finish, or cancel it.');
    found.value = [];
    last.value = null;
    await task.start(
      { id: null, counts: { total: 0, probed: 0, found: 0 }, cancelling: false },
      () => api().discovery.start({ targets, ports, ...(timeoutSeconds === undefined ? {} : { timeoutSeconds }) }),
      (scan, started: DiscoveryStarted) => ({ ...scan, id: started.operationId, counts: started.counts }),
    );
  }

  function mine(event: DiscoveryProgress | DiscoveryDone): boolean {
    return task.ownerOf(event, event.operationId) !== null;
  }

  function onProgress(event: DiscoveryProgress): void {
    if (!mine(event)) return;
    if (event.found.length) {
      found.value.push(...event.found);
      found.value.sort(compareFound);
      triggerRef(found);
    }
    running.value = { ...running.value!, counts: event.counts };
  }

  function onDone(event: DiscoveryDone): void {
    if (!mine(event)) return;
    found.value = event.found;
    running.value = null;
    last.value = event;
  }

  /** Stops new probes and aborts those in flight (fleet.cancel, as for any operation). */
  const cancel = task.cancel;

  /** Registers the chosen found servers not registered yet; marks them registered here too. */
  async function add(urls: readonly string[], site: string, credentials: Credentials | null): Promise<AddFoundResult[]> {
    const results = await api().discovery.add({ urls: [...urls], site, credentials });
    const byUrl = new Map(results.map((r) => [r.url, r]));
    found.value = found.value.map((f) => {
      const r = byUrl.get(f.url);
      return r?.name && r.outcome !== 'failed' ? { ...f, registered: true, name: r.name } : f;
    });
    return results;
  }

  return { running, found, last, busy, start, cancel, onProgress, onDone, add };
});
