/**
 * The grid's body cells: render functions from a row to its cell; each column's spec (model/
 * columns.ts) holds its own. The grid calls them in its own template, as `<component
 * :is="spec.cell(row)">`, so a cell costs a few elements and no component instance (a few dozen
 * rows of up to 12 cells are on screen, built as rows scroll into view and patched with other
 * servers' rows when the grid re-sorts), and its elements take the grid's scoped styles. Titles
 * are plain attributes: no tooltip components.
 */
import { h, type VNode, type VNodeArrayChildren } from 'vue';
import { expiryRung, type ExpiryRung } from '../../model/expiry';
import type { GridRow } from '../../model/grid-row';
import { AUTH_FAILED, HEADROOM, HEALTH, REACH, type StateLook } from '../../model/states';

export type CellRenderer = (row: GridRow) => VNode;

const NONE = '—';

/** The grid cell itself, with more classes and a title if given. */
function cell(children: VNodeArrayChildren | string, more: { class?: string | Record<string, boolean>; title?: string } = {}): VNode {
  return h('div', { class: ['cell', more.class], role: 'gridcell', title: more.title }, children);
}

function icon(name: string): VNode {
  return h('svg', { class: 'icon', 'aria-hidden': 'true' }, [h('use', { href: `#i-${name}` })]);
}

/** Icon, word and colour: never colour alone. */
function badge(look: StateLook): VNode {
  return h('span', { class: ['badge', `tone-${look.tone}`] }, [icon(look.icon), look.word]);
}

/**
 * The age of a last known license, in words with a clock ("as of 3 h ago"): said, never told by
 * fading the text below contrast.
 */
function asOf(row: GridRow): VNode | null {
  return row.licenseAsOf ? h('span', { class: 'as-of' }, [icon('clock'), row.licenseAsOf]) : null;
}

/** Text that may be empty (a muted dash then), cut with an ellipsis where it does not fit. */
export function textCell(text: string): VNode {
  return cell([h('span', { class: ['truncate', { muted: !text }] }, text || NONE)]);
}

/** The same for text that is always short: never cut. */
export function shortTextCell(text: string): VNode {
  return cell([h('span', { class: { muted: !text } }, text || NONE)]);
}

export const nameCell: CellRenderer = (row) => cell([h('span', { class: 'truncate', title: row.name }, row.name)], { class: 'name' });

export const addressCell: CellRenderer = (row) =>
  cell([
    ...(row.cleartext ? [h('span', { class: 'badge-http', title: 'Plain http: credentials and license keys travel unencrypted' }, 'http')] : []),
    h('span', { class: 'truncate mono', title: row.url }, row.address),
  ]);

export const reachCell: CellRenderer = (row) => cell([badge(row.authFailed ? AUTH_FAILED : REACH[row.reach])]);

export const licenseCell: CellRenderer = (row) =>
  cell(
    [badge(HEALTH[row.health]), asOf(row)],
    { title: row.licenseAt ? `License read ${row.licenseAt}` : undefined },
  );

const EXPIRY_CLASS: Record<ExpiryRung, string> = { critical: 'tone-bad', warning: 'tone-warn', notice: 'tone-info', none: '', unknown: 'muted' };

export const expiryCell: CellRenderer = (row) =>
  cell(
    [
      h('span', { class: 'truncate' }, [
        row.expiryDate ? h('span', { class: 'date' }, row.expiryDate) : null,
        h('span', { class: EXPIRY_CLASS[expiryRung(row)] }, row.expiryText),
      ]),
      // From the same older read: the clock marks it; the License cell says how old in words.
      row.licenseAsOf ? h('span', { class: 'as-of' }, [icon('clock')]) : null,
    ],
    { title: row.expiryDate ? `${row.expiryDate} (${row.expiryText}${row.licenseAsOf ? `, ${row.licenseAsOf}` : ''})` : undefined },
  );

const HEADROOM_TITLE = {
  ok: 'streams analysed / allowed',
  near: 'streams analysed / allowed: near the stream limit (90 % or more)',
  over: 'streams analysed / allowed: over the stream limit',
  unknown: 'streams analysed / allowed: the streams or the limit are unknown',
} as const;

/** Analysed / allowed, with a word and an icon when near or over the limit. */
export const streamsCell: CellRenderer = (row) => {
  const look = HEADROOM[row.headroom];
  return cell(
    [
      look ? badge(look) : null,
      h('span', { class: ['num', look ? `tone-${look.tone}` : '', { muted: row.headroom === 'unknown' }] }, row.streamsText),
    ],
    { class: { end: true, aged: row.licenseAged }, title: HEADROOM_TITLE[row.headroom] },
  );
};

export const checkinCell: CellRenderer = (row) =>
  cell([h('span', { class: { muted: row.onlineCheckin === null } }, row.onlineCheckin === null ? NONE : row.onlineCheckin ? 'yes' : 'no')]);

export const checkedCell: CellRenderer = (row) =>
  cell([h('span', { class: { 'tone-warn': row.reach === 'stale', muted: row.reach === 'never' } }, row.checkedText)], { title: row.checkedTitle || undefined });

export const errorCell: CellRenderer = (row) => cell(row.error ? [h('span', { class: 'truncate tone-bad' }, row.errorLabel)] : [], { title: row.error?.message });
