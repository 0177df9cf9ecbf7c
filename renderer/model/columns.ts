/**
 * The grid's columns: label, width, how to draw a cell, how to sort, and what the CSV export
 * writes. One list, so the grid, the column chooser and the export cannot disagree.
 */
import type { CsvValue } from '../../electron/common/csv';
import * as cells from '../components/grid/cells';
import type { GridRow } from './grid-row';
import { AUTH_FAILED, HEALTH, REACH } from './states';
import { HEADROOM_WORDS } from '../../electron/common/streams';

export const COLUMN_IDS = ['name', 'site', 'url', 'reach', 'health', 'expiry', 'streams', 'checkin', 'journal', 'version', 'checked', 'error'] as const;
export type ColumnId = (typeof COLUMN_IDS)[number];

export interface ColumnSpec {
  id: ColumnId;
  label: string;
  /** CSS grid track. */
  width: string;
  align?: 'end';
  /** The name column cannot be hidden. */
  required?: boolean;
  /** Draws the row's cell (components/grid/cells.ts). */
  cell: cells.CellRenderer;
  /** The value sorted on; null (no value) sorts last in both directions, ties by name. */
  sortKey: (row: GridRow) => string | number | null;
  /** Header and values for the CSV export. */
  csv: { header: string; value: (row: GridRow) => CsvValue }[];
}

const REACH_ORDER = { offline: 0, stale: 1, never: 2, online: 3 } as const;
const reachWord = (r: GridRow) => (r.authFailed ? AUTH_FAILED.word : REACH[r.reach].word);
const yesNo = (v: boolean | null) => (v === null ? '' : v ? 'yes' : 'no');

export const COLUMNS: readonly ColumnSpec[] = [
  {
    id: 'name',
    label: 'Name',
    width: 'minmax(110px, 1.5fr)',
    required: true,
    cell: cells.nameCell,
    sortKey: (r) => r.nameKey,
    csv: [{ header: 'Name', value: (r) => r.name }],
  },
  {
    id: 'site',
    label: 'Site',
    width: 'minmax(64px, 0.7fr)',
    cell: (r) => cells.textCell(r.site),
    sortKey: (r) => r.site.toLowerCase() || null,
    csv: [{ header: 'Site', value: (r) => r.site }],
  },
  { id: 'url', label: 'Address', width: 'minmax(120px, 1fr)', cell: cells.addressCell, sortKey: (r) => r.url, csv: [{ header: 'Address', value: (r) => r.url }] },
  {
    id: 'reach',
    label: 'Reachability',
    width: '124px',
    cell: cells.reachCell,
    sortKey: (r) => (r.authFailed ? -1 : REACH_ORDER[r.reach]),
    csv: [{ header: 'Reachability', value: reachWord }],
  },
  {
    id: 'health',
    label: 'License',
    width: '150px',
    cell: cells.licenseCell,
    sortKey: (r) => r.severity,
    csv: [
      { header: 'License', value: (r) => HEALTH[r.health].word },
      { header: 'License as of', value: (r) => r.licenseAt ?? '' },
    ],
  },
  {
    id: 'expiry',
    label: 'Expiry',
    width: 'minmax(220px, 1.2fr)',
    cell: cells.expiryCell,
    // Perpetual licenses last longest; unknown ones go last.
    sortKey: (r) => (r.perpetual ? Number.MAX_SAFE_INTEGER : r.expiryDays),
    csv: [
      { header: 'Expires', value: (r) => r.expiryDate ?? (r.perpetual ? 'perpetual' : '') },
      { header: 'Expiry', value: (r) => r.expiryText },
    ],
  },
  {
    id: 'streams',
    label: 'Streams',
    width: '118px',
    align: 'end',
    cell: cells.streamsCell,
    // By headroom: the fullest (and over the limit) last ascending, first descending; unknown last.
    sortKey: (r) => r.streamsRatio,
    csv: [
      { header: 'Max streams', value: (r) => r.maxStreams ?? '' },
      { header: 'Analysed streams', value: (r) => r.analyzedStreams ?? '' },
      { header: 'Configured streams', value: (r) => r.configuredStreams ?? '' },
      { header: 'Stream headroom', value: (r) => (r.headroom === 'ok' ? 'room' : HEADROOM_WORDS[r.headroom]) },
    ],
  },
  {
    id: 'checkin',
    label: 'Check-in',
    width: '86px',
    cell: cells.checkinCell,
    sortKey: (r) => (r.onlineCheckin === null ? null : Number(r.onlineCheckin)),
    csv: [{ header: 'Online check-in', value: (r) => yesNo(r.onlineCheckin) }],
  },
  {
    id: 'journal',
    label: 'Journal',
    width: '80px',
    cell: (r) => cells.shortTextCell(r.journalText),
    sortKey: (r) => r.journalSeconds,
    csv: [{ header: 'Journal age', value: (r) => r.journalText }],
  },
  {
    id: 'version',
    label: 'Version',
    width: '80px',
    cell: (r) => cells.textCell(r.version),
    sortKey: (r) => r.version || null,
    csv: [{ header: 'BrainFrame version', value: (r) => r.version }],
  },
  {
    id: 'checked',
    label: 'Last checked',
    width: '116px',
    cell: cells.checkedCell,
    // Ascending = oldest check first; never-checked servers (0) before all.
    sortKey: (r) => r.checkedMs,
    csv: [{ header: 'Last checked', value: (r) => r.checkedAt ?? 'never' }],
  },
  {
    id: 'error',
    label: 'Last error',
    width: 'minmax(140px, 1fr)',
    cell: cells.errorCell,
    sortKey: (r) => r.errorLabel || null,
    csv: [{ header: 'Last error', value: (r) => r.error?.message ?? '' }],
  },
];

/** Shown until the user chooses: every column but the last error (the panel and summaries show it). */
export const DEFAULT_COLUMNS: readonly ColumnId[] = COLUMN_IDS.filter((id) => id !== 'error');

export const COLUMN_BY_ID: Record<ColumnId, ColumnSpec> = Object.fromEntries(COLUMNS.map((c) => [c.id, c])) as Record<ColumnId, ColumnSpec>;

export function isColumnId(id: string): id is ColumnId {
  return (COLUMN_IDS as readonly string[]).includes(id);
}
