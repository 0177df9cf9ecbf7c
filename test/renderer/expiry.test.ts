import { describe, expect, it } from 'vitest';
import { expiryRung } from '../../renderer/model/expiry';
import { buildRow } from '../../renderer/model/grid-row';
import { useGridStore } from '../../renderer/stores/grid';
import { license, makeServer, makeStatus } from './fake-bridge';
import { setup } from './setup';
import type { LicenseInfo } from '../../electron/common/license';

/** The rung of a server whose license is `info` (null: never read), with a warning window of `warningDays`. */
function rungOf(info: LicenseInfo | null, warningDays = 30) {
  const server = makeServer();
  const status = info ? makeStatus(server.id, { license: info }) : undefined;
  return expiryRung(buildRow(server, status, { now: Date.now(), warningDays, refreshIntervalMinutes: 15 }));
}

describe('the expiry ladder', () => {
  it('is critical from the past up to 7 days ahead, and warning from 8', () => {
    expect(rungOf(license('valid', -30))).toBe('critical');
    expect(rungOf(license('valid', -1))).toBe('critical');
    expect(rungOf(license('expired', -1))).toBe('critical');
    expect(rungOf(license('valid', 0))).toBe('critical');
    expect(rungOf(license('valid', 7))).toBe('critical');
    expect(rungOf(license('valid', 8))).toBe('warning');
  });

  it('is warning up to 14 days ahead, then notice while within the warning window', () => {
    expect(rungOf(license('valid', 14))).toBe('warning');
    expect(rungOf(license('valid', 15))).toBe('notice');
    expect(rungOf(license('valid', 30), 30)).toBe('notice');
    expect(rungOf(license('valid', 31), 30)).toBe('none');
  });

  it('counts days, not the warning window, for the first two rungs', () => {
    expect(rungOf(license('valid', 12), 10)).toBe('warning');
    expect(rungOf(license('valid', 15), 10)).toBe('none');
    expect(rungOf(license('valid', 5), 0)).toBe('critical');
  });

  it('is none for a perpetual license and unknown without a last day', () => {
    expect(rungOf(license('valid', null))).toBe('none');
    expect(rungOf(null)).toBe('unknown');
    expect(rungOf(license('missing'))).toBe('unknown');
    expect(rungOf(license('invalid'))).toBe('unknown');
  });

  it('gives the banner every expired license and the critical rung of those in force', async () => {
    await setup((main) => {
      for (const info of [license('valid', -2), license('expired', 40), license('valid', 0), license('valid', 7), license('valid', 8), license('valid', null), license('invalid')]) {
        const s = makeServer();
        main.servers.push(s);
        main.statuses.push(makeStatus(s.id, { license: info }));
      }
    });
    expect(useGridStore().critical).toEqual({ expired: 2, within7: 2 });
  });
});
