import { describe, expect, it } from 'vitest';
import { describeDiagnosis, diagnose } from '../../electron/common/diagnosis';
import { BrainFrameError } from '../../electron/common/errors';
import type { LicenseInfo, LicenseTerms } from '../../electron/common/license';
import { describeHeadroom, streamHeadroom, streamLimit } from '../../electron/common/streams';

const today = new Date(2026, 5, 1);
const terms = (over: Partial<LicenseTerms> = {}): LicenseTerms => ({ online_checkin: false, max_streams: 8, journal_max_allowed_age: 86_400, expiration_date: '2027-12-31', ...over });
const valid = (over: Partial<LicenseTerms> = {}): LicenseInfo => ({ state: 'valid', terms: terms(over) });

describe('stream headroom bands', () => {
  it.each([
    [0, 8, 'ok'],
    [7, 8, 'ok'], // 87.5 %
    [9, 10, 'near'], // exactly 90 %
    [8, 8, 'near'], // no stream left
    [0, 0, 'near'],
    [9, 8, 'over'],
    [1, 0, 'over'],
    [null, 8, 'unknown'],
    [6, null, 'unknown'],
  ] as const)('%s analysed of %s allowed is %s', (analyzed, max, band) => {
    expect(streamHeadroom(analyzed, max)).toBe(band);
  });

  it('takes the limit only from a license in force', () => {
    expect(streamLimit(valid())).toBe(8);
    expect(streamLimit({ state: 'expired', terms: terms() })).toBeNull();
    expect(streamLimit({ state: 'invalid', terms: null })).toBeNull();
    expect(streamLimit(null)).toBeNull();
  });

  it('describes headroom for a table, never a number it does not have', () => {
    expect(describeHeadroom({ analyzed: 6 }, valid())).toBe('6 / 8');
    expect(describeHeadroom({ analyzed: 8 }, valid())).toBe('8 / 8 near the limit');
    expect(describeHeadroom({ analyzed: 6 }, valid({ max_streams: 4 }))).toBe('6 / 4 over the limit');
    expect(describeHeadroom(null, valid())).toBe('? / 8 unknown');
    expect(describeHeadroom({ analyzed: 3 }, { state: 'missing', terms: null })).toBe('3 / ? unknown');
    expect(describeHeadroom(null, null)).toBe('unknown');
  });
});

describe('diagnosis', () => {
  const one = (input: Parameters<typeof diagnose>[0]) => {
    const found = diagnose(input);
    expect(found).toHaveLength(1);
    return found[0]!;
  };

  it('says nothing about a healthy server', () => {
    expect(diagnose({ license: valid(), error: null, streams: { analyzed: 2 }, warningDays: 30, today })).toEqual([]);
  });

  it('reads invalid on a key requiring online check-in as a licensing service out of reach', () => {
    const d = one({ license: { state: 'invalid', terms: null }, error: null, knownTerms: terms({ online_checkin: true }), warningDays: 30, today });
    expect(d).toMatchObject({ title: 'License invalid', tone: 'bad' });
    expect(d.cause).toMatch(/online check-in.*could not reach the vendor's licensing service/);
    expect(d.next).toMatch(/internet access/);
    const offline = one({ license: { state: 'invalid', terms: null }, error: null, knownTerms: terms(), warningDays: 30, today });
    expect(offline.cause).not.toMatch(/licensing service/);
    // Terms unknown: both causes are named.
    expect(one({ license: { state: 'invalid', terms: null }, error: null, warningDays: 30, today }).cause).toMatch(/failed validation.*or one requiring online check-in/);
  });

  it('names the editor account, the expired key and an unknown title', () => {
    const role = one({ license: null, error: BrainFrameError.of('InsufficientRoleError').toInfo(), warningDays: 30, today });
    expect(role.cause).toMatch(/editor account .* cannot change the license/);
    expect(role.next).toBe('This account may not manage licenses. Use an admin account.');
    expect(one({ license: null, error: BrainFrameError.of('LicenseExpiredError').toInfo(), warningDays: 30, today }).cause).toMatch(/key itself has expired/);
    const strange = one({ license: null, error: { kind: 'QuotaError', message: 'too many' }, warningDays: 30, today });
    expect(strange).toMatchObject({ title: 'QuotaError', cause: 'The server reported QuotaError: too many' });
  });

  it('gives each license state its cause and next step', () => {
    expect(one({ license: valid({ expiration_date: '2026-06-11' }), error: null, warningDays: 30, today })).toMatchObject({
      title: 'License expiring',
      cause: expect.stringContaining('ends on 2026-06-11 (in 10 days)'),
      tone: 'warn',
    });
    expect(one({ license: { state: 'expired', terms: terms({ expiration_date: '2026-01-31' }) }, error: null, warningDays: 30, today }).cause).toMatch(/ended on 2026-01-31/);
    expect(one({ license: { state: 'missing', terms: null }, error: null, warningDays: 30, today })).toMatchObject({ title: 'No license', next: 'Apply a key.' });
  });

  it('diagnoses headroom near and over the limit, and nothing when the streams are unknown', () => {
    const over = one({ license: valid({ max_streams: 4 }), error: null, streams: { analyzed: 6 }, warningDays: 30, today });
    expect(over).toMatchObject({ title: 'Over the stream limit', tone: 'bad' });
    expect(over.next).toBe('Apply a key for at least 6 streams, or turn analysis off on 2 streams.');
    expect(one({ license: valid(), error: null, streams: { analyzed: 8 }, warningDays: 30, today }).cause).toMatch(/8 of the 8 streams .* no room for another/);
    expect(diagnose({ license: valid({ max_streams: 4 }), error: null, streams: null, warningDays: 30, today })).toEqual([]);
  });

  it('puts the failure first, then the state', () => {
    const found = diagnose({ license: { state: 'missing', terms: null }, error: BrainFrameError.of('Timeout', 'no answer').toInfo(), warningDays: 30, today });
    expect(found.map((d) => d.title)).toEqual(['No answer in time', 'No license']);
    expect(describeDiagnosis(found[1]!)).toBe('No license: No key is loaded: BrainFrame analyses no stream. Next: Apply a key.');
  });
});
