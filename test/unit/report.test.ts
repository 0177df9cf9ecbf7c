// The report's one model and its written forms, from a fleet in every state: the numbers the
// overview and the report show, BrainFrame's journal format, and the calendar's RFC 5545 rules.
import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { buildReport, hostPort, journalRetention, lastApplications, type ReportInput } from '../../electron/common/report';
import { reportHtml } from '../../electron/common/report-formats';
import { foldLine, icsText, normaliseReminders, reportCalendar } from '../../electron/common/report-ics';
import type { LicenseInfo } from '../../electron/common/license';
import type { Server, ServerStatus } from '../../electron/common/types';

const NOW = new Date(2026, 11, 1, 10, 0); // 1 Dec 2026, local
const AT = new Date(NOW.getTime() - 60_000).toISOString();

function server(id: string, site = 'north'): Server {
  return { id, name: id, url: `http://10.0.0.${id.length}:8000`, site, notes: '', tlsFingerprint: null, hasCredentials: false, createdAt: AT, updatedAt: AT };
}

function status(id: string, license: LicenseInfo | null, reachability: ServerStatus['reachability'] = 'online', checkedAt: string | null = AT): ServerStatus {
  return { serverId: id, license, licenseAt: license ? checkedAt : null, version: '0.30.5', versionAt: checkedAt, reachability, error: reachability === 'offline' ? { kind: 'Unreachable', message: 'x' } : null, checkedAt, changes: [], streams: null, streamsAt: null };
}

const valid = (date: string | null, streams = 4): LicenseInfo => ({ state: 'valid', terms: { online_checkin: false, max_streams: streams, journal_max_allowed_age: 86400, expiration_date: date } });

function input(): ReportInput {
  const rows: [string, LicenseInfo | null, ServerStatus['reachability']?][] = [
    ['a-soon', valid('2026-12-05', 4)],
    ['b-jan', valid('2027-01-20', 8)],
    ['c-feb', valid('2027-02-28', 2)],
    ['d-far', valid('2028-06-01', 10)],
    ['e-perpetual', valid(null, 16)],
    ['f-expired', { state: 'expired', terms: { online_checkin: false, max_streams: 4, journal_max_allowed_age: 0, expiration_date: '2026-11-01' } }],
    ['g-past-valid', valid('2026-11-30', 4)],
    ['h-invalid', { state: 'invalid', terms: null }],
    ['i-missing', { state: 'missing', terms: null }],
    ['j-offline', valid('2027-01-02', 4), 'offline'],
  ];
  const servers = [...rows.map(([id]) => server(id)), server('k-never', '')];
  const statuses = new Map(rows.map(([id, license, reach]) => [id, status(id, license, reach)]));
  return {
    servers,
    statuses,
    streams: new Map([
      ['a-soon', { configured: 5, analyzed: 3 }],
      ['b-jan', { configured: 8, analyzed: 8 }],
      ['h-invalid', null],
    ]),
    lastApplied: lastApplications([
      { time: '2026-11-20T10:00:00.000Z', action: 'license.apply', server: { id: 'b-jan' }, key: { label: 'Fleet 2027' }, outcome: { ok: true } },
      { time: '2026-11-10T10:00:00.000Z', action: 'license.apply', server: { id: 'b-jan' }, key: { label: 'Old' }, outcome: { ok: true } },
      { time: '2026-11-09T10:00:00.000Z', action: 'server.add', server: { id: 'c-feb' }, key: null, outcome: { ok: true } },
    ]),
    now: NOW,
    warningDays: 30,
    staleAfterMs: 35 * 60_000,
    scope: 'all servers',
    fresh: false,
  };
}

describe('the report model', () => {
  const report = buildReport(input());

  it('counts licenses by state and reachability, as the overview shows them', () => {
    expect(report.summary.byHealth).toEqual({ expired: 2, invalid: 1, missing: 1, expiring: 1, unknown: 1, valid: 5 });
    expect(report.summary.byReach).toEqual({ online: 9, stale: 0, offline: 1, never: 1 });
    expect(report.summary.total).toBe(11);
  });

  it('puts current licenses into the month they end, the next 12 months, expired ones apart', () => {
    const timeline = Object.fromEntries(report.summary.timeline.map((m) => [m.month, m.count]));
    expect(report.summary.timeline.map((m) => m.label)).toEqual(['Dec 2026', 'Jan 2027', 'Feb 2027', 'Mar 2027', 'Apr 2027', 'May 2027', 'Jun 2027', 'Jul 2027', 'Aug 2027', 'Sep 2027', 'Oct 2027', 'Nov 2027']);
    expect(timeline).toMatchObject({ '2026-12': 1, '2027-01': 2, '2027-02': 1, '2027-03': 0 });
    expect(report.summary.expired).toBe(2);
    expect(report.summary.expiringWithin).toEqual({ 30: 1, 60: 3, 90: 4 });
    expect(report.summary.perpetual).toBe(1);
  });

  it('sets analysed streams against licensed only where streams were read, and says none was read otherwise', () => {
    expect(report.summary.licensedStreams).toBe(4 + 8 + 2 + 10 + 16 + 4);
    expect(report.summary).toMatchObject({ analyzedStreams: 11, licensedWhereRead: 12, streamsRead: 2 });
    const none = buildReport({ ...input(), streams: undefined });
    expect(none.summary.analyzedStreams).toBeNull();
    expect(reportHtml(none)).toContain('analysed streams not read');
  });

  it('lists the servers needing action, most urgent first', () => {
    expect(report.needsAction.map((s) => s.id)).toEqual(['f-expired', 'g-past-valid', 'h-invalid', 'i-missing', 'a-soon', 'j-offline', 'k-never']);
    expect(report.needsAction.find((s) => s.id === 'a-soon')!.action).toBe('Renew before it expires (4 d left)');
  });

  it('groups by site, named sites first, and keeps the newest application per server', () => {
    expect(report.sites.map((s) => s.name)).toEqual(['north', '']);
    const b = report.sites[0]!.servers.find((s) => s.id === 'b-jan')!;
    expect(b.lastApplied).toEqual({ time: '2026-11-20T10:00:00.000Z', keyLabel: 'Fleet 2027', ok: true });
    expect(b.address).toBe('10.0.0.5:8000');
  });

  it('formats journal retention as BrainFrame\'s client does, and addresses as host:port', () => {
    expect(journalRetention(2_592_000)).toBe('30d0h0m');
    expect(journalRetention(90_061)).toBe('1d1h1m');
    expect(journalRetention(59)).toBe('0d0h0m');
    expect(hostPort('https://[::1]:8443')).toBe('[::1]:8443');
    expect(hostPort('http://cam-17.site.example')).toBe('cam-17.site.example');
  });
});

describe('the expiry calendar', () => {
  it('folds lines at 75 octets without splitting a character, and escapes TEXT', () => {
    const folded = foldLine(`SUMMARY:${'é'.repeat(60)}`);
    for (const line of folded.split('\r\n').filter(Boolean)) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
    expect(folded.replace(/\r\n /g, '')).toBe(`SUMMARY:${'é'.repeat(60)}\r\n`);
    expect(icsText('a;b,c\\d\r\ne\u001b')).toBe('a\\;b\\,c\\\\d\\ne ');
  });

  it('refuses reminders that are not whole days from 0 to a year', () => {
    expect(normaliseReminders([1, 30, 7, 7])).toEqual([30, 7, 1]);
    expect(() => normaliseReminders([-1])).toThrow(/whole number of days/);
    expect(() => normaliseReminders([1.5])).toThrow(/whole number of days/);
  });

  it('has one all-day event per current license ahead, with a day-long span and the reminders asked for', () => {
    const ics = reportCalendar(buildReport(input()), { reminderDays: [0, 14] });
    const events = new ICAL.Component(ICAL.parse(ics)).getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
    expect(events.map((e) => [e.summary, e.startDate.toString(), e.endDate.toString()])).toEqual([
      ['BrainFrame license expires: a-soon', '2026-12-05', '2026-12-06'],
      // Its last known license: the server is offline now, but the date still comes.
      ['BrainFrame license expires: j-offline', '2027-01-02', '2027-01-03'],
      ['BrainFrame license expires: b-jan', '2027-01-20', '2027-01-21'],
      ['BrainFrame license expires: c-feb', '2027-02-28', '2027-03-01'],
      ['BrainFrame license expires: d-far', '2028-06-01', '2028-06-02'],
    ]);
    expect(events[0]!.uid).toBe('a-soon-2026-12-05@bf-fleet-licenses');
    expect(events[0]!.component.getAllSubcomponents('valarm').map((a) => a.getFirstPropertyValue('trigger')!.toString())).toEqual(['-P14D', 'PT0S']);
  });
});
