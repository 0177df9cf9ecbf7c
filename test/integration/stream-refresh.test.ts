import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FleetCore } from '../../electron/core/fleet-core';
import { streamHeadroom, streamLimit } from '../../electron/common/streams';
import { startFleet, type Fleet } from '../sim/fleet';
import type { SimServerOptions } from '../sim/server';
import { tempDir, testKeychain } from '../helpers/keyring';

// One server per headroom band, and two whose streams cannot be known.
const SERVERS: Array<[name: string, options: Partial<SimServerOptions>, band: ReturnType<typeof streamHeadroom>]> = [
  ['cam-ok', { terms: { max_streams: 8 }, streams: { total: 6, analyzed: 4 } }, 'ok'],
  ['cam-near', { terms: { max_streams: 8 }, streams: { total: 8, analyzed: 8 } }, 'near'],
  ['cam-over', { terms: { max_streams: 4 }, streams: { total: 8, analyzed: 6 } }, 'over'],
  ['cam-unlicensed', { state: 'missing', streams: { total: 8, analyzed: 6 } }, 'unknown'],
  ['cam-old', { terms: { max_streams: 8 }, streams: { total: 8, analyzed: 2 }, noStreamStatus: true }, 'unknown'],
];

let fleet: Fleet;
let core: FleetCore;
let dir: Awaited<ReturnType<typeof tempDir>>;
const auth = { username: 'admin', password: 'streams-pw-4e1' };

beforeAll(async () => {
  fleet = await startFleet({ count: SERVERS.length, auth, perServer: (i) => SERVERS[i]![1] });
  dir = await tempDir('bf-streams-');
  core = await FleetCore.open({ dataDir: dir.path, secrets: testKeychain() });
  for (const [i, url] of fleet.urls.entries()) await core.registry.add({ name: SERVERS[i]![0], url, credentials: auth });
});
afterAll(async () => {
  await core.close();
  await fleet.close();
  await dir.remove();
});
afterEach(async () => {
  await core.settings.update({ readStreams: true });
  for (const server of fleet.servers) server.requests.length = 0;
});

const ids = () => core.registry.list().map((s) => s.id);
const id = (name: string) => core.registry.findByName(name)!.id;
const streamRequests = () => fleet.servers.flatMap((s) => s.requests).filter((r) => r.path.startsWith('/api/streams'));

describe('refresh with streams', () => {
  it('reads each server\'s streams with its license, and bands the headroom', async () => {
    const summary = await core.refresh(ids()).done;
    const results = new Map(summary.results.map((r) => [r.name, r]));
    for (const [name, , band] of SERVERS) {
      const result = results.get(name)!;
      const status = core.status.get(result.serverId);
      expect(status.streams, name).toEqual(result.streams);
      expect(streamHeadroom(status.streams?.analyzed, streamLimit(status.license)), name).toBe(band);
    }
    expect(results.get('cam-over')!.streams).toMatchObject({ configured: 8, analyzed: 6 });
    expect(results.get('cam-over')!.streams!.streams[5]).toEqual({ id: 6, name: 'Camera 6', analyzed: true });
    // Unknown is null, never zero: a server without a license, and one without the status endpoint.
    expect(results.get('cam-unlicensed')!.streams).toBeNull();
    expect(results.get('cam-old')!.streams).toBeNull();
    expect(summary.results.every((r) => r.ok)).toBe(true);
  });

  it('sends no stream request with the setting off, and keeps the streams last read', async () => {
    await core.refresh(ids()).done;
    const read = core.status.get(id('cam-ok'));
    await core.settings.update({ readStreams: false });
    for (const server of fleet.servers) server.requests.length = 0;
    const summary = await core.refresh(ids()).done;
    expect(streamRequests()).toEqual([]);
    expect(summary.results.every((r) => !('streams' in r))).toBe(true);
    expect(read.streams).not.toBeNull();
    expect(core.status.get(id('cam-ok'))).toMatchObject({ streams: read.streams, streamsAt: read.streamsAt });
  });

  it('records streams found unknown as unknown, not as the last number read', async () => {
    await core.refresh(ids()).done;
    expect(core.status.get(id('cam-ok')).streams?.analyzed).toBe(4);
    fleet.servers[0]!.setStreams({ total: 6, analyzed: 5 });
    await core.refresh([id('cam-ok')]).done;
    expect(core.status.get(id('cam-ok')).streams?.analyzed).toBe(5);
    // Streams once read, then lost (the license was removed): unknown, not the old count.
    fleet.servers[1]!.setStreams({ total: 8, analyzed: 7 });
    await core.refresh([id('cam-near')]).done;
    expect(core.status.get(id('cam-near')).streams?.analyzed).toBe(7);
    await fleet.servers[1]!.setFault('nonjson');
    await core.refresh([id('cam-near')]).done;
    await fleet.servers[1]!.setFault(null);
    expect(core.status.get(id('cam-near')).streams?.analyzed).toBe(7); // the whole check failed: last known kept
    await core.refresh([id('cam-old')]).done;
    expect(core.status.get(id('cam-old'))).toMatchObject({ streams: null, streamsAt: expect.any(String) });
    fleet.servers[0]!.setStreams({ total: 6, analyzed: 4 });
    fleet.servers[1]!.setStreams({ total: 8, analyzed: 8 });
  });

  it('keeps the last streams across a restart', async () => {
    await core.refresh(ids()).done;
    await core.status.flush();
    const again = await FleetCore.open({ dataDir: dir.path, secrets: testKeychain() });
    try {
      expect(again.status.get(id('cam-near')).streams).toMatchObject({ configured: 8, analyzed: 8 });
      expect(again.settings.get().readStreams).toBe(true);
    } finally {
      await again.close();
    }
  });
});
