import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { RowBuilder, type GridRow } from '../model/grid-row';
import { expiryRung } from '../model/expiry';
import { chipCounts, EMPTY_FILTERS, filterRows, sortRows } from '../model/filter';
import { useServersStore } from './servers';
import { useSettingsStore } from './settings';
import { useViewStore } from './view';

/** The clock ticks once a minute: relative times and staleness move on with it. */
export const CLOCK_MS = 60_000;

/**
 * The grid's rows: built once per server/status change, sorted when the sort or the rows
 * change, filtered on every filter change (a linear pass over the sorted rows).
 */
export const useGridStore = defineStore('grid', () => {
  const servers = useServersStore();
  const settings = useSettingsStore();
  const view = useViewStore();
  const now = ref(Date.now());
  const builder = new RowBuilder();

  const rows = computed<readonly GridRow[]>(() =>
    builder.build(servers.servers, servers.statuses, {
      now: now.value,
      warningDays: settings.warningDays,
      refreshIntervalMinutes: settings.refreshIntervalMinutes,
    }),
  );
  const rowById = computed(() => new Map(rows.value.map((r) => [r.id, r])));
  const sortedRows = computed(() => sortRows(rows.value, view.sort));
  /** What the filters let through, in display order. */
  const visibleRows = computed(() => filterRows(sortedRows.value, view.filters, view.idFilter?.ids ?? null));
  const visibleIds = computed<ReadonlySet<string>>(() => new Set(visibleRows.value.map((r) => r.id)));
  /** What each state chip would show within the other filters. */
  const chipCountsInScope = computed(() => chipCounts(rows.value, view.filters, view.idFilter?.ids ?? null));
  /** Fleet-wide counts per state, for the header and the expiry banner. */
  const fleetCounts = computed(() => chipCounts(rows.value, EMPTY_FILTERS));
  const sites = computed(() => [...new Set(rows.value.map((r) => r.site))].sort((a, b) => a.localeCompare(b)));
  /** For the banner: every expired license, and the licenses in force on the expiry ladder's critical rung. */
  const critical = computed(() => {
    let expired = 0;
    let within7 = 0;
    for (const r of rows.value) {
      if (r.health === 'expired') expired++;
      else if ((r.health === 'expiring' || r.health === 'valid') && expiryRung(r) === 'critical') within7++;
    }
    return { expired, within7 };
  });

  /** Moves the clock on (the start-up function calls it every minute). */
  function tick(at: number = Date.now()): void {
    now.value = at;
  }

  return { now, rows, rowById, sortedRows, visibleRows, visibleIds, chipCountsInScope, fleetCounts, sites, critical, tick };
});
