import { describe, expect, it } from 'vitest';
import { useGridStore } from '../../renderer/stores/grid';
import { useSelectionStore } from '../../renderer/stores/selection';
import { useServersStore } from '../../renderer/stores/servers';
import { useViewStore } from '../../renderer/stores/view';
import { license, makeServer, makeStatus, type FakeMain } from './fake-bridge';
import { setup } from './setup';

function tenServers(main: FakeMain): void {
  for (let i = 0; i < 10; i++) {
    const s = makeServer({ name: `s${i}`, site: i < 5 ? 'A' : 'B' });
    main.servers.push(s);
    main.statuses.push(makeStatus(s.id, { license: license(i % 3 === 0 ? 'expired' : 'valid', i % 3 === 0 ? -1 : 100 + i) }));
  }
}

function ids(...names: string[]): string[] {
  const grid = useGridStore();
  return names.map((n) => grid.rows.find((r) => r.name === n)!.id);
}

const selectedNames = () => {
  const grid = useGridStore();
  return grid.sortedRows.filter((r) => useSelectionStore().has(r.id)).map((r) => r.name);
};

describe('selection store', () => {
  it('selects ranges in display order, which follows the sort', async () => {
    await setup(tenServers);
    const selection = useSelectionStore();
    const view = useViewStore();
    view.setSort({ column: 'name', desc: false });
    const [s2, s5] = ids('s2', 's5');
    selection.click(s2!);
    selection.click(s5!, { range: true });
    expect(selectedNames()).toEqual(['s2', 's3', 's4', 's5']);
    view.setSort({ column: 'name', desc: true });
    selection.click(s5!, { range: true }); // same anchor (s2), now s5 … s2 read downwards
    expect(selectedNames()).toEqual(['s5', 's4', 's3', 's2']);
    // The ids did not change with the sort: ranges are of ids, not row numbers.
    view.setSort({ column: 'name', desc: false });
    expect(selectedNames()).toEqual(['s2', 's3', 's4', 's5']);
  });

  it('a range only spans the rows the filter shows', async () => {
    await setup(tenServers);
    const selection = useSelectionStore();
    const view = useViewStore();
    view.setSort({ column: 'name', desc: false });
    view.setChips(['valid']);
    const [s1, s8] = ids('s1', 's8');
    selection.click(s1!);
    selection.click(s8!, { range: true });
    expect(selectedNames()).toEqual(['s1', 's2', 's4', 's5', 's7', 's8']); // s3 and s6 are expired, hidden
  });

  it('"select all matching" adds the filtered rows; the hidden selected are counted', async () => {
    await setup(tenServers);
    const selection = useSelectionStore();
    const view = useViewStore();
    selection.click(ids('s9')[0]!);
    view.setSite('A');
    expect(selection.hiddenCount).toBe(1);
    expect(selection.visibleSelected).toBe(0);
    selection.selectAllMatching();
    expect(selection.size).toBe(6);
    expect(selection.allVisibleSelected).toBe(true);
    expect(selection.hiddenCount).toBe(1);
    // Unticking the header checkbox clears what is shown, not what is hidden.
    selection.deselectVisible();
    expect(selectedNames()).toEqual(['s9']);
    selection.selectAllMatching();
    selection.deselectHidden();
    expect(selection.size).toBe(5);
    expect(selection.hiddenCount).toBe(0);
  });

  it('freezes the ids at confirmation: later filter, sort or selection changes do not reach them', async () => {
    const { main } = await setup(tenServers);
    const selection = useSelectionStore();
    const view = useViewStore();
    view.setSite('B');
    selection.selectAllMatching();
    const frozen = selection.freeze();
    expect(Object.isFrozen(frozen)).toBe(true);
    expect(frozen).toHaveLength(5);
    const before = [...frozen];
    view.setSite('A');
    selection.selectAllMatching();
    selection.clear();
    view.setSort({ column: 'name', desc: true });
    expect(frozen).toEqual(before);

    // A server removed meanwhile is left out of the next freeze, and pruned.
    selection.set(before);
    main.servers = main.servers.filter((s) => s.id !== before[0]);
    await useServersStore().reloadServers();
    expect(selection.freeze()).toHaveLength(4);
    selection.prune(useServersStore().byId);
    expect(selection.size).toBe(4);
  });
});
