/** The grid as CSV: the rows as filtered and sorted, the visible columns, with "as of" times. */
import { toCsv } from '../../electron/common/csv';
import type { GridRow } from './grid-row';
import { COLUMN_BY_ID, type ColumnId } from './columns';
import { isoDay } from '../../electron/common/format';

export function gridCsv(rows: readonly GridRow[], columns: readonly ColumnId[]): string {
  const cells = columns.flatMap((id) => COLUMN_BY_ID[id].csv);
  // The time of each license read is part of the row whatever the columns: an export is a snapshot.
  if (!columns.includes('health')) cells.push({ header: 'License as of', value: (r) => r.licenseAt ?? '' });
  if (!columns.includes('checked')) cells.push({ header: 'Last checked', value: (r) => r.checkedAt ?? 'never' });
  return toCsv([cells.map((c) => c.header), ...rows.map((row) => cells.map((c) => c.value(row)))]);
}

export function exportFileName(selectedOnly: boolean, now: Date = new Date()): string {
  return `brainframe-licenses-${selectedOnly ? 'selected-' : ''}${isoDay(now)}.csv`;
}
