// The overview: its numbers are the report model's (the same one the handover report prints),
// its chart has a text equivalent, and a server needing action is one click from its grid row.
import { afterEach, describe, expect, it } from 'vitest';
import type { VueWrapper } from '@vue/test-utils';
import TheOverview from '../../renderer/components/overview/TheOverview.vue';
import { overviewOf } from '../../renderer/model/overview';
import { useGridStore } from '../../renderer/stores/grid';
import { useServersStore } from '../../renderer/stores/servers';
import { useUiStore } from '../../renderer/stores/ui';
import { useViewStore } from '../../renderer/stores/view';
import { license, makeServer, makeStatus, type FakeMain } from './fake-bridge';
import { mountWith, settle } from './mount';
import { setup } from './setup';

let wrapper: VueWrapper | null = null;
afterEach(() => {
  wrapper?.unmount();
  wrapper = null;
});

const OLD = new Date(Date.now() - 3 * 86_400_000).toISOString();

function fleet(main: FakeMain): void {
  const add = (name: string, site: string, over: Parameters<typeof makeStatus>[1] | null) => {
    const s = makeServer({ name, site });
    main.servers.push(s);
    if (over) main.statuses.push(makeStatus(s.id, over));
  };
  add('n-valid', 'north', { license: license('valid', 200, 8) });
  add('n-soon', 'north', { license: license('valid', 5, 4) });
  add('n-perpetual', 'north', { license: license('valid', null, 16) });
  add('s-expired', 'south', { license: license('expired', -3) });
  add('s-invalid', 'south', { license: license('invalid') });
  add('s-missing', 'south', { license: license('missing') });
  add('s-offline', 'south', { license: license('valid', 40, 2), reachability: 'offline', error: { kind: 'Unreachable', message: 'x' } });
  add('s-stale', 'south', { license: license('valid', 300, 4), checkedAt: OLD, licenseAt: OLD });
  add('never', '', null);
}

function counts(testId: string): Record<string, number> {
  return Object.fromEntries(wrapper!.findAll(`[data-testid="${testId}"] li`).map((li) => [li.attributes('data-state')!, Number(li.find('strong').text())]));
}

describe('TheOverview', () => {
  it('shows the report model’s counts, capacity and needs-action order, for the fleet and for one site', async () => {
    const { pinia } = await setup(fleet);
    wrapper = mountWith(TheOverview, pinia);
    await settle();
    const servers = useServersStore();
    const model = overviewOf({ servers: servers.servers, statuses: servers.statuses, site: '', now: useGridStore().now, warningDays: 30, refreshIntervalMinutes: 15 });
    expect(counts('health-counts')).toEqual(model.summary.byHealth);
    expect(model.summary.byHealth).toEqual({ expired: 1, invalid: 1, missing: 1, expiring: 1, unknown: 1, valid: 4 });
    expect(counts('reach-counts')).toEqual({ online: 6, stale: 1, offline: 1, never: 1 });
    expect(wrapper.find('[data-testid="streams"]').text()).toBe('Analysed streams: not read');
    expect(wrapper.text()).toContain(`${8 + 4 + 16 + 2 + 4} licensed streams`);
    expect(wrapper.findAll('[data-testid="needs-action"] li button').map((b) => b.text())).toEqual(['s-expired', 's-invalid', 's-missing', 'n-soon', 's-offline', 'never', 's-stale']);
    // The chart's text equivalent names every month and the expired count.
    const chart = wrapper.find('svg.chart');
    expect(chart.attributes('role')).toBe('img');
    expect(chart.attributes('aria-label')).toMatch(/^Licenses expiring per month over the next 12 months: \w{3} \d{4} \d+(, \w{3} \d{4} \d+){11}\. Already expired: 1\.$/);
    expect(chart.findAll('rect.bar')).toHaveLength(12);

    await wrapper.find('select').setValue('north');
    await settle();
    expect(wrapper.find('h2').text()).toBe('Overview of site north');
    expect(counts('health-counts')).toMatchObject({ valid: 2, expiring: 1, expired: 0 });
  });

  it('takes a server needing action to its row in the grid, with filters cleared and details open', async () => {
    const { pinia } = await setup(fleet);
    const ui = useUiStore();
    const view = useViewStore();
    view.setSite('north'); // hides the expired server, which is at south
    ui.showPage('overview');
    wrapper = mountWith(TheOverview, pinia);
    await settle();
    const before = ui.focusGridRequest;
    await wrapper.findAll('[data-testid="needs-action"] li button')[0]!.trigger('click');
    const expired = useServersStore().servers.find((s) => s.name === 's-expired')!;
    expect(ui.page).toBe('grid');
    expect(ui.activeServerId).toBe(expired.id);
    expect(ui.panelServerId).toBe(expired.id);
    expect(ui.focusGridRequest).toBe(before + 1);
    expect(useGridStore().visibleRows.some((r) => r.id === expired.id)).toBe(true); // the filter that hid it is cleared
  });
});
