/**
 * Shared set-ups for the browser tests: simulated fleets and the registry seeded to match.
 */
import { afterAll, afterEach } from 'vitest';
import type { FleetCore } from '../../electron/core/fleet-core';
import { closeBrowser, launchApp, type E2eApp } from './harness';
import { FleetPage } from './fleet-page';
import type { SimServerOptions } from '../sim/server';
import { startFleet, type Fleet } from '../sim/fleet';
import { utcDateFromToday } from '../sim/keys';
import type { LicenseInfo } from '../../electron/common/license';

export interface SeededServer {
  name: string;
  site?: string;
  options?: Partial<SimServerOptions>;
  credentials?: { username: string; password: string };
}

/** Starts one simulated server per entry and registers it under its name. */
export async function seedFleet(core: FleetCore, servers: SeededServer[]): Promise<{ fleet: Fleet; ids: Map<string, string> }> {
  const fleet = await startFleet({ count: servers.length, perServer: (i) => servers[i]!.options ?? {} });
  const ids = new Map<string, string>();
  for (const [i, s] of servers.entries()) {
    const added = await core.registry.add({ name: s.name, url: fleet.urls[i]!, site: s.site ?? '', credentials: s.credentials ?? null });
    ids.set(s.name, added.id);
  }
  return { fleet, ids };
}

/**
 * A large fleet as the grid sees it after a refresh, written straight into the registry and the
 * status cache (no servers need to answer to be looked at): every license state, 1 in 25
 * unreachable, 1 in 50 refusing the login, 40 sites.
 */
export async function seedLargeFleet(core: FleetCore, count: number): Promise<void> {
  const rows = ['name,url,site'];
  for (let i = 0; i < count; i++) rows.push(`appliance-${String(i).padStart(4, '0')},http://10.${(i >> 8) & 255}.${i & 255}.${1 + (i % 200)},site-${String(i % 40).padStart(2, '0')}`);
  const report = await core.registry.importCsv(rows.join('\n'));
  if (report.accepted !== count) throw new Error(`seeded ${report.accepted} of ${count} servers`);
  core.registry.list().forEach((server, i) => {
    if (i % 25 === 24) core.status.record(server.id, { error: { kind: 'Unreachable', message: 'Server unreachable.' } });
    else if (i % 50 === 13) core.status.record(server.id, { error: { kind: 'UnauthorizedError', message: 'Wrong username or password.' } });
    else core.status.record(server.id, { license: licenseFor(i), version: '0.30.5' });
  });
  await core.status.flush();
}

function licenseFor(i: number): LicenseInfo {
  const terms = (days: number | null) => ({ online_checkin: i % 7 === 0, max_streams: 4 + (i % 5) * 4, journal_max_allowed_age: 30 * 86_400, expiration_date: days === null ? null : utcDateFromToday(days) });
  switch (i % 10) {
    case 0:
      return { state: 'expired', terms: terms(-(i % 60) - 1) };
    case 1:
      return { state: 'missing', terms: null };
    case 2:
      return { state: 'invalid', terms: null };
    case 3:
      return { state: 'valid', terms: terms(i % 20) };
    case 4:
      return { state: 'valid', terms: terms(null) };
    default:
      return { state: 'valid', terms: terms(40 + (i % 900)) };
  }
}

export interface FleetSession {
  app: E2eApp;
  fleet: Fleet;
  ui: FleetPage;
}

/**
 * For a test file whose tests each run the app over their own simulated fleet: `start` seeds the
 * servers (then `extra`), launches the app and waits for the grid; each test's app and fleet are
 * closed after it, the browser after the file.
 */
export function fleetSessions(): { start: (servers: SeededServer[], extra?: (core: FleetCore) => Promise<void>) => Promise<FleetSession> } {
  let app: E2eApp | null = null;
  let fleet: Fleet | null = null;
  afterEach(async () => {
    await app?.close();
    await fleet?.close();
    app = null;
    fleet = null;
  });
  afterAll(() => closeBrowser());
  return {
    async start(servers, extra) {
      const launched = await launchApp({
        seed: async (core) => {
          fleet = (await seedFleet(core, servers)).fleet;
          await extra?.(core);
        },
      });
      app = launched;
      const ui = new FleetPage(launched.page);
      await ui.ready();
      return { app: launched, fleet: fleet!, ui };
    },
  };
}
