import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { FleetCore } from '../../electron/core/fleet-core';
import { AlertNotifier, BackgroundRefresh } from '../../electron/core/status/background-refresh';
import { startSimServer, type SimServer } from '../sim/server';
import { mintKey, utcDateFromToday } from '../sim/keys';
import { tempDir, testKeychain } from '../helpers/keyring';
import { AlertRecorder, type Judgement } from '../helpers/alert-recorder';

let dir: Awaited<ReturnType<typeof tempDir>>;
let core: FleetCore;
let sims: SimServer[];
let notifier: AlertNotifier;
const recorder = new AlertRecorder();

beforeAll(async () => {
  dir = await tempDir('bf-alerts-');
  core = await FleetCore.open({ dataDir: dir.path, secrets: testKeychain() });
  await core.settings.update({ expiryWarningDays: 30, refreshIntervalMinutes: 0 });
  sims = await Promise.all([
    startSimServer({ terms: { expiration_date: utcDateFromToday(300) } }),
    startSimServer({ terms: { expiration_date: utcDateFromToday(10) } }),
    startSimServer({ state: 'invalid' }),
    startSimServer({ state: 'missing' }),
  ]);
  for (const [i, sim] of sims.entries()) await core.registry.add({ name: `cam-${i}`, url: sim.url });
  notifier = new AlertNotifier(core, recorder.notify);
  recorder.watch(notifier);
});

afterAll(async () => {
  notifier.dispose();
  await core.close();
  await Promise.all(sims.map((s) => s.close()));
  await dir.remove();
});

const idOf = (name: string) => core.registry.findByName(name)!.id;

/** Refreshes every server, then waits until the notifier has judged what the refresh found. */
async function refreshAll(): Promise<Judgement> {
  const ids = core.registry.list().map((s) => s.id);
  const since = recorder.mark();
  await core.refresh(ids).done;
  return recorder.judged(ids, since);
}

/** Applies a new key with this expiry to the servers, then waits until the notifier has judged them. */
async function applyKeyExpiring(days: number, serverIds: string[]): Promise<Judgement> {
  const key = await core.vault.addText(mintKey({ expires: utcDateFromToday(days) }));
  const since = recorder.mark();
  await core.apply(key.id, serverIds).done;
  return recorder.judged(serverIds, since);
}

const alert = (serverId: string, condition: string) => expect.objectContaining({ serverId, condition });

describe('license notifications', () => {
  it('tells of an expiring and an invalid license, not of a healthy or missing one', async () => {
    const { told } = await refreshAll();
    expect(told.map((a) => [a.title, a.body.split(':')[0]]).sort()).toEqual([
      ['License expiring soon', 'cam-1'],
      ['License invalid', 'cam-2'],
    ]);
    expect(told.find((a) => a.condition === 'expiring')!.body).toMatch(/expires in 10 days/);
  });

  it('says nothing more on the next refresh, or after a restart', async () => {
    expect(await refreshAll()).toEqual({ found: [], told: [] });
    const reopened = await FleetCore.open({ dataDir: dir.path, secrets: testKeychain() });
    try {
      const again = new AlertNotifier(reopened, recorder.notify);
      const told = recorder.told.length;
      expect(await again.check(core.registry.list().map((s) => s.id))).toEqual([]);
      expect(recorder.told.length).toBe(told);
      again.dispose();
    } finally {
      reopened.dispose();
    }
  });

  it('tells again when the condition changes, and after it cleared and came back', async () => {
    const invalidId = idOf('cam-2');
    // A good key on the invalid server clears its condition.
    expect(await applyKeyExpiring(500, [invalidId])).toEqual({ found: [], told: [] });
    // Then a short key: a new condition, "expiring", is told.
    expect((await applyKeyExpiring(3, [invalidId])).told).toEqual([alert(invalidId, 'expiring')]);
    // Cleared again, and the same condition back: told again, not taken for the one already told.
    expect(await applyKeyExpiring(500, [invalidId])).toEqual({ found: [], told: [] });
    expect((await applyKeyExpiring(4, [invalidId])).told).toEqual([alert(invalidId, 'expiring')]);
    expect(recorder.told.filter((a) => a.serverId === idOf('cam-1')), 'the untouched expiring server was told more than once').toHaveLength(1);
  });

  it('judges no license of a server it could not reach', async () => {
    const offline = idOf('cam-0');
    // With a 365-day window cam-0's 300-day license would count as expiring, were it judged.
    await core.settings.update({ expiryWarningDays: 365 });
    try {
      await sims[0]!.setFault('refuse');
      try {
        const whileOffline = await refreshAll();
        expect(core.status.get(offline).reachability).toBe('offline');
        expect(whileOffline.found, 'judged the last known license of an unreachable server').toEqual([]);
      } finally {
        await sims[0]!.setFault(null);
      }
      // Reached again, the same license is judged: the silence above was the reachability's doing.
      expect((await refreshAll()).told).toEqual([alert(offline, 'expiring')]);
    } finally {
      await core.settings.update({ expiryWarningDays: 30 });
    }
    expect((await refreshAll()).found).toEqual([]); // back to healthy: cam-0's condition cleared
  });

  it('stays quiet when notifications are turned off', async () => {
    await core.settings.update({ notifications: false });
    try {
      const cam0 = idOf('cam-0');
      const { found, told } = await applyKeyExpiring(5, [cam0]);
      expect(found, 'no new condition arose, so this proves nothing').toEqual([alert(cam0, 'expiring')]);
      expect(told).toEqual([]);
    } finally {
      await core.settings.update({ notifications: true });
    }
  });
});

describe('background refresh', () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('refreshes the whole fleet on its interval, and not at all when off', async () => {
    // The simulated servers answer at once (no latency timers), so the refreshes run on fake timers too.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const refresh = vi.spyOn(core, 'refresh');
    const background = new BackgroundRefresh(core);
    try {
      await vi.advanceTimersByTimeAsync(24 * 60 * 60_000); // interval 0: off
      expect(refresh).not.toHaveBeenCalled();

      await core.settings.update({ refreshIntervalMinutes: 5 });
      const before = core.registry.list().map((s) => core.status.get(s.id).checkedAt);
      vi.advanceTimersByTime(5 * 60_000 - 1);
      expect(refresh).not.toHaveBeenCalled();
      vi.advanceTimersByTime(1);
      expect(refresh).toHaveBeenCalledTimes(1);
      expect(refresh.mock.calls[0]![0]).toEqual(core.registry.list().map((s) => s.id));
      // The run under way, not a new one: runNow joins it.
      const run = background.runNow();
      expect(refresh).toHaveBeenCalledTimes(1);
      await run;
      const after = core.registry.list().map((s) => core.status.get(s.id).checkedAt);
      after.forEach((checkedAt, i) => expect(checkedAt, `server ${i} was not checked`).not.toBe(before[i]));

      // Once done, the next one is due an interval later.
      vi.advanceTimersByTime(5 * 60_000 - 1);
      expect(refresh).toHaveBeenCalledTimes(1);
      vi.advanceTimersByTime(1);
      expect(refresh).toHaveBeenCalledTimes(2);
      await background.runNow();
    } finally {
      background.dispose();
      await core.settings.update({ refreshIntervalMinutes: 0 });
    }
  });

  it('never runs two background refreshes at once', async () => {
    const refresh = vi.spyOn(core, 'refresh');
    const background = new BackgroundRefresh(core);
    try {
      const first = background.runNow();
      expect(background.runNow()).toBe(first);
      await first;
      expect(refresh).toHaveBeenCalledTimes(1);
    } finally {
      background.dispose();
    }
  });
});
