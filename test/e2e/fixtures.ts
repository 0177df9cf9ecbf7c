/**
 * Shared set-ups for the browser tests: simulated fleets and the registry seeded to match.
 */
import type { FleetCore } from '../../electron/core/fleet-core';
import type { SimServerOptions } from '../sim/server';
import { startFleet, type Fleet } from '../sim/fleet';

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
