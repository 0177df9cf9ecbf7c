/**
 * Staged applies in the browser: the apply preview shows the key's learned terms and each
 * server's guards with a confirmation per failed guard; a canary that fails halts the rollout,
 * and its summary says why and which servers were not contacted. Real IPC handlers and core,
 * simulated servers on loopback.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { closeBrowser, launchApp, type E2eApp } from './harness';
import { seedFleet, type SeededServer } from './fixtures';
import { FleetPage } from './fleet-page';
import { expectAccessible } from './accessibility';
import type { Fleet } from '../sim/fleet';
import type { FleetCore } from '../../electron/core/fleet-core';
import { mintKey, utcDateFromToday } from '../sim/keys';

let app: E2eApp | null = null;
let fleet: Fleet | null = null;

afterEach(async () => {
  await app?.close();
  await fleet?.close();
  app = null;
  fleet = null;
});
afterAll(() => closeBrowser());

async function start(servers: SeededServer[], extra: (core: FleetCore, ids: Map<string, string>) => Promise<void>) {
  app = await launchApp({
    seed: async (core) => {
      const seeded = await seedFleet(core, servers);
      fleet = seeded.fleet;
      await extra(core, seeded.ids);
    },
  });
  const ui = new FleetPage(app.page);
  await ui.ready();
  const sim = (name: string) => fleet!.servers[servers.findIndex((s) => s.name === name)]!;
  return { ui, sim };
}

describe('staged apply in the browser', () => {
  it('previews the guards per server with the learned terms, and holds the key back where one blocks', async () => {
    const inYear = utcDateFromToday(365);
    const { ui, sim } = await start(
      [
        { name: 'cam-01', options: { state: 'valid' } },
        { name: 'cam-02', options: { terms: { expiration_date: utcDateFromToday(3 * 365), max_streams: 8 }, streams: { total: 8, analyzed: 6 } } },
        { name: 'cam-03', options: { state: 'valid', streams: { total: 4, analyzed: 2 } } },
      ],
      async (core, ids) => {
        const key = await core.vault.addText(mintKey({ maxStreams: 4, expires: inYear }), 'Acme four');
        // An earlier apply taught the vault this key's terms.
        await core.apply(key.id, [ids.get('cam-01')!]).done;
      },
    );
    await ui.button('Refresh all').click();
    await ui.waitForSummary();
    await ui.dismissSummary();
    await ui.selectAllShown();
    await ui.button('Apply key…').click();
    const dialog = ui.page.getByRole('dialog', { name: 'Apply a key to 3 servers' });
    await dialog.waitFor();
    await dialog.getByRole('radio', { name: /Acme four/ }).check();

    // "Try on 1 server first": a labelled checkbox and number, on by default.
    const tryFirst = dialog.getByRole('checkbox', { name: 'Try on 1 server first' });
    expect(await tryFirst.isChecked()).toBe(true);
    expect(await dialog.getByRole('spinbutton', { name: 'Servers to try first' }).inputValue()).toBe('1');
    const text = (await dialog.textContent()) ?? '';
    expect(text).toContain(`Acme four: 4 streams, until ${inYear}, learned from cam-01 on`);
    expect(text).toContain('First cam-01.');
    expect(text).toContain('cam-02 analyses 6 streams; this key allows 4');
    expect(text).toContain(`cam-02's license lasts until ${utcDateFromToday(3 * 365)}; this key ends ${inYear}`);
    expect(text).toContain('cam-03 analyses 2 streams; this key allows 4');
    expect(text).toContain('1 server will not get the key');
    const expiryOverride = dialog.getByRole('checkbox', { name: 'Apply to cam-02 anyway (expiry)' });
    const streamsOverride = dialog.getByRole('checkbox', { name: 'Apply to cam-02 anyway (streams)' });
    expect(await streamsOverride.isChecked()).toBe(false);
    await expiryOverride.check(); // one guard confirmed; the other still blocks
    expect((await dialog.textContent()) ?? '').toContain('1 server will not get the key');
    await dialog.getByRole('checkbox', { name: /I understand/ }).check();
    await app!.screenshot('apply-preview-guards');
    await expectAccessible(app!.page, 'apply preview with guards', { within: 'dialog[open]' });

    await dialog.getByRole('button', { name: 'Apply “Acme four” to 3 servers' }).click();
    const heading = await ui.waitForSummary();
    expect(heading).toBe('Applied key “Acme four” to 2 of 3 servers · 1 failed');
    const summary = (await ui.summary.textContent()) ?? '';
    expect(summary).toContain('Key allows too few streams');
    expect(summary).toContain('cam-02 analyses 6 streams; this key allows 4');
    expect(sim('cam-02').putCount).toBe(0);
    expect(sim('cam-03').license().terms!.max_streams).toBe(4);
  });

  it('halts when the canary fails: the summary says why, and the others receive nothing', async () => {
    const { ui, sim } = await start(
      [
        { name: 'site-a-01', options: { state: 'valid', licensingReachable: false } },
        { name: 'site-a-02', options: { state: 'valid' } },
        { name: 'site-a-03', options: { state: 'valid' } },
      ],
      async (core) => {
        await core.vault.addText(mintKey({ onlineCheckin: true, expires: utcDateFromToday(700) }), 'Online check-in');
      },
    );
    await ui.selectAllShown();
    for (const s of fleet!.servers) s.requests.length = 0;
    await ui.button('Apply key…').click();
    const dialog = ui.page.getByRole('dialog', { name: 'Apply a key to 3 servers' });
    await dialog.waitFor();
    expect((await dialog.textContent()) ?? '').toContain('terms not known yet');
    await dialog.getByRole('button', { name: 'Apply “Online check-in” to 3 servers' }).click();

    const heading = await ui.waitForSummary();
    expect(heading).toBe('Rollout halted after its canaries. Applied key “Online check-in” to 0 of 3 servers · 1 failed · 2 not contacted');
    const summary = (await ui.summary.textContent()) ?? '';
    expect(summary).toContain('2 servers were not contacted.');
    expect(summary).toContain('canary site-a-01 reported Licensing service unreachable (RemoteConnectionError)');
    expect(summary).toContain('2 not contacted (rollout halted)');
    expect(summary).toContain('Retry failed (3)');
    await app!.screenshot('rollout-halted');
    await expectAccessible(app!.page, 'summary of a halted rollout');
    expect(sim('site-a-02').requests).toEqual([]);
    expect(sim('site-a-03').requests).toEqual([]);
  });
});
