import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { FleetCore } from '../../electron/core/fleet-core';
import { AlertNotifier, BackgroundRefresh } from '../../electron/core/status/background-refresh';
import type { LicenseAlert } from '../../electron/core/status/license-alerts';
import { startSimServer, type SimServer } from '../sim/server';
import { mintKey, utcDateFromToday } from '../sim/keys';
import { tempDir, testKeychain } from '../helpers/keyring';

let dir: Awaited<ReturnType<typeof tempDir>>;
let core: FleetCore;
let sims: SimServer[];
let notifier: AlertNotifier;
const told: LicenseAlert[] = [];

beforeAll(async () => {
  dir = await tempDir('bf-alerts-');
  core = await FleetCore.open({ dataDir: dir.path, secrets: testKeychain() });
  await core.settings.update({ expiryWarningDays: 30, refreshIntervalMinutes: 0 });
  sims = await Promise.all([
    startSimServer({ terms: { expiration_date: utcDateFromToday(400) } }),
    startSimServer({ terms: { expiration_date: utcDateFromToday(10) } }),
    startSimServer({ state: 'invalid' }),
    startSimServer({ state: 'missing' }),
  ]);
  for (const [i, sim] of sims.entries()) await core.registry.add({ name: `cam-${i}`, url: sim.url });
  notifier = new AlertNotifier(core, (alert) => told.push(alert));
});

afterAll(async () => {
  notifier.dispose();
  await core.close();
  await Promise.all(sims.map((s) => s.close()));
  await dir.remove();
});

async function refreshAll(): Promise<LicenseAlert[]> {
  const before = told.length;
  await core.refresh(core.registry.list().map((s) => s.id)).done;
  await vi.waitFor(async () => {
    await core.status.flush();
  });
  // The notifier runs on the status change event; give its evaluation a moment to finish.
  await new Promise((r) => setTimeout(r, 100));
  return told.slice(before);
}

describe('license notifications', () => {
  it('tells of an expiring and an invalid license, not of a healthy or missing one', async () => {
    const alerts = await refreshAll();
    expect(alerts.map((a) => [a.title, a.body.split(':')[0]]).sort()).toEqual([
      ['License expiring soon', 'cam-1'],
      ['License invalid', 'cam-2'],
    ]);
    expect(alerts.find((a) => a.condition === 'expiring')!.body).toMatch(/expires in 10 days/);
  });

  it('says nothing more on the next refresh, or after a restart', async () => {
    expect(await refreshAll()).toEqual([]);
    const reopened = await FleetCore.open({ dataDir: dir.path, secrets: testKeychain() });
    try {
      const again = new AlertNotifier(reopened, (alert) => told.push(alert));
      const statuses = core.registry.list().map((s) => s.id);
      expect(await again.check(statuses)).toEqual([]);
      again.dispose();
    } finally {
      reopened.dispose();
    }
  });

  it('tells again when the condition changes, and after it cleared and came back', async () => {
    const key = mintKey({ expires: utcDateFromToday(3) });
    const keyId = (await core.vault.addText(key)).id;
    const expiringId = core.registry.findByName('cam-1')!.id;
    const invalidId = core.registry.findByName('cam-2')!.id;
    // A good key on the invalid server clears its condition.
    const good = await core.vault.addText(mintKey({ expires: utcDateFromToday(500) }));
    await core.apply(good.id, [invalidId]).done;
    await new Promise((r) => setTimeout(r, 400));
    // Then a short key: the condition came back as "expiring".
    await core.apply(keyId, [invalidId]).done;
    await new Promise((r) => setTimeout(r, 400));
    expect(told.slice(-1)[0]).toMatchObject({ serverId: invalidId, condition: 'expiring' });
    expect(told.filter((a) => a.serverId === expiringId)).toHaveLength(1);
  });

  it('judges no license of a server it could not reach', async () => {
    const offline = core.registry.findByName('cam-0')!;
    await sims[0]!.setFault('refuse');
    const alerts = await refreshAll();
    expect(alerts.filter((a) => a.serverId === offline.id)).toEqual([]);
    await sims[0]!.setFault(null);
  });

  it('stays quiet when notifications are turned off', async () => {
    await core.settings.update({ notifications: false });
    const short = await core.vault.addText(mintKey({ expires: utcDateFromToday(5) }));
    const before = told.length;
    await core.apply(short.id, [core.registry.findByName('cam-0')!.id]).done;
    await new Promise((r) => setTimeout(r, 400));
    expect(told.slice(before)).toEqual([]);
    await core.settings.update({ notifications: true });
  });
});

describe('background refresh', () => {
  afterEach(() => vi.useRealTimers());

  it('refreshes the whole fleet on its interval, and not at all when off', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const background = new BackgroundRefresh(core);
    try {
      expect(vi.getTimerCount()).toBe(0); // interval 0: off
      await core.settings.update({ refreshIntervalMinutes: 5 });
      expect(vi.getTimerCount()).toBe(1);
      const checked = core.status.get(core.registry.findByName('cam-3')!.id).checkedAt;
      vi.advanceTimersByTime(5 * 60_000);
      vi.useRealTimers();
      await vi.waitFor(() => expect(core.status.get(core.registry.findByName('cam-3')!.id).checkedAt).not.toBe(checked), { timeout: 5000 });
    } finally {
      background.dispose();
      await core.settings.update({ refreshIntervalMinutes: 0 });
    }
  });

  it('never runs two background refreshes at once', async () => {
    const background = new BackgroundRefresh(core);
    try {
      const first = background.runNow();
      expect(background.runNow()).toBe(first);
      await first;
    } finally {
      background.dispose();
    }
  });
});
