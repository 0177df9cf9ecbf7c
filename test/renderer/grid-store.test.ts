import { describe, expect, it } from 'vitest';
import { useGridStore } from '../../renderer/stores/grid';
import { useViewStore } from '../../renderer/stores/view';
import { license, makeServer, makeStatus } from './fake-bridge';
import { setup } from './setup';
import type { FakeMain } from './fake-bridge';

/** A small mixed fleet: one server per state, two sites. */
function mixedFleet(main: FakeMain): void {
  const add = (name: string, site: string, status: Parameters<typeof makeStatus>[1] | null) => {
    const s = makeServer({ name, site, url: `http://${name}.lan` });
    main.servers.push(s);
    if (status) main.statuses.push(makeStatus(s.id, status));
  };
  add('alpha', 'North', { license: license('valid', 200), streams: streamsRead(4, 4) });
  add('bravo', 'North', { license: license('valid', 10), streams: streamsRead(6, 5) });
  add('charlie', 'South', { license: license('expired', -3) });
  add('delta', 'South', { license: license('invalid') });
  add('echo', 'South', { license: license('missing') });
  add('foxtrot', '', null);
  add('golf', 'North', { license: license('valid', 400), reachability: 'offline', licenseAt: '2025-01-01T00:00:00.000Z' });
  add('hotel', 'North', { license: null, licenseAt: null, error: { kind: 'UnauthorizedError', message: 'Wrong username or password.' } });
  add('india', 'South', { license: license('valid', null, 16), streams: streamsRead(8, 6) });
}

/** Streams as a refresh reads them: `configured`, the first `analyzed` of them analysed. */
function streamsRead(configured: number, analyzed: number) {
  const streams = Array.from({ length: configured }, (_, i) => ({ id: i + 1, name: `Camera ${i + 1}`, analyzed: i < analyzed }));
  return { configured, analyzed, streams };
}

const names = (rows: readonly { name: string }[]) => rows.map((r) => r.name);

describe('grid store: filtering', () => {
  it('shows what needs attention first by default', async () => {
    await setup(mixedFleet);
    const grid = useGridStore();
    expect(names(grid.visibleRows)).toEqual(['charlie', 'delta', 'bravo', 'echo', 'foxtrot', 'hotel', 'alpha', 'golf', 'india']);
  });

  it('filters by text over name, site and address, every word must match', async () => {
    await setup(mixedFleet);
    const grid = useGridStore();
    const view = useViewStore();
    view.setText('south');
    expect(names(grid.visibleRows).sort()).toEqual(['charlie', 'delta', 'echo', 'india']);
    view.setText('south  ECHO');
    expect(names(grid.visibleRows)).toEqual(['echo']);
    view.setText('bravo.lan');
    expect(names(grid.visibleRows)).toEqual(['bravo']);
  });

  it('counts every state chip within the other filters, and filters by any chosen chip', async () => {
    await setup(mixedFleet);
    const grid = useGridStore();
    const view = useViewStore();
    expect(grid.chipCountsInScope).toEqual({ expired: 1, expiring: 1, invalid: 1, missing: 1, valid: 3, unknown: 2, unreachable: 1, auth: 1, streams: 2 });
    view.setSite('North');
    expect(grid.chipCountsInScope).toMatchObject({ valid: 2, expiring: 1, expired: 0, unreachable: 1, auth: 1, unknown: 1 });
    view.setSite(null);
    view.toggleChip('expired');
    view.toggleChip('auth');
    expect(names(grid.visibleRows)).toEqual(['charlie', 'hotel']);
    view.toggleChip('expired');
    expect(names(grid.visibleRows)).toEqual(['hotel']);
    // The fleet-wide counts do not move with the filters.
    expect(grid.fleetCounts.valid).toBe(3);
  });

  it('filters by site, including servers without one', async () => {
    await setup(mixedFleet);
    const grid = useGridStore();
    const view = useViewStore();
    view.setSite('');
    expect(names(grid.visibleRows)).toEqual(['foxtrot']);
    expect(grid.sites).toEqual(['', 'North', 'South']);
  });

  it('"expiring within N days" includes the expired and leaves out perpetual and unknown', async () => {
    await setup(mixedFleet);
    const grid = useGridStore();
    const view = useViewStore();
    view.setExpiringWithin(30);
    expect(names(grid.visibleRows)).toEqual(['charlie', 'bravo']);
    view.setExpiringWithin(365);
    expect(names(grid.visibleRows)).toEqual(['charlie', 'bravo', 'alpha']);
  });

  it('limits to explicit ids from a summary link, and clears everything at once', async () => {
    await setup(mixedFleet);
    const grid = useGridStore();
    const view = useViewStore();
    const ids = grid.rows.filter((r) => ['alpha', 'echo'].includes(r.name)).map((r) => r.id);
    view.showIds('2 failed', ids);
    view.setText('alp');
    expect(names(grid.visibleRows)).toEqual(['alpha']);
    expect(view.filtering).toBe(true);
    view.clearFilters();
    expect(grid.visibleRows).toHaveLength(9);
    expect(view.filtering).toBe(false);
  });
});

describe('grid store: rows', () => {
  it('keeps the last known license of an offline server, marked with its age', async () => {
    await setup(mixedFleet);
    const golf = useGridStore().visibleRows.find((r) => r.name === 'golf')!;
    expect(golf.reach).toBe('offline');
    expect(golf.health).toBe('valid');
    expect(golf.licenseAged).toBe(true);
    expect(golf.licenseAsOf).toMatch(/^as of \d+ d ago$/);
  });

  it('marks a check older than twice the refresh interval plus grace as stale', async () => {
    const old = new Date(Date.now() - 32 * 60_000).toISOString();
    const { main } = await setup((m) => {
      const s = makeServer({ name: 'old' });
      m.servers.push(s);
      m.statuses.push(makeStatus(s.id, { checkedAt: old, licenseAt: old }));
    });
    const grid = useGridStore();
    expect(grid.rows[0]!.reach).toBe('online'); // 32 min < 2 × 15 + 5
    main.settings.refreshIntervalMinutes = 10;
    const { useSettingsStore } = await import('../../renderer/stores/settings');
    await useSettingsStore().load();
    expect(grid.rows[0]!.reach).toBe('stale'); // 32 min > 2 × 10 + 5
    expect(grid.rows[0]!.licenseAsOf).toBe('as of 32 min ago');
  });

  it('rebuilds only the rows whose status changed', async () => {
    await setup(mixedFleet);
    const grid = useGridStore();
    const before = new Map(grid.rows.map((r) => [r.id, r]));
    const echo = grid.rows.find((r) => r.name === 'echo')!;
    const { useServersStore } = await import('../../renderer/stores/servers');
    useServersStore().applyStatuses([makeStatus(echo.id, { license: license('valid', 100) })]);
    const after = grid.rows;
    expect(after.find((r) => r.id === echo.id)!.health).toBe('valid');
    expect(after.filter((r) => r !== before.get(r.id)).map((r) => r.name)).toEqual(['echo']);
  });
});

describe('grid store: sorting', () => {
  it('sorts by a column ascending, then descending, then back to the default', async () => {
    await setup(mixedFleet);
    const grid = useGridStore();
    const view = useViewStore();
    view.cycleSort('name');
    expect(names(grid.visibleRows)[0]).toBe('alpha');
    view.cycleSort('name');
    expect(names(grid.visibleRows)[0]).toBe('india');
    view.cycleSort('name');
    expect(view.sort).toBeNull();
    expect(names(grid.visibleRows)[0]).toBe('charlie');
  });

  it('sorts expiry by days left, perpetual after dated, unknown last both ways', async () => {
    await setup(mixedFleet);
    const grid = useGridStore();
    const view = useViewStore();
    view.setSort({ column: 'expiry', desc: false });
    expect(names(grid.visibleRows)).toEqual(['charlie', 'bravo', 'alpha', 'golf', 'india', 'delta', 'echo', 'foxtrot', 'hotel']);
    view.setSort({ column: 'expiry', desc: true });
    expect(names(grid.visibleRows)).toEqual(['india', 'golf', 'alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'hotel']);
  });

  it('sorts numbers as numbers and keeps filtering in the sorted order', async () => {
    await setup(mixedFleet);
    const grid = useGridStore();
    const view = useViewStore();
    view.setSort({ column: 'streams', desc: true });
    // By headroom: over the limit (5 of 4), at it (4 of 4), then room (6 of 16); unknown last, by name.
    expect(names(grid.visibleRows).slice(0, 4)).toEqual(['bravo', 'alpha', 'india', 'charlie']);
    view.setSite('South');
    expect(names(grid.visibleRows)).toEqual(['india', 'charlie', 'delta', 'echo']);
  });

  it('filters to the servers near or over the stream limit, and shows analysed / allowed in every band', async () => {
    await setup(mixedFleet);
    const grid = useGridStore();
    const view = useViewStore();
    view.toggleChip('streams');
    expect(names(grid.visibleRows)).toEqual(['bravo', 'alpha']);
    const row = (name: string) => grid.rowById.get([...grid.rowById.values()].find((r) => r.name === name)!.id)!;
    expect([row('alpha'), row('bravo'), row('india'), row('echo'), row('golf')].map((r) => [r.streamsText, r.headroom])).toEqual([
      ['4 / 4', 'near'],
      ['5 / 4', 'over'],
      ['6 / 16', 'ok'],
      ['unknown', 'unknown'],
      ['? / 4', 'unknown'],
    ]);
    view.toggleChip('streams');
    view.setText('over the limit');
    expect(names(grid.visibleRows)).toEqual(['bravo']);
  });
});
