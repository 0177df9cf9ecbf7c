import { computed, nextTick, type Ref } from 'vue';
import { focusRegion } from '../regions';
import type { GridRow } from '../model/grid-row';
import { useGridStore } from '../stores/grid';
import { useSelectionStore } from '../stores/selection';
import { useUiStore } from '../stores/ui';

export interface GridKeyboardOptions {
  scroller: Ref<HTMLElement | null>;
  rowHeight: Ref<number>;
  /** Brings row `index` (of the visible rows) into view. */
  scrollToIndex: (index: number) => void;
}

const CONTROLS = 'button, input, select, textarea, a[href], summary, [role="button"], [role="checkbox"]';

/** Was the key pressed on a control of its own, rather than on the grid itself? */
function isOwnControl(event: KeyboardEvent): boolean {
  const target = event.target;
  return target instanceof Element && target !== event.currentTarget && target.closest(CONTROLS) !== null;
}

/**
 * The grid's active row and its keys: arrows, Page Up/Down and Home/End move (with Shift they
 * extend the selection), Space toggles, Enter opens the details, Ctrl/Cmd+A selects every
 * matching server, Esc closes the details or clears the selection. Delete, F6 and the other
 * window shortcuts bubble on to shortcuts.ts. The active row is tracked by
 * id, so it survives sorting and filtering.
 */
export function useGridKeyboard({ scroller, rowHeight, scrollToIndex }: GridKeyboardOptions) {
  const grid = useGridStore();
  const selection = useSelectionStore();
  const ui = useUiStore();

  const activeId = computed({
    get: () => ui.activeServerId,
    set: (id: string | null) => ui.setActive(id),
  });
  const activeIndex = computed(() => (activeId.value ? grid.visibleRows.findIndex((r) => r.id === activeId.value) : -1));

  function moveTo(index: number, extend: boolean): void {
    const list = grid.visibleRows;
    if (list.length === 0) return;
    const i = Math.max(0, Math.min(list.length - 1, index));
    const id = list[i]!.id;
    if (extend) {
      if (selection.anchor === null && activeId.value) selection.setAnchor(activeId.value);
      selection.click(id, { range: true });
    } else selection.setAnchor(id);
    activeId.value = id;
    scrollToIndex(i);
    if (ui.panelServerId) ui.showPanel(id);
  }

  function onKeydown(event: KeyboardEvent): void {
    // A control inside the grid (a header's sort button or checkbox, a row's checkbox) keeps its
    // own Enter and Space: they press it, as on any button, and do not act on the active row.
    if ((event.key === 'Enter' || event.key === ' ') && isOwnControl(event)) return;
    const at = activeIndex.value;
    const page = Math.max(1, Math.floor((scroller.value?.clientHeight ?? 300) / rowHeight.value) - 1);
    const step = (delta: number) => moveTo(at < 0 ? 0 : at + delta, event.shiftKey);
    let handled = true;
    switch (event.key) {
      case 'ArrowDown':
        step(1);
        break;
      case 'ArrowUp':
        step(-1);
        break;
      case 'PageDown':
        step(page);
        break;
      case 'PageUp':
        step(-page);
        break;
      case 'Home':
        moveTo(0, event.shiftKey);
        break;
      case 'End':
        moveTo(grid.visibleRows.length - 1, event.shiftKey);
        break;
      case ' ':
        if (activeId.value) selection.toggle(activeId.value);
        else moveTo(0, false);
        break;
      case 'Enter':
        // Open the details and go there; F6 (or Esc, which also closes them) comes back.
        if (activeId.value) {
          ui.showPanel(activeId.value);
          void nextTick(() => focusRegion('panel'));
        }
        break;
      case 'Escape':
        if (ui.panelServerId) ui.showPanel(null);
        else if (selection.size > 0) selection.clear();
        else handled = false;
        break;
      case 'a':
      case 'A':
        if (event.ctrlKey || event.metaKey) selection.selectAllMatching();
        else handled = false;
        break;
      default:
        handled = false;
    }
    if (handled) event.preventDefault();
  }

  /** A click on a row: select (with Shift a range, with Ctrl/Cmd a toggle) and make it active. */
  function onRowClick(event: MouseEvent, row: GridRow): void {
    selection.click(row.id, { range: event.shiftKey, toggle: event.ctrlKey || event.metaKey });
    if (event.shiftKey) window.getSelection()?.removeAllRanges();
    activeId.value = row.id;
    if (ui.panelServerId) ui.showPanel(row.id);
    scroller.value?.focus({ preventScroll: true });
  }

  /** A row's checkbox toggles that row and keeps the rest; with Shift it adds the range. */
  function onCheckboxClick(event: MouseEvent, row: GridRow): void {
    event.stopPropagation();
    if (event.shiftKey) selection.click(row.id, { range: true, toggle: true });
    else selection.toggle(row.id);
    activeId.value = row.id;
  }

  return { activeId, activeIndex, moveTo, onKeydown, onRowClick, onCheckboxClick };
}
