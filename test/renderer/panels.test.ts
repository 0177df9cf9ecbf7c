import { afterEach, describe, expect, it } from 'vitest';
import type { VueWrapper } from '@vue/test-utils';
import TheOperationPanel from '../../renderer/components/operations/TheOperationPanel.vue';
import TheSelectionBar from '../../renderer/components/grid/TheSelectionBar.vue';
import TheFilterBar from '../../renderer/components/grid/TheFilterBar.vue';
import TheServerPanel from '../../renderer/components/servers/TheServerPanel.vue';
import { useUiStore } from '../../renderer/stores/ui';
import { useGridStore } from '../../renderer/stores/grid';
import { useOperationsStore } from '../../renderer/stores/operations';
import { useSelectionStore } from '../../renderer/stores/selection';
import { useViewStore } from '../../renderer/stores/view';
import { license, makeServer, makeStatus, summaryOf, type FakeMain } from './fake-bridge';
import { mountWith, settle } from './mount';
import { setup } from './setup';
import type { ServerResult } from '../../electron/common/types';

let wrapper: VueWrapper | null = null;
afterEach(() => {
  wrapper?.unmount();
  wrapper = null;
});

function six(main: FakeMain): void {
  for (const [i, name] of ['node-a', 'node-b', 'node-c', 'node-d', 'node-e', 'node-f'].entries()) {
    const s = makeServer({ id: `00000000-0000-4000-8000-00000000000${i}`, name, site: i < 3 ? 'X' : 'Y' });
    main.servers.push(s);
    main.statuses.push(makeStatus(s.id, { license: license(i === 0 ? 'expired' : 'valid', i === 0 ? -1 : 100) }));
  }
}

const id = (i: number) => `00000000-0000-4000-8000-00000000000${i}`;

function result(i: number, error: string | null): ServerResult {
  return { serverId: id(i), name: 'abcdef'[i]!, url: 'http://x', site: '', ok: !error, license: null, version: null, error: error ? { kind: error, message: `${error}: what to do.` } : null, startedAt: null, finishedAt: '2025-01-01T00:00:00.000Z', guards: [] };
}

describe('TheOperationPanel', () => {
  it('shows progress with a Cancel that says in-flight requests are aborted', async () => {
    const { main, pinia } = await setup(six);
    main.on('fleet.apply', () => ({ operationId: 'op-1', counts: { total: 1000, done: 0, ok: 0, failed: 0, running: 0 } }));
    const ops = useOperationsStore();
    await ops.apply('k', ['x'], 'Key');
    ops.onProgress({ type: 'finished', operationId: 'op-1', result: result(1, 'Unreachable'), counts: { total: 1000, done: 312, ok: 303, failed: 9, running: 16 } });
    wrapper = mountWith(TheOperationPanel, pinia);
    await settle();
    expect(wrapper.text()).toContain('Applying key “Key”');
    expect(wrapper.text()).toMatch(/312 \/ 1,000\s+·\s+9 failed/);
    expect(wrapper.text()).toContain('Cancel stops new requests and aborts those in flight');
    expect(wrapper.get('progress').attributes('value')).toBe('312');
    await wrapper.findAll('button').find((b) => b.text() === 'Cancel')!.trigger('click');
    await settle();
    expect(main.callsTo('fleet.cancel')).toEqual([{ operationId: 'op-1' }]);
    expect(wrapper.text()).toContain('Cancelling…');
  });

  it('ends with one summary whose counts filter the grid, and offers retry, select and export', async () => {
    const { main, pinia } = await setup(six);
    const ops = useOperationsStore();
    ops.summary = summaryOf({ id: 'op-9', results: [result(0, null), result(1, null), result(2, 'UnauthorizedError'), result(3, 'Unreachable'), result(4, 'Unreachable'), result(5, null)] });
    wrapper = mountWith(TheOperationPanel, pinia);
    await settle();
    expect(wrapper.get('h2').text()).toBe('Applied key “Customer A 2026” to 3 of 6 servers · 3 failed');
    const outcomes = wrapper.findAll('.outcome').map((b) => b.text());
    expect(outcomes).toEqual(['3 applied', '2 server unreachable', '1 wrong username or password']);
    // Each failure with its likely cause (common/diagnosis.ts) and what to do.
    const unreachable = 'Nothing answered at this address: the server is off, its address changed, or this computer is not on its network.';
    const refused = 'The server requires a login and refused the username or password stored for it (changed on the server, or never stored).';
    expect(wrapper.findAll('tbody tr').map((r) => r.findAll('td').map((td) => td.text()))).toEqual([
      ['d', 'Server unreachable', unreachable, 'Unreachable: what to do.'],
      ['e', 'Server unreachable', unreachable, 'Unreachable: what to do.'],
      ['c', 'Wrong username or password', refused, 'UnauthorizedError: what to do.'],
    ]);

    // A count is a link to those servers in the grid.
    await wrapper.findAll('.outcome')[1]!.trigger('click');
    expect(useGridStore().visibleRows.map((r) => r.name)).toEqual(['node-d', 'node-e']);
    expect(useViewStore().idFilter?.label).toBe('2 server unreachable');

    await wrapper.findAll('button').find((b) => b.text() === 'Select failed')!.trigger('click');
    expect([...useSelectionStore().ids].sort()).toEqual([id(2), id(3), id(4)]);

    main.on('files.save', ({ suggestedName }) => ({ path: `/tmp/${suggestedName}` }));
    await wrapper.findAll('button').find((b) => b.text().includes('Export results as CSV'))!.trigger('click');
    await settle();
    const [save] = main.callsTo('files.save') as { suggestedName: string; content: string }[];
    expect(save!.suggestedName).toMatch(/^brainframe-apply-results-\d{4}-\d{2}-\d{2}\.csv$/);
    expect(save!.content.split('\r\n')).toHaveLength(1 + 6 + 1);

    main.on('fleet.retry', () => ({ operationId: 'op-10', counts: { total: 3, done: 0, ok: 0, failed: 0, running: 0 } }));
    await wrapper.findAll('button').find((b) => b.text() === 'Retry failed (3)')!.trigger('click');
    await settle();
    expect(main.callsTo('fleet.retry')).toEqual([{ operationId: 'op-9' }]);
    expect(wrapper.text()).toContain('0 / 3');
  });
});

describe('TheSelectionBar', () => {
  it('always shows the count, how many the filter hides, and offers select all matching', async () => {
    const { pinia } = await setup(six);
    wrapper = mountWith(TheSelectionBar, pinia);
    const selection = useSelectionStore();
    const view = useViewStore();
    await settle();
    expect(wrapper.text()).toContain('Showing 6 of 6 servers');
    expect(wrapper.get('[role=status]').text()).toBe('0 selected');
    selection.set([id(0), id(4)]);
    view.setSite('X');
    await settle();
    expect(wrapper.get('[role=status]').text().replace(/\s+/g, ' ')).toBe('2 selected · 1 selected hidden by filter');
    const selectAll = wrapper.findAll('button').find((b) => b.text().startsWith('Select all'))!;
    expect(selectAll.text()).toBe('Select all 3 matching');
    await selectAll.trigger('click');
    expect(selection.size).toBe(4);
    await wrapper.findAll('button').find((b) => b.text() === 'Deselect hidden')!.trigger('click');
    expect(selection.size).toBe(3);
    await wrapper.findAll('button').find((b) => b.text() === 'Clear selection')!.trigger('click');
    expect(selection.size).toBe(0);
    expect(wrapper.findAll('button').find((b) => b.text().includes('Apply key'))!.attributes('disabled')).toBeDefined();
  });
});

describe('TheFilterBar', () => {
  it('shows a count on every state chip and filters by text, chip, site and expiry window', async () => {
    const { pinia } = await setup(six);
    wrapper = mountWith(TheFilterBar, pinia);
    const grid = useGridStore();
    await settle();
    const chip = (word: string) => wrapper!.findAll('.chip').find((c) => c.text().startsWith(`${word} `))!;
    // Named by its content, which is the visible words in order, with a real space (WCAG 2.5.3).
    expect(chip('expired').attributes('aria-label')).toBeUndefined();
    expect(chip('expired').text()).toBe('expired 1');
    expect(chip('valid').text()).toBe('valid 5');
    // The density toggle is named by what it shows, and says whether it is on.
    const density = wrapper!.findAll('button').find((b) => b.text() === 'Compact')!;
    expect(density.attributes('aria-label')).toBeUndefined();
    expect(density.attributes('aria-pressed')).toBe(String(useViewStore().density === 'compact'));
    await chip('expired').trigger('click');
    expect(chip('expired').attributes('aria-pressed')).toBe('true');
    expect(grid.visibleRows.map((r) => r.name)).toEqual(['node-a']);
    await chip('expired').trigger('click');

    await wrapper.get('input[type=search]').setValue('NODE-D');
    expect(grid.visibleRows.map((r) => r.name)).toEqual(['node-d']);
    expect(chip('valid').text()).toBe('valid 1');
    await wrapper.get('input[type=search]').setValue('');

    await wrapper.get('select').setValue('=Y');
    expect(grid.visibleRows.map((r) => r.name)).toEqual(['node-d', 'node-e', 'node-f']);
    await wrapper.get('select').setValue('*');

    const days = wrapper.get('input[type=number]');
    await days.setValue('30');
    await days.trigger('change');
    expect(grid.visibleRows.map((r) => r.name)).toEqual(['node-a']);
    await wrapper.findAll('button').find((b) => b.text().includes('Clear filters'))!.trigger('click');
    expect(grid.visibleRows).toHaveLength(6);
  });
});

describe('TheServerPanel', () => {
  function twoServers(main: FakeMain): void {
    const streams = [
      { id: 1, name: 'Gate north', analyzed: true },
      { id: 2, name: 'Dock', analyzed: false },
      { id: 3, name: 'Lobby', analyzed: true },
    ];
    const over = makeServer({ id: id(1), name: 'cam-over' });
    const blank = makeServer({ id: id(2), name: 'cam-blank' });
    main.servers.push(over, blank);
    main.statuses.push(makeStatus(over.id, { license: license('valid', 100, 1), streams: { configured: 3, analyzed: 2, streams }, streamsAt: new Date().toISOString() }));
    main.statuses.push(makeStatus(blank.id, { license: { state: 'missing', terms: null }, streams: null, streamsAt: new Date().toISOString() }));
  }

  it('lists the streams with whether each is analysed, and says what to do about the headroom', async () => {
    const { pinia } = await setup(twoServers);
    useUiStore().showPanel(id(1));
    wrapper = mountWith(TheServerPanel, pinia);
    await settle();
    expect(wrapper.findAll('.stream-list li').map((li) => li.text())).toEqual(['Gate northanalysed', 'Docknot analysed', 'Lobbyanalysed']);
    expect(wrapper.text()).toContain('2 of 3 configured streams are analysed');
    expect(wrapper.text()).toContain('Streams analysed2 / 1 over the limit');
    const diagnosis = wrapper.get('.diagnoses li');
    expect(diagnosis.text()).toContain('Over the stream limit');
    expect(diagnosis.text()).toContain('Likely cause: It analyses 2 streams and its license allows 1');
    expect(diagnosis.text()).toContain('Next step: Apply a key for at least 2 streams, or turn analysis off on 1 stream.');
  });

  it('says the streams are unknown, and why, rather than showing a number', async () => {
    const { pinia } = await setup(twoServers);
    useUiStore().showPanel(id(2));
    wrapper = mountWith(TheServerPanel, pinia);
    await settle();
    expect(wrapper.find('.stream-list').exists()).toBe(false);
    expect(wrapper.text()).toContain('Unknown: the server did not list them');
    expect(wrapper.text()).toContain('Streams analysedunknown');
    expect(wrapper.get('.diagnoses li').text()).toContain('No license');
  });
});
