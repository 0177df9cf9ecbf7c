import { describe, expect, it } from 'vitest';
import { applyPreview } from '../../renderer/model/apply-preview';
import { buildRow, type GridRow } from '../../renderer/model/grid-row';
import { license, makeServer, makeStatus } from './fake-bridge';
import type { ServerStatus } from '../../electron/ipc/contract';

const ctx = { now: Date.now(), warningDays: 30, refreshIntervalMinutes: 15 };

function row(name: string, status: Partial<ServerStatus> | null): GridRow {
  const server = makeServer({ name });
  return buildRow(server, status ? makeStatus(server.id, status) : undefined, ctx);
}

describe('apply preview', () => {
  it('counts the targets by state and says what will happen to each', () => {
    const preview = applyPreview(
      [
        row('long', { license: license('valid', 200) }),
        row('soon', { license: license('valid', 10) }),
        row('old', { license: license('expired', -5) }),
        row('none', { license: license('missing') }),
        row('down', { license: license('valid', 300), reachability: 'offline' }),
        row('locked', { license: null, error: { kind: 'UnauthorizedError', message: 'no' } }),
        row('new', null),
      ],
      30,
    );
    expect(preview.total).toBe(7);
    expect(preview.byHealth).toMatchObject({ valid: 2, expiring: 1, expired: 1, missing: 1, unknown: 2 });
    expect(preview.lines.map((l) => l.text)).toEqual([
      '2 valid licenses will be replaced',
      '1 expiring license will be replaced',
      '1 expired',
      '1 without a license',
      '2 never read (license unknown)',
      '1 server was unreachable at the last check and may fail',
      '1 server refused the login at the last check and may fail',
    ]);
    // Most serious first, then by name.
    expect(preview.targets.map((t) => [t.name, t.level])).toEqual([
      ['down', 'danger'],
      ['long', 'danger'],
      ['soon', 'warn'],
      ['locked', 'info'],
      ['new', null],
      ['none', null],
      ['old', null],
    ]);
    expect(preview.targets.find((t) => t.name === 'down')!.note).toBe('valid, expires in 300 days — will be replaced; offline, may fail');
  });

  it('warns when any valid license would be replaced, without pretending to know the key', () => {
    const preview = applyPreview([row('soon', { license: license('valid', 10) }), row('none', { license: license('missing') })], 30);
    expect(preview.replacingValid).toBe(1);
    expect(preview.replacingLongValid).toBe(0);
    expect(preview.needsAcknowledge).toBe(false);
    expect(preview.warnings).toHaveLength(1);
    expect(preview.warnings[0]!.level).toBe('warn');
    expect(preview.warnings[0]!.text).toContain('1 server holds a license that is still valid');
    expect(preview.warnings[0]!.text).toContain("never reads a key's terms");
  });

  it('warns more strongly, and asks for acknowledgement, when a license is valid beyond the warning window', () => {
    const preview = applyPreview([row('long', { license: license('valid', 31) }), row('forever', { license: license('valid', null) })], 30);
    expect(preview.replacingLongValid).toBe(2);
    expect(preview.perpetual).toBe(1);
    expect(preview.needsAcknowledge).toBe(true);
    expect(preview.warnings.map((w) => w.level)).toEqual(['warn', 'danger']);
    expect(preview.warnings[1]!.text).toBe(
      '2 servers (1 perpetual) are still licensed for more than 30 days. If this key expires sooner, applying it brings their expiry forward.',
    );
    expect(preview.targets.find((t) => t.name === 'forever')!.note).toBe('perpetual license — will be replaced');
  });

  it('has nothing to warn about for servers without a valid license', () => {
    const preview = applyPreview([row('old', { license: license('expired', -1) }), row('bad', { license: license('invalid') })], 30);
    expect(preview.warnings).toEqual([]);
    expect(preview.needsAcknowledge).toBe(false);
    expect(preview.lines.every((l) => l.level === 'info')).toBe(true);
  });
});

describe('plain http', () => {
  it('names the targets that would get the key text unencrypted, and marks stored credentials in the grid', () => {
    const plain = buildRow(makeServer({ name: 'plain', url: 'http://10.0.0.5', hasCredentials: true }), undefined, ctx);
    const secure = buildRow(makeServer({ name: 'secure', url: 'https://10.0.0.6', hasCredentials: true }), undefined, ctx);
    const open = buildRow(makeServer({ name: 'open', url: 'http://10.0.0.7', hasCredentials: false }), undefined, ctx);
    expect([plain.cleartext, secure.cleartext, open.cleartext]).toEqual([true, false, false]);
    expect(applyPreview([secure], 30).cleartext).toBe('');
    // The key itself travels to every http target, with or without credentials.
    expect(applyPreview([plain, secure, open], 30).cleartext).toMatch(/^The key text goes to each server: 2 servers use http:\/\/ \("plain", "open"\): .*travel unencrypted/);
  });
});

describe('apply preview with a key whose terms are known', () => {
  const terms = { online_checkin: false, max_streams: 8, journal_max_allowed_age: 2_592_000, expiration_date: '2027-12-31' };
  const rows = [row('canary', { license: license('valid', 10) }), row('longer', { license: license('valid', 5000) }), row('shorter', { license: license('valid', 10) }), row('never', null)];
  const licenses = new Map(rows.map((r, i) => [r.id, i === 3 ? null : { state: 'valid' as const, terms: { ...terms, expiration_date: i === 1 ? '2099-01-01' : '2026-01-01' } }]));

  it('shows each guard per server, marks the canaries, and counts the servers a guard holds back until confirmed', () => {
    const streams = new Map([[rows[1]!.id, { analyzed: 9 }], [rows[2]!.id, { analyzed: 3 }]]);
    const plan = { terms, canaryIds: new Set([rows[0]!.id]), licenseOf: (id: string) => licenses.get(id) ?? null, streamsOf: (id: string) => streams.get(id) ?? null, overridden: () => false };
    const preview = applyPreview(rows, 30, plan);
    expect(preview.guardsKnown).toBe(true);
    const byName = new Map(preview.targets.map((t) => [t.name, t]));
    expect(byName.get('canary')).toMatchObject({ canary: true, guards: [] });
    expect(byName.get('longer')!.guards.map((g) => [g.kind, g.verdict])).toEqual([
      ['StreamLimitBelowUse', 'fail'],
      ['ShortensExpiry', 'fail'],
    ]);
    expect(byName.get('longer')!.guards[0]!.message).toBe('longer analyses 9 streams; this key allows 8');
    expect(byName.get('longer')!.guards[1]!.message).toBe("longer's license lasts until 2099-01-01; this key ends 2027-12-31");
    expect(byName.get('shorter')!.guards.map((g) => g.verdict)).toEqual(['pass', 'pass']);
    // A license never read is unknown, never safe.
    expect(byName.get('never')!.guards.map((g) => g.verdict)).toEqual(['unknown', 'unknown']);
    expect(preview.held).toBe(1);
    expect(preview.targets[0]!.name).toBe('longer'); // held back: most serious first

    // Each guard is its own confirmation: one confirmed still leaves the other blocking.
    const one = applyPreview(rows, 30, { ...plan, overridden: (id, kind) => id === rows[1]!.id && kind === 'ShortensExpiry' });
    expect(one.held).toBe(1);
    const confirmed = applyPreview(rows, 30, { ...plan, overridden: (id) => id === rows[1]!.id });
    expect(confirmed.held).toBe(0);
    expect(confirmed.targets.find((t) => t.name === 'longer')!.guards[1]).toMatchObject({ verdict: 'fail', overridden: true });
  });

  it('without learned terms, decides nothing and says the terms are not known', () => {
    const preview = applyPreview(rows, 30, { terms: null, canaryIds: new Set(), licenseOf: (id) => licenses.get(id) ?? null, streamsOf: () => ({ analyzed: 1 }), overridden: () => false });
    expect(preview.guardsKnown).toBe(false);
    expect(preview.held).toBe(0);
    for (const t of preview.targets) expect(t.guards.every((g) => g.verdict === 'unknown' && g.message.includes('not known yet'))).toBe(true);
  });
});
