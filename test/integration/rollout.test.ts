/**
 * Staged applies over simulated servers: keys learn their terms, canaries go first and a failed
 * one halts the rest without a single request to them, and the guards hold a key back from a
 * server whose license it would shorten, unless overridden. Asserted on the servers' own logs.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FleetCore } from '../../electron/core/fleet-core';
import type { SecretStore } from '../../electron/core/secrets/secret-store';
import type { OperationSummary, ServerResult } from '../../electron/common/types';
import { mintKey, utcDateFromToday } from '../sim/keys';
import { startSimServer, type SimServer, type SimServerOptions } from '../sim/server';
import { tempDir, testKeychain } from '../helpers/keyring';

const dirs: Array<{ path: string; remove(): Promise<void> }> = [];
const sims: SimServer[] = [];
const cores: FleetCore[] = [];
let secrets: SecretStore;

beforeAll(() => {
  secrets = testKeychain();
});

afterEach(async () => {
  for (const core of cores.splice(0)) await core.close();
  for (const sim of sims.splice(0)) await sim.close();
});

afterAll(async () => {
  await secrets.delete('data-key-v1').catch(() => undefined);
  for (const dir of dirs) await dir.remove();
});

/** A data folder with these servers registered under these names (the server list sorts them by name). */
async function fleetOf(servers: Record<string, SimServerOptions>) {
  const dir = await tempDir('bf-rollout-');
  dirs.push(dir);
  const core = await FleetCore.open({ dataDir: dir.path, secrets });
  cores.push(core);
  const sim: Record<string, SimServer> = {};
  for (const [name, opts] of Object.entries(servers)) {
    sim[name] = await startSimServer(opts);
    sims.push(sim[name]);
    await core.registry.add({ name, url: sim[name].url });
  }
  const ids = (...names: string[]) => names.map((n) => core.registry.list().find((s) => s.name === n)!.id);
  return { dir: dir.path, core, sim, ids };
}

function byName(summary: OperationSummary): Record<string, ServerResult> {
  return Object.fromEntries(summary.results.map((r) => [r.name, r]));
}

const inYears = (years: number) => utcDateFromToday(365 * years);

describe('keys learn their terms', () => {
  it('records what the server reported for the key, with its name and the time, and keeps it across a restart', async () => {
    const { dir, core, ids } = await fleetOf({ 'cam-17': {} });
    const expires = inYears(1);
    const key = await core.vault.addText(mintKey({ maxStreams: 8, expires, onlineCheckin: true, journalDays: 10 }), 'acme');
    expect(core.vault.get(key.id)!.learned).toBeNull();
    const before = Date.now();
    const summary = await core.apply(key.id, ids('cam-17')).done;
    expect(summary.results[0]!.ok).toBe(true);
    const learned = core.vault.get(key.id)!.learned!;
    expect(learned).toMatchObject({ terms: { online_checkin: true, max_streams: 8, journal_max_allowed_age: 864_000, expiration_date: expires }, server: 'cam-17' });
    expect(Date.parse(learned.at)).toBeGreaterThanOrEqual(before - 1000);

    await core.close();
    cores.splice(cores.indexOf(core), 1);
    const reopened = await FleetCore.open({ dataDir: dir, secrets });
    cores.push(reopened);
    expect(reopened.vault.get(key.id)!.learned).toEqual(learned);
  });

  it('learns nothing from a server that refused the key', async () => {
    const { core, ids } = await fleetOf({ 'cam-01': { licensingReachable: false } });
    const key = await core.vault.addText(mintKey({ onlineCheckin: true }), 'needs-checkin');
    const summary = await core.apply(key.id, ids('cam-01')).done;
    expect(summary.results[0]!.error!.kind).toBe('RemoteConnectionError');
    expect(core.vault.get(key.id)!.learned).toBeNull();
  });
});

describe('canaries', () => {
  it('go first in the order of the server list, and the rest follow only when every canary ends valid', async () => {
    // Licensed (for a year): an unlicensed server does not say what it analyses.
    const { core, sim, ids } = await fleetOf({ 'cam-03': { state: 'valid' }, 'cam-01': { state: 'valid' }, 'cam-02': { state: 'valid' } });
    const key = await core.vault.addText(mintKey({ maxStreams: 6, expires: inYears(2) }), 'good');
    // Given in another order: the server list's order (by name) decides the canary.
    const summary = await core.apply(key.id, ids('cam-03', 'cam-02', 'cam-01'), { canaries: 1 }).done;
    expect(summary.counts).toMatchObject({ total: 3, ok: 3, failed: 0 });
    const firstPut = (s: SimServer) => s.requests.find((r) => r.method === 'PUT')!.time;
    expect(firstPut(sim['cam-01']!)).toBeLessThanOrEqual(Math.min(firstPut(sim['cam-02']!), firstPut(sim['cam-03']!)));
    const results = byName(summary);
    // The canary is unguarded; the others were checked against what it taught.
    expect(results['cam-01']!.guards).toEqual([]);
    expect(results['cam-02']!.guards.map((g) => [g.kind, g.verdict, g.message])).toEqual([
      ['StreamLimitBelowUse', 'pass', 'cam-02 analyses 0 streams; this key allows 6'],
      ['ShortensExpiry', 'pass', `cam-02's license lasts until ${utcDateFromToday(365)}; this key ends ${inYears(2)}`],
    ]);
    expect(core.vault.get(key.id)!.learned!.server).toBe('cam-01');
  });

  it('that fails halts the rollout: the others get Halted and not one request', async () => {
    const { core, sim, ids } = await fleetOf({ 'cam-01': { licensingReachable: false }, 'cam-02': {}, 'cam-03': {} });
    const key = await core.vault.addText(mintKey({ onlineCheckin: true }), 'checkin');
    const summary = await core.apply(key.id, ids('cam-01', 'cam-02', 'cam-03'), { canaries: 1 }).done;
    expect(summary.counts).toMatchObject({ total: 3, ok: 0, failed: 3 });
    const results = byName(summary);
    expect(results['cam-01']!.error!.kind).toBe('RemoteConnectionError');
    for (const name of ['cam-02', 'cam-03']) {
      expect(results[name]).toMatchObject({ ok: false, startedAt: null, license: null, error: { kind: 'Halted' } });
      expect(results[name]!.error!.message).toContain('canary cam-01 reported Licensing service unreachable (RemoteConnectionError)');
      expect(sim[name]!.requests).toEqual([]);
    }
    // Not contacted says nothing of the server: its status is as it was.
    expect(core.status.get(ids('cam-02')[0]!).checkedAt).toBeNull();
  });

  it('that report a license other than valid halt it too, with two canaries', async () => {
    const { core, sim, ids } = await fleetOf({ 'cam-01': {}, 'cam-02': {}, 'cam-03': {} });
    const key = await core.vault.addText(mintKey({ expired: true }), 'expired');
    const summary = await core.apply(key.id, ids('cam-01', 'cam-02', 'cam-03'), { canaries: 2 }).done;
    const results = byName(summary);
    expect([results['cam-01']!.error!.kind, results['cam-02']!.error!.kind]).toEqual(['LicenseExpiredError', 'LicenseExpiredError']);
    expect(results['cam-03']!.error!.kind).toBe('Halted');
    expect(sim['cam-03']!.requests).toEqual([]);
  });
});

describe('guards', () => {
  it('hold a key back from a server whose valid license lasts longer, and let it through when overridden', async () => {
    const later = inYears(3);
    const { core, sim, ids } = await fleetOf({
      'cam-01': {},
      'cam-02': { terms: { expiration_date: later } },
      'cam-03': { terms: { expiration_date: null } },
      'cam-04': { state: 'expired' },
    });
    const key = await core.vault.addText(mintKey({ maxStreams: 8, expires: inYears(1) }), 'one-year');
    const summary = await core.apply(key.id, ids('cam-01', 'cam-02', 'cam-03', 'cam-04'), { canaries: 1 }).done;
    const results = byName(summary);
    expect(results['cam-02']).toMatchObject({ ok: false, error: { kind: 'ShortensExpiry' }, license: { state: 'valid', terms: { expiration_date: later } } });
    expect(results['cam-02']!.error!.message).toContain(`cam-02's license lasts until ${later}; this key ends ${inYears(1)}`);
    expect(results['cam-03']!.error).toMatchObject({ kind: 'ShortensExpiry', message: expect.stringContaining('cam-03 holds a perpetual license') });
    // An expired license is nothing to shorten.
    expect(results['cam-04']).toMatchObject({ ok: true, license: { state: 'valid' } });
    // The key never reached the guarded servers: they were read, not written.
    for (const name of ['cam-02', 'cam-03']) expect(new Set(sim[name]!.requests.map((r) => r.method))).toEqual(new Set(['GET']));
    expect(sim['cam-02']!.license().terms!.expiration_date).toBe(later);

    // Overriding one guard of one server lets exactly that through.
    const [cam02] = ids('cam-02');
    const again = await core.apply(key.id, ids('cam-02', 'cam-03'), { override: (id, kind) => id === cam02 && kind === 'ShortensExpiry' }).done;
    const second = byName(again);
    expect(second['cam-02']).toMatchObject({ ok: true, license: { terms: { expiration_date: inYears(1) } } });
    expect(second['cam-02']!.guards.find((g) => g.kind === 'ShortensExpiry')).toMatchObject({ verdict: 'fail', overridden: true });
    expect(second['cam-03']!.error!.kind).toBe('ShortensExpiry');
  });

  it('hold a key back from a server that analyses more streams than it allows, naming both numbers; unknown streams never pass', async () => {
    const { core, sim, ids } = await fleetOf({
      'cam-01': {},
      'cam-17': { state: 'valid', streams: { total: 8, analyzed: 6 } },
      'cam-18': { state: 'valid', streams: { total: 8, analyzed: 4 } },
      'cam-19': { state: 'valid', streams: { total: 8, analyzed: 6 }, noStreamStatus: true },
    });
    const key = await core.vault.addText(mintKey({ maxStreams: 4, expires: inYears(2) }), 'four');
    const summary = await core.apply(key.id, ids('cam-01', 'cam-17', 'cam-18', 'cam-19'), { canaries: 1 }).done;
    const results = byName(summary);
    expect(results['cam-17']).toMatchObject({ ok: false, error: { kind: 'StreamLimitBelowUse' } });
    expect(results['cam-17']!.error!.message).toContain('cam-17 analyses 6 streams; this key allows 4');
    expect(sim['cam-17']!.putCount).toBe(0);
    // At the limit is allowed.
    expect(results['cam-18']).toMatchObject({ ok: true });
    expect(results['cam-18']!.guards[0]).toMatchObject({ verdict: 'pass', message: 'cam-18 analyses 4 streams; this key allows 4' });
    // A server that does not say what it analyses: unknown, applied, and said so.
    expect(results['cam-19']).toMatchObject({ ok: true });
    expect(results['cam-19']!.guards[0]).toMatchObject({ verdict: 'unknown', message: expect.stringContaining('the streams cam-19 analyses are unknown') });

    const forced = await core.apply(key.id, ids('cam-17'), { override: () => true }).done;
    expect(forced.results[0]).toMatchObject({ ok: true });
    expect(forced.results[0]!.guards[0]).toMatchObject({ kind: 'StreamLimitBelowUse', verdict: 'fail', overridden: true });
    expect(sim['cam-17']!.putCount).toBe(1);
  });

  it('say so when the key has not been applied anywhere yet: unknown, applied, never reported as safe', async () => {
    const { core, ids } = await fleetOf({ 'cam-01': { terms: { expiration_date: inYears(3) } } });
    const key = await core.vault.addText(mintKey({ expires: inYears(1) }), 'new');
    const summary = await core.apply(key.id, ids('cam-01')).done;
    expect(summary.results[0]!.ok).toBe(true);
    expect(summary.results[0]!.guards.map((g) => g.verdict)).toEqual(['unknown', 'unknown']);
    expect(summary.results[0]!.guards[1]!.message).toContain('not known yet');
  });
});
