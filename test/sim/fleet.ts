// Many simulated servers in one process, for tests, the demo and benchmarks (1,000+ is fine:
// each is one listening socket and its open connections).
import { startSimServer, type SimServer, type SimServerOptions } from './server';

export type FleetOptions = Omit<SimServerOptions, 'port'> & {
  /** Servers take basePort, basePort + 1, ...; without it each takes a random free port. */
  basePort?: number;
  count: number;
  /** Options for server i (0-based) over the shared ones. */
  perServer?: (i: number) => Partial<SimServerOptions>;
};

export interface Fleet {
  servers: SimServer[];
  urls: string[];
  close(): Promise<void>;
}

export async function startFleet(opts: FleetOptions): Promise<Fleet> {
  const { basePort, count, perServer, ...shared } = opts;
  if (!Number.isSafeInteger(count) || count < 0) throw new Error(`count must be a whole number of at least 0, not ${count}`);
  if (basePort !== undefined && (!Number.isSafeInteger(basePort) || basePort < 1 || basePort + count - 1 > 65_535)) {
    throw new Error(`ports ${basePort}-${basePort + count - 1} do not fit in 1-65535`);
  }

  const settled = await Promise.allSettled(
    Array.from({ length: count }, (_, i) => {
      const port = basePort === undefined ? 0 : basePort + i;
      return startSimServer({ ...shared, ...perServer?.(i), port });
    }),
  );

  const servers: SimServer[] = [];
  const failures: string[] = [];
  settled.forEach((result, i) => {
    if (result.status === 'fulfilled') servers.push(result.value);
    else {
      const where = basePort === undefined ? `server ${i}` : `server ${i} (port ${basePort + i})`;
      failures.push(`${where}: ${result.reason instanceof Error ? result.reason.message : String(result.reason)}`);
    }
  });
  if (failures.length > 0) {
    await Promise.all(servers.map((s) => s.close()));
    const more = failures.length > 1 ? ` (and ${failures.length - 1} more)` : '';
    throw new Error(`could not start the fleet: ${failures[0]}${more}`);
  }

  return {
    servers,
    urls: servers.map((s) => s.url),
    close: async () => {
      await Promise.all(servers.map((s) => s.close()));
    },
  };
}
