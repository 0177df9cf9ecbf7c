import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { VueWrapper } from '@vue/test-utils';
import TheFleetGrid from '../../renderer/components/grid/TheFleetGrid.vue';
import { useSelectionStore } from '../../renderer/stores/selection';
import { useViewStore } from '../../renderer/stores/view';
import { useOperationsStore } from '../../renderer/stores/operations';
import { useUiStore } from '../../renderer/stores/ui';
import { license, makeServer, makeStatus } from './fake-bridge';
import { fakeLayout, mountWith, settle } from './mount';
import { setup } from './setup';

let restoreLayout: () => void;
let wrapper: VueWrapper | null = null;
beforeEach(() => {
  restoreLayout = fakeLayout();
});
afterEach(() => {
  wrapper?.unmount();
  wrapper = null;
  restoreLayout();
});

async function mountGrid(count = 12) {
  const { main, pinia } = await setup((m) => {
    for (let i = 0; i < count; i++) {
      const s = makeServer({ name: `srv-${String(i).padStart(2, '0')}`, site: i % 2 ? 'Odd' : 'Even' });
      m.servers.push(s);
      m.statuses.push(makeStatus(s.id, { license: license('valid', 100 + i) }));
    }
  });
  wrapper = mountWith(TheFleetGrid, pinia);
  await settle();
  const names = () => wrapper!.findAll('.grid-body [role=row]').map((r) => r.find('.cell.name').text());
  const row = (name: string) => wrapper!.findAll('.grid-body [role=row]').find((r) => r.find('.cell.name').text() === name)!;
  return { main, pinia, names, row };
}

describe('TheFleetGrid', () => {
  it('exposes grid semantics over the virtual rows', async () => {
    await mountGrid();
    const grid = wrapper!.get('[role=grid]');
    expect(grid.attributes('aria-rowcount')).toBe('13');
    expect(grid.attributes('aria-multiselectable')).toBe('true');
    const rows = wrapper!.findAll('.grid-body [role=row]');
    expect(rows.length).toBe(12);
    expect(rows[0]!.attributes('aria-rowindex')).toBe('2');
    expect(rows[0]!.find('input[type=checkbox]').attributes('aria-label')).toBe('Select srv-00');
    expect(wrapper!.get('[role=columnheader] input').attributes('aria-label')).toBe('Select the 12 servers shown');
    expect(wrapper!.findAll('[role=columnheader]').map((h) => h.attributes('aria-sort')).filter(Boolean)).toContain('none');
  });

  it('shows the address as host:port, the full URL on hover', async () => {
    const { main } = await mountGrid(1);
    const address = wrapper!.get('.grid-body [role=row] .mono');
    const url = main.servers[0]!.url;
    expect(address.text()).toBe(url.replace('http://', ''));
    expect(address.attributes('title')).toBe(url);
  });

  it('leaves Enter and Space on header controls to the controls: no panel, no row toggled', async () => {
    await mountGrid();
    const selection = useSelectionStore();
    const grid = wrapper!.get('[role=grid]');
    await grid.trigger('keydown', { key: 'ArrowDown' }); // an active row that Space would toggle
    const sortButton = wrapper!.findAll('[role=columnheader]').find((h) => h.text().startsWith('Name'))!.get('button');
    const selectShown = wrapper!.get('[role=columnheader] input');
    for (const [control, key] of [
      [sortButton, 'Enter'],
      [sortButton, ' '],
      [selectShown, ' '],
    ] as const) {
      const event = new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true });
      control.element.dispatchEvent(event);
      await settle();
      expect(event.defaultPrevented, `${key} on ${control.element.tagName}`).toBe(false);
      expect(selection.size).toBe(0);
      expect(useUiStore().panelServerId).toBeNull();
    }
    // On the grid itself the keys still act on the active row.
    await grid.trigger('keydown', { key: ' ' });
    expect(selection.size).toBe(1);
  });

  it('sorts from the headers and says so with aria-sort', async () => {
    const { names } = await mountGrid();
    const nameHeader = () => wrapper!.findAll('[role=columnheader]').find((h) => h.text().startsWith('Name'))!;
    await nameHeader().get('button').trigger('click');
    await settle();
    expect(nameHeader().attributes('aria-sort')).toBe('ascending');
    await nameHeader().get('button').trigger('click');
    await settle();
    expect(nameHeader().attributes('aria-sort')).toBe('descending');
    expect(names()[0]).toBe('srv-11');
    expect(useViewStore().sort).toEqual({ column: 'name', desc: true });
  });

  it('redraws its row elements with other servers when the order changes, each row wholly its server\'s', async () => {
    const { main, names, row } = await mountGrid(6);
    const ids = new Map(main.servers.map((s) => [s.name, s.id]));
    useViewStore().setSort({ column: 'name', desc: false });
    useSelectionStore().toggle(ids.get('srv-03')!);
    main.on('fleet.refresh', () => ({ operationId: 'op-1', counts: { total: 1, done: 0, ok: 0, failed: 0, running: 0 } }));
    const ops = useOperationsStore();
    await ops.refresh([ids.get('srv-01')!]);
    ops.onProgress({ type: 'started', operationId: 'op-1', serverId: ids.get('srv-01')!, counts: { total: 1, done: 0, ok: 0, failed: 0, running: 1 } });
    await settle();
    const elements = wrapper!.findAll('.grid-body [role=row]').map((r) => r.element);
    useViewStore().setSort({ column: 'name', desc: true });
    await settle();
    expect(names()).toEqual(['srv-05', 'srv-04', 'srv-03', 'srv-02', 'srv-01', 'srv-00']);
    // The same elements, patched: nothing built again for a new order.
    expect(wrapper!.findAll('.grid-body [role=row]').map((r) => r.element)).toEqual(elements);
    for (const name of names()) {
      const r = row(name);
      expect(r.attributes('id'), name).toBe(`row-${ids.get(name)}`);
      expect(r.attributes('aria-selected'), name).toBe(String(name === 'srv-03'));
      expect((r.find('input').element as HTMLInputElement).checked, name).toBe(name === 'srv-03');
      expect(r.find('input').attributes('aria-label')).toBe(`Select ${name}`);
      expect(r.findAll('[role=gridcell]')[2]!.text(), name).toBe(name === 'srv-01' ? 'reading…' : '');
    }
  });

  it('selects with click, ctrl-click and shift-click, by id', async () => {
    const { row } = await mountGrid();
    const selection = useSelectionStore();
    await row('srv-02').trigger('click');
    expect([...selection.ids]).toHaveLength(1);
    await row('srv-06').trigger('click', { shiftKey: true });
    await settle();
    expect(selection.size).toBe(5); // srv-02 … srv-06
    expect(row('srv-04').attributes('aria-selected')).toBe('true');
    expect(row('srv-07').attributes('aria-selected')).toBe('false');
    await row('srv-05').trigger('click', { ctrlKey: true });
    expect(selection.size).toBe(4);
    await row('srv-05').trigger('click', { metaKey: true });
    expect(selection.size).toBe(5);
    // Ctrl+Shift adds the range from the last clicked row, keeping the rest.
    await row('srv-09').trigger('click', { shiftKey: true, ctrlKey: true });
    expect(selection.size).toBe(8); // srv-02 … srv-09
    // The checkbox toggles its row alone.
    await row('srv-11').find('input').trigger('click');
    expect(selection.size).toBe(9);
    // A plain click starts over.
    await row('srv-09').trigger('click');
    expect(selection.size).toBe(1);
  });

  it('the header checkbox selects the rows the filter shows, and only those', async () => {
    await mountGrid();
    const selection = useSelectionStore();
    const view = useViewStore();
    view.setSite('Odd');
    await settle();
    await wrapper!.get('[role=columnheader] input').trigger('change');
    expect(selection.size).toBe(6);
    view.setSite(null);
    await settle();
    expect(selection.hiddenCount).toBe(0);
    expect((wrapper!.get('[role=columnheader] input').element as HTMLInputElement).indeterminate).toBe(true);
  });

  it('moves with the arrow keys, toggles with Space, selects all matching with Ctrl+A', async () => {
    const { row } = await mountGrid();
    const selection = useSelectionStore();
    const grid = wrapper!.get('[role=grid]');
    await grid.trigger('keydown', { key: 'ArrowDown' });
    await grid.trigger('keydown', { key: 'ArrowDown' });
    await settle();
    expect(grid.attributes('aria-activedescendant')).toBe(row('srv-01').attributes('id'));
    await grid.trigger('keydown', { key: ' ' });
    expect(selection.has(row('srv-01').attributes('id')!.slice(4))).toBe(true);
    await grid.trigger('keydown', { key: 'ArrowDown', shiftKey: true });
    await grid.trigger('keydown', { key: 'ArrowDown', shiftKey: true });
    expect(selection.size).toBe(3);
    await grid.trigger('keydown', { key: 'Escape' });
    expect(selection.size).toBe(0);
    await grid.trigger('keydown', { key: 'a', ctrlKey: true });
    expect(selection.size).toBe(12);
  });

  it('shows each row\'s live status in an "Operation" column right after the name', async () => {
    const { main, row } = await mountGrid(3);
    const id = row('srv-01').attributes('id')!.slice(4);
    main.on('fleet.apply', () => ({ operationId: 'op-1', counts: { total: 1, done: 0, ok: 0, failed: 0, running: 0 } }));
    const ops = useOperationsStore();
    await ops.apply('k', [id], 'K');
    ops.onProgress({ type: 'started', operationId: 'op-1', serverId: id, counts: { total: 1, done: 0, ok: 0, failed: 0, running: 1 } });
    await settle();
    const headers = wrapper!.findAll('[role=columnheader]').map((h) => h.text());
    expect(headers.slice(1, 3)).toEqual(['Name', 'Operation']);
    expect(row('srv-01').findAll('[role=gridcell]')[2]!.text()).toBe('applying…');
    const tracks = (row('srv-01').element as HTMLElement).style.gridTemplateColumns.match(/minmax\([^)]*\)|\S+/g)!;
    expect(tracks[0]).toBe('34px');
    expect(tracks[2]).toBe('100px');
    expect(row('srv-01').findAll('[role=gridcell]')).toHaveLength(headers.length);
    ops.onProgress({
      type: 'finished',
      operationId: 'op-1',
      result: { serverId: id, name: 'srv-01', url: '', site: '', ok: false, license: null, version: null, error: { kind: 'LicenseExpiredError', message: 'Key expired.' }, startedAt: null, finishedAt: '', guards: [] },
      counts: { total: 1, done: 1, ok: 0, failed: 1, running: 0 },
    });
    await settle();
    expect(row('srv-01').findAll('[role=gridcell]')[2]!.text()).toBe('Key expired');
  });
});
