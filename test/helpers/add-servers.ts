/**
 * A second process writing the registry, as the app beside a script: opens the data folder and
 * adds servers one by one (one read-modify-write of servers.json each), starting at a given moment
 * so several such processes overlap. Prints the times of its first and last add as JSON.
 * Usage: node --import tsx test/helpers/add-servers.ts DATA_DIR NAME_PREFIX COUNT START_AT_MS
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { FleetCore } from '../../electron/core/fleet-core';

const [dataDir = '', prefix, count, startAt] = process.argv.slice(2);
const core = await FleetCore.open({ dataDir });
await sleep(Math.max(0, Number(startAt) - Date.now()));
const first = Date.now();
for (let i = 0; i < Number(count); i++) {
  await core.registry.add({ name: `${prefix}-${i}`, url: `http://10.${i >> 8}.${i & 255}.1` });
}
console.log(JSON.stringify({ first, last: Date.now() }));
await core.close();
