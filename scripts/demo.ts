/**
 * `npm run demo`: the desktop app on a simulated fleet of 40 BrainFrame servers in mixed states,
 * with a data folder of its own (.demo-data/, or BF_FLEET_DATA_DIR), so the user's real servers,
 * keys and keychain entries are untouched. The fleet runs until Ctrl+C, or until the app quits.
 * Takes the launch options of `npm start` (`npm run demo -- --help`).
 */
import { resolve } from 'node:path';
import { FleetCore } from '../electron/core/fleet-core';
import { KEYCHAIN_SERVICE_ENV } from '../electron/core/secrets/secret-store';
import { DATA_DIR_ENV } from '../electron/core/data-dir';
import { startFleet } from '../test/sim/fleet';
import { mintKey, utcDateFromToday } from '../test/sim/keys';
import type { SimServerOptions } from '../test/sim/server';
import { launchApp, launchOptionsFromArgs, type LaunchOptions } from './launch-app';

const COUNT = 40;
const BASE_PORT = Number(process.env.BF_DEMO_PORT ?? 18400);
const dataDir = resolve(process.env.BF_FLEET_DATA_DIR ?? '.demo-data');
// The demo's keychain entries stay apart from the real app's; the app and CLI it starts inherit this.
process.env[KEYCHAIN_SERVICE_ENV] ||= 'BrainFrame Fleet Licenses (demo)';
process.env[DATA_DIR_ENV] = dataDir;
const admin = { username: 'admin', password: 'admin' }; // a fresh install's documented default account

const SITES = ['North depot', 'Harbour gate', 'Main campus', 'Warehouse 7'];

/** Mostly healthy servers, with every state and fault an integrator meets on site. */
function serverOptions(i: number): { name: string; sim: Partial<SimServerOptions>; password?: string } {
  const name = `${SITES[i % SITES.length]!.split(' ')[0]!.toLowerCase()}-cam-${String(i + 1).padStart(2, '0')}`;
  const expiring = (days: number) => ({ terms: { expiration_date: utcDateFromToday(days), max_streams: 8 } });
  const special: Record<number, Partial<SimServerOptions> & { password?: string }> = {
    3: expiring(5),
    7: expiring(12),
    11: expiring(25),
    14: { state: 'expired' },
    18: { state: 'invalid' },
    21: { state: 'missing' },
    25: { state: 'valid', password: 'wrong-password' },
    28: { fault: 'refuse' },
    31: { fault: 'hang' },
    34: { fault: 'starting' },
    37: { terms: { expiration_date: null, max_streams: 64, online_checkin: true } },
  };
  const { password, ...sim } = special[i] ?? { terms: { expiration_date: utcDateFromToday(120 + i * 9), max_streams: 4 + (i % 5) * 4 } };
  return { name, sim: { ...sim, ...demoStreams(i, sim.terms?.max_streams ?? 4) }, password };
}

/**
 * Streams in every headroom band: most with room, some at the limit (near), a few over it (a key
 * with fewer streams was applied), and one server without the status endpoint (unknown).
 */
function demoStreams(i: number, max: number): Partial<SimServerOptions> {
  if (i === 10) return { streams: { total: 6, analyzed: 3 }, noStreamStatus: true };
  const analyzed = i % 11 === 6 ? max + 2 : i % 7 === 2 ? max : Math.floor(max / 2);
  return { streams: { total: analyzed + (i % 3), analyzed } };
}

async function seed(core: FleetCore, urls: string[]): Promise<void> {
  for (const server of core.registry.list()) await core.registry.remove(server.id);
  for (const [i, url] of urls.entries()) {
    const { name, password } = serverOptions(i);
    await core.registry.add({ name, url, site: SITES[i % SITES.length], credentials: { ...admin, password: password ?? admin.password } });
  }
  if (core.vault.list().length === 0) {
    await core.vault.addText(mintKey({ maxStreams: 16, expires: utcDateFromToday(540) }), 'Fleet 2028 (16 streams)');
    await core.vault.addText(mintKey({ maxStreams: 4, expires: utcDateFromToday(20) }), 'Short trial');
    await core.vault.addText(mintKey({ expired: true }), 'Old 2024 key (expired)');
  }
}

async function main(launch: LaunchOptions): Promise<void> {
  const fleet = await startFleet({ basePort: BASE_PORT, count: COUNT, auth: admin, perServer: (i) => serverOptions(i).sim });
  const core = await FleetCore.open({ dataDir });
  await seed(core, fleet.urls);
  await core.refresh(core.registry.list().map((s) => s.id), { timeoutMs: 3000 }).done;
  await core.close();
  console.log(`Simulated fleet: ${COUNT} servers on 127.0.0.1:${BASE_PORT}-${BASE_PORT + COUNT - 1}; data folder ${dataDir}`);

  // Ctrl+C reaches the app too: it quits first (a few seconds at most), then the fleet stops.
  let app: Promise<unknown> = Promise.resolve();
  let stopping: Promise<void> | null = null;
  const shutdown = (exitCode = 0) =>
    (stopping ??= (async () => {
      await Promise.race([app, new Promise((r) => setTimeout(r, 5000))]);
      await fleet.close();
      console.log('Simulated fleet stopped.');
      process.exit(exitCode);
    })());
  process.on('SIGINT', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());

  const cliHint =
    'The simulated fleet keeps running: try the command line on it, for example\n' +
    `  BF_FLEET_DATA_DIR=${dataDir} ${KEYCHAIN_SERVICE_ENV}='${process.env[KEYCHAIN_SERVICE_ENV]}' npm run -s cli -- status --all\n` +
    'Press Ctrl+C to stop the fleet.';
  const running = launchApp(launch);
  app = running;
  const result = await running;
  // A screenshot is asked for by a script or a support person: the demo ends with it, either way.
  if (launch.screenshot) {
    if (!result.launched) console.error(`\n${result.message}`);
    await shutdown(result.launched ? result.exitCode : 1);
  } else if (!result.launched) console.error(`\n${result.message}\n\n${cliHint}`);
  else if (result.exitCode === 0) await shutdown();
  else console.error(`\nThe desktop app exited with status ${result.exitCode}.\n${cliHint}`);
}

const launch = launchOptionsFromArgs(`npm run demo [-- OPTIONS]: the app on a simulated fleet of ${COUNT} servers.`);
main(launch).catch((err: unknown) => {
  console.error(`The demo could not start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(2);
});
