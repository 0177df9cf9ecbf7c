import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import { COLUMNS, DEFAULT_COLUMNS, isColumnId, type ColumnId } from '../model/columns';
import { EMPTY_FILTERS, isFiltering, type Filters, type SortSpec } from '../model/filter';
import { CHIPS, type Chip } from '../model/states';

export type Density = 'compact' | 'comfortable';

/** What is remembered between runs (localStorage). */
export interface SavedView {
  filters: Filters;
  sort: SortSpec;
  columns: ColumnId[];
  density: Density;
}

/** A filter to an explicit set of servers, from a summary link ("9 failed"). Not remembered. */
export interface IdFilter {
  label: string;
  ids: ReadonlySet<string>;
}

/** How the grid is filtered, sorted and laid out. */
export const useViewStore = defineStore('view', () => {
  const filters = ref<Filters>({ ...EMPTY_FILTERS, chips: [] });
  const sort = ref<SortSpec>(null);
  const columns = ref<ColumnId[]>([...DEFAULT_COLUMNS]);
  const density = ref<Density>('compact');
  const idFilter = shallowRef<IdFilter | null>(null);

  const filtering = computed(() => isFiltering(filters.value) || idFilter.value !== null);
  const visibleColumns = computed(() => COLUMNS.filter((c) => columns.value.includes(c.id)).map((c) => c.id));
  const saved = computed<SavedView>(() => ({ filters: filters.value, sort: sort.value, columns: columns.value, density: density.value }));

  function setText(text: string): void {
    filters.value = { ...filters.value, text };
  }

  function toggleChip(chip: Chip): void {
    const chips = filters.value.chips.includes(chip) ? filters.value.chips.filter((c) => c !== chip) : [...filters.value.chips, chip];
    filters.value = { ...filters.value, chips };
  }

  function setChips(chips: Chip[]): void {
    filters.value = { ...filters.value, chips: [...chips] };
  }

  function setSite(site: string | null): void {
    filters.value = { ...filters.value, site };
  }

  function setExpiringWithin(days: number | null): void {
    filters.value = { ...filters.value, expiringWithin: days === null || !Number.isFinite(days) ? null : Math.max(0, Math.round(days)) };
  }

  /** A click on a header: ascending, then descending, then back to the default order. */
  function cycleSort(column: ColumnId): void {
    const current = sort.value;
    if (!current || current.column !== column) sort.value = { column, desc: false };
    else if (!current.desc) sort.value = { column, desc: true };
    else sort.value = null;
  }

  function setSort(next: SortSpec): void {
    sort.value = next;
  }

  function showIds(label: string, ids: Iterable<string>): void {
    idFilter.value = { label, ids: new Set(ids) };
  }

  function clearIdFilter(): void {
    idFilter.value = null;
  }

  function clearFilters(): void {
    filters.value = { ...EMPTY_FILTERS, chips: [] };
    idFilter.value = null;
  }

  function toggleColumn(id: ColumnId): void {
    if (COLUMNS.find((c) => c.id === id)?.required) return;
    columns.value = columns.value.includes(id) ? columns.value.filter((c) => c !== id) : [...columns.value, id];
  }

  function setDensity(next: Density): void {
    density.value = next;
  }

  /** Takes a remembered view, ignoring anything unknown or malformed. */
  function restore(view: unknown): void {
    if (typeof view !== 'object' || view === null) return;
    const v = view as Partial<Record<keyof SavedView, unknown>>;
    const f = (typeof v.filters === 'object' && v.filters !== null ? v.filters : {}) as Partial<Record<keyof Filters, unknown>>;
    filters.value = {
      text: typeof f.text === 'string' ? f.text.slice(0, 200) : '',
      chips: Array.isArray(f.chips) ? f.chips.filter((c): c is Chip => (CHIPS as readonly unknown[]).includes(c)) : [],
      site: typeof f.site === 'string' ? f.site : null,
      expiringWithin: typeof f.expiringWithin === 'number' && f.expiringWithin >= 0 ? Math.round(f.expiringWithin) : null,
    };
    const s = v.sort as { column?: unknown; desc?: unknown } | null | undefined;
    sort.value = s && typeof s.column === 'string' && isColumnId(s.column) ? { column: s.column, desc: s.desc === true } : null;
    if (Array.isArray(v.columns)) {
      const cols = v.columns.filter((c): c is ColumnId => typeof c === 'string' && isColumnId(c));
      columns.value = cols.includes('name') ? cols : ['name', ...cols];
    }
    if (v.density === 'compact' || v.density === 'comfortable') density.value = v.density;
  }

  return {
    filters,
    sort,
    columns,
    density,
    idFilter,
    filtering,
    visibleColumns,
    saved,
    setText,
    toggleChip,
    setChips,
    setSite,
    setExpiringWithin,
    cycleSort,
    setSort,
    showIds,
    clearIdFilter,
    clearFilters,
    toggleColumn,
    setDensity,
    restore,
  };
});
