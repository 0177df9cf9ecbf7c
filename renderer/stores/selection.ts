import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import { useGridStore } from './grid';

export interface ClickModifiers {
  /** Shift: a range from the anchor. */
  range?: boolean;
  /** Ctrl/Cmd (or the row's checkbox): toggle this row, keep the rest. */
  toggle?: boolean;
}

/**
 * The selection: a set of server ids, never row positions, so sorting and filtering cannot
 * change what is selected. Ranges follow the rows as displayed.
 */
export const useSelectionStore = defineStore('selection', () => {
  const grid = useGridStore();
  const ids = shallowRef<ReadonlySet<string>>(new Set());
  /** Where a shift-click range starts. */
  const anchor = ref<string | null>(null);

  const size = computed(() => ids.value.size);
  /** Selected servers the current filter hides: always said, never silently acted on. */
  const hiddenCount = computed(() => {
    const visible = grid.visibleIds;
    let hidden = 0;
    for (const id of ids.value) if (!visible.has(id)) hidden++;
    return hidden;
  });
  /** How many of the rows the filter shows are selected. */
  const visibleSelected = computed(() => size.value - hiddenCount.value);
  const allVisibleSelected = computed(() => grid.visibleRows.length > 0 && visibleSelected.value === grid.visibleRows.length);

  function has(id: string): boolean {
    return ids.value.has(id);
  }

  function set(next: Iterable<string>): void {
    ids.value = new Set(next);
  }

  /** A click on a row: select it alone; with ctrl/cmd toggle it; with shift select the range. */
  function click(id: string, mods: ClickModifiers = {}): void {
    if (mods.range && anchor.value !== null) {
      const range = rangeIds(anchor.value, id);
      set(mods.toggle ? [...ids.value, ...range] : range);
      return;
    }
    if (mods.toggle) toggle(id);
    else {
      set([id]);
      anchor.value = id;
    }
  }

  /** Where the next Shift range starts (the grid moves it with the keyboard). */
  function setAnchor(id: string | null): void {
    anchor.value = id;
  }

  function toggle(id: string): void {
    const next = new Set(ids.value);
    if (!next.delete(id)) next.add(id);
    ids.value = next;
    anchor.value = id;
  }

  /** The displayed rows from `from` to `to`, inclusive, in either direction. */
  function rangeIds(from: string, to: string): string[] {
    const rows = grid.visibleRows;
    const a = rows.findIndex((r) => r.id === from);
    const b = rows.findIndex((r) => r.id === to);
    if (b < 0) return [];
    if (a < 0) return [to];
    const [lo, hi] = a <= b ? [a, b] : [b, a];
    return rows.slice(lo, hi + 1).map((r) => r.id);
  }

  /** Adds every row the filter shows (the header checkbox, "Select all N matching", Ctrl+A). */
  function selectAllMatching(): void {
    set([...ids.value, ...grid.visibleIds]);
  }

  /** Removes the rows the filter shows (unticking the header checkbox); hidden ones stay. */
  function deselectVisible(): void {
    const visible = grid.visibleIds;
    set([...ids.value].filter((id) => !visible.has(id)));
  }

  function deselectHidden(): void {
    const visible = grid.visibleIds;
    set([...ids.value].filter((id) => visible.has(id)));
  }

  function clear(): void {
    ids.value = new Set();
    anchor.value = null;
  }

  /** Drops ids of servers that no longer exist. */
  function prune(existing: ReadonlySet<string> | ReadonlyMap<string, unknown>): void {
    if ([...ids.value].some((id) => !existing.has(id))) set([...ids.value].filter((id) => existing.has(id)));
  }

  /**
   * The selection as an explicit list, at the moment the user confirms: a later filter, sort or
   * selection change cannot alter what a confirmed action works on. In the grid's sort order;
   * servers removed since are left out.
   */
  function freeze(): readonly string[] {
    const chosen = ids.value;
    return Object.freeze(grid.sortedRows.filter((r) => chosen.has(r.id)).map((r) => r.id));
  }

  return { ids, anchor, size, setAnchor, hiddenCount, visibleSelected, allVisibleSelected, has, set, click, toggle, selectAllMatching, deselectVisible, deselectHidden, clear, prune, freeze };
});
