/**
 * The window's regions, which F6 and Shift+F6 cycle through, and the one place in each that takes
 * the focus: the filter box, the grid, the details panel, the operation panel (Cancel while a run
 * is under way, the summary's heading after). A component marks its region `data-region="name"`
 * and, unless the region itself is focusable, its entry point `data-region-focus`. Regions follow
 * the document's order; one that is not on screen (no panel open, no operation) is skipped.
 */
export type RegionName = 'filter' | 'grid' | 'panel' | 'operation';

function regions(): HTMLElement[] {
  return [...document.querySelectorAll<HTMLElement>('[data-region]')];
}

function entryPoint(region: HTMLElement): HTMLElement | null {
  if (region.hasAttribute('tabindex')) return region;
  return region.querySelector<HTMLElement>('[data-region-focus]:not(:disabled)');
}

function focusIn(region: HTMLElement | undefined): boolean {
  const target = region ? entryPoint(region) : null;
  if (!target) return false;
  target.focus();
  return document.activeElement === target;
}

/** Focuses a region's entry point; false when that region is not on screen. */
export function focusRegion(name: RegionName): boolean {
  return focusIn(regions().find((r) => r.dataset.region === name));
}

/** Moves the focus to the next region (or the previous one), wrapping around. */
export function cycleRegion(step: 1 | -1): void {
  const list = regions().filter((r) => entryPoint(r) !== null);
  if (list.length === 0) return;
  const at = list.findIndex((r) => r.contains(document.activeElement));
  const start = at < 0 ? (step === 1 ? -1 : 0) : at;
  focusIn(list[(start + step + list.length) % list.length]);
}

/**
 * Whether the focus is nowhere a keyboard user can act from: on the page itself, or on a control
 * that was disabled or removed under it (a busy button, a closed dialog's opener).
 */
export function focusIsLost(): boolean {
  const el = document.activeElement;
  return !el || el === document.body || !el.isConnected || (el as HTMLButtonElement).disabled === true;
}
