/**
 * Filtering, counting and sorting the grid's rows. Pure and linear (sorting apart), so a
 * keystroke in the filter over 5,000 rows costs a millisecond or two.
 */
import type { GridRow } from './grid-row';
import { COLUMN_BY_ID, type ColumnId } from './columns';
import { CHIPS, type Chip } from './states';

export interface Filters {
  /** Words that must all occur in name, site, address, version or state words. */
  text: string;
  /** Rows matching any of these chips; none = no state filter. */
  chips: Chip[];
  /** One site, '' for servers without a site; null = every site. */
  site: string | null;
  /** Expired, or expiring within this many days; null = off. */
  expiringWithin: number | null;
}

/** null: the default order, what needs attention first. */
export type SortSpec = { column: ColumnId; desc: boolean } | null;

export const EMPTY_FILTERS: Filters = { text: '', chips: [], site: null, expiringWithin: null };

function matchesChip(row: GridRow, chip: Chip): boolean {
  switch (chip) {
    case 'unreachable':
      return row.reach === 'offline';
    case 'auth':
      return row.authFailed;
    case 'streams':
      return row.headroom === 'near' || row.headroom === 'over';
    default:
      return row.health === chip;
  }
}

/** Every filter but the chips: the scope the chip counts are taken in. */
function scopeTest(filters: Filters): (row: GridRow) => boolean {
  const words = filters.text.toLowerCase().split(/\s+/).filter(Boolean);
  const { site, expiringWithin } = filters;
  return (row) => {
    if (site !== null && row.site !== site) return false;
    if (expiringWithin !== null && (row.expiryDays === null || row.expiryDays > expiringWithin)) return false;
    for (const word of words) if (!row.search.includes(word)) return false;
    return true;
  };
}

/** The rows the filters let through, in the order given. `ids`, when set, limits them further. */
export function filterRows(rows: readonly GridRow[], filters: Filters, ids: ReadonlySet<string> | null = null): GridRow[] {
  const inScope = scopeTest(filters);
  const chips = filters.chips;
  return rows.filter((row) => (!ids || ids.has(row.id)) && inScope(row) && (chips.length === 0 || chips.some((c) => matchesChip(row, c))));
}

/** How many rows each chip would show, within the other filters. */
export function chipCounts(rows: readonly GridRow[], filters: Filters, ids: ReadonlySet<string> | null = null): Record<Chip, number> {
  const counts = Object.fromEntries(CHIPS.map((c) => [c, 0])) as Record<Chip, number>;
  const inScope = scopeTest(filters);
  for (const row of rows) {
    if ((ids && !ids.has(row.id)) || !inScope(row)) continue;
    counts[row.health as Chip]++;
    if (row.reach === 'offline') counts.unreachable++;
    if (row.authFailed) counts.auth++;
    if (row.headroom === 'near' || row.headroom === 'over') counts.streams++;
  }
  return counts;
}

export function isFiltering(filters: Filters): boolean {
  return filters.text.trim() !== '' || filters.chips.length > 0 || filters.site !== null || filters.expiringWithin !== null;
}

/** Expired and invalid first, then expiring soonest, then by name. */
function attentionFirst(a: GridRow, b: GridRow): number {
  if (a.severity !== b.severity) return a.severity - b.severity;
  const x = a.expiryDays ?? Number.MAX_SAFE_INTEGER;
  const y = b.expiryDays ?? Number.MAX_SAFE_INTEGER;
  if (x !== y) return x - y;
  return a.nameKey < b.nameKey ? -1 : a.nameKey > b.nameKey ? 1 : 0;
}

/**
 * A sorted copy. Keys are read once per row (not per comparison); rows without a value go last
 * in both directions; ties fall back to the name.
 */
export function sortRows(rows: readonly GridRow[], sort: SortSpec): GridRow[] {
  if (!sort) return [...rows].sort(attentionFirst);
  const key = COLUMN_BY_ID[sort.column].sortKey;
  const sign = sort.desc ? -1 : 1;
  const keyed = rows.map((row) => ({ row, key: key(row) }));
  keyed.sort((a, b) => {
    if (a.key !== b.key) {
      if (a.key === null) return 1;
      if (b.key === null) return -1;
      return a.key < b.key ? -sign : sign;
    }
    return a.row.nameKey < b.row.nameKey ? -1 : a.row.nameKey > b.row.nameKey ? 1 : 0;
  });
  return keyed.map((k) => k.row);
}
