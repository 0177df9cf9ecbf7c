/**
 * The expiry calendar (RFC 5545) built from the report's model: one all-day event per license
 * expiry, or one per site and date with the servers listed, each with display alarms at fixed lead
 * times. Dates are BrainFrame's plain `YYYY-MM-DD` and stay plain dates (VALUE=DATE): no time zone
 * can move them. Pure string-building, so the app and the command line write the same file.
 */
import type { FleetReport, ReportServer } from './report';
import { withoutControlChars } from './text';

/** Days before the expiry at which calendars remind, by default. */
export const DEFAULT_REMINDER_DAYS = [30, 7, 1] as const;
/** Reminders may be set from the day itself up to a year ahead. */
export const MAX_REMINDER_DAYS = 365;

export interface CalendarOptions {
  /** `server`: one event per server; `site`: one per site and date, listing its servers. */
  group?: 'server' | 'site';
  /** Days before the expiry; 0 reminds on the day. */
  reminderDays?: readonly number[];
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Octets a code point takes in UTF-8. */
const utf8Length = (cp: number) => (cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4);

/** Folds a content line at 75 octets (RFC 5545 3.1), never inside a UTF-8 sequence; CRLF ends it. */
export function foldLine(line: string): string {
  let out = '';
  let octets = 0;
  for (const ch of line) {
    const n = utf8Length(ch.codePointAt(0)!);
    if (octets + n > 75) {
      out += '\r\n ';
      octets = 1; // the leading space counts
    }
    out += ch;
    octets += n;
  }
  return `${out}\r\n`;
}

/** A TEXT value (RFC 5545 3.3.11): backslash, semicolon, comma and line breaks escaped; control characters gone. */
export function icsText(text: string): string {
  return withoutControlChars(text.replace(/\r\n?/g, '\n'), { lines: true })
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\n/g, '\\n');
}

/** `2027-12-31` as `20271231`, and the day after it (DTEND of an all-day event is exclusive). */
function dateValues(iso: string): { start: string; end: string } | null {
  const m = DATE.exec(iso);
  if (!m) return null;
  const next = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + 1));
  const end = `${next.getUTCFullYear()}${String(next.getUTCMonth() + 1).padStart(2, '0')}${String(next.getUTCDate()).padStart(2, '0')}`;
  return { start: `${m[1]}${m[2]}${m[3]}`, end };
}

/** An ISO time as a UTC DATE-TIME: `20261201T031502Z`. */
function utcStamp(iso: string): string {
  return new Date(iso).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/** A short, stable hash (FNV-1a, 32 bits) for UIDs built from names. */
function hash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/** The reminder days as given: whole numbers from 0 to a year, each once, largest first. */
export function normaliseReminders(days: readonly number[]): number[] {
  for (const d of days) {
    if (!Number.isInteger(d) || d < 0 || d > MAX_REMINDER_DAYS) throw new RangeError(`A reminder is a whole number of days from 0 to ${MAX_REMINDER_DAYS}, not ${d}.`);
  }
  return [...new Set(days)].sort((a, b) => b - a);
}

/** "30, 7, 1" as days; "" as none. Throws RangeError with what to write instead. */
export function parseReminderDays(text: string): number[] {
  if (text.trim() === '') return [];
  const parts = text.split(',').map((part) => part.trim());
  if (parts.some((part) => !/^\d{1,3}$/.test(part) || Number(part) > MAX_REMINDER_DAYS)) {
    throw new RangeError(`Reminders are days before the expiry separated by commas, each a whole number from 0 to ${MAX_REMINDER_DAYS} (such as 30, 7, 1), not "${text.trim()}".`);
  }
  return normaliseReminders(parts.map(Number));
}

interface EventSpec {
  uid: string;
  date: string;
  summary: string;
  description: string;
}

function eventLines(event: EventSpec, stamp: string, reminders: readonly number[]): string[] {
  const dates = dateValues(event.date)!;
  const lines = [
    'BEGIN:VEVENT',
    `UID:${event.uid}`,
    `DTSTAMP:${stamp}`,
    `DTSTART;VALUE=DATE:${dates.start}`,
    `DTEND;VALUE=DATE:${dates.end}`,
    `SUMMARY:${icsText(event.summary)}`,
    `DESCRIPTION:${icsText(event.description)}`,
    'TRANSP:TRANSPARENT',
    'CATEGORIES:License expiry',
  ];
  for (const days of reminders) {
    lines.push(
      'BEGIN:VALARM',
      'ACTION:DISPLAY',
      `DESCRIPTION:${icsText(`${event.summary} ${days === 0 ? 'today' : `in ${days} day${days === 1 ? '' : 's'}`}`)}`,
      `TRIGGER;RELATED=START:${days === 0 ? 'PT0S' : `-P${days}D`}`,
      'END:VALARM',
    );
  }
  lines.push('END:VEVENT');
  return lines;
}

/** The licenses a calendar reminds of: current ones (valid or expiring) with a date today or later. */
function calendarServers(report: FleetReport): ReportServer[] {
  return report.sites.flatMap((site) =>
    site.servers.filter((s) => s.expiryDate !== null && DATE.test(s.expiryDate) && s.daysLeft !== null && s.daysLeft >= 0 && (s.health === 'valid' || s.health === 'expiring')),
  );
}

const serverLine = (s: ReportServer) => `${s.name} (${s.address})`;
const siteWords = (site: string) => (site ? `site ${site}` : 'no site');

/** The calendar as text with CRLF line ends; an empty calendar when no license has a date ahead. */
export function reportCalendar(report: FleetReport, { group = 'server', reminderDays = DEFAULT_REMINDER_DAYS }: CalendarOptions = {}): string {
  const reminders = normaliseReminders(reminderDays);
  const stamp = utcStamp(report.generatedAt);
  const servers = calendarServers(report);
  const events: EventSpec[] = [];
  if (group === 'server') {
    for (const s of servers) {
      events.push({
        uid: `${s.id}-${s.expiryDate}@bf-fleet-licenses`,
        date: s.expiryDate!,
        summary: `BrainFrame license expires: ${s.name}`,
        description: `The BrainFrame license of ${serverLine(s)}, ${siteWords(s.site)}, is valid until ${s.expiryDate}. Apply a renewed key before then.`,
      });
    }
  } else {
    const groups = new Map<string, ReportServer[]>();
    for (const s of servers) {
      const k = `${s.site}\u0000${s.expiryDate}`;
      groups.set(k, [...(groups.get(k) ?? []), s]);
    }
    for (const list of groups.values()) {
      const { site, expiryDate } = list[0]!;
      const count = list.length === 1 ? list[0]!.name : `${list.length} servers`;
      events.push({
        uid: `site-${hash(site)}-${expiryDate}@bf-fleet-licenses`,
        date: expiryDate!,
        summary: `BrainFrame licenses expire: ${site ? `${site}, ` : ''}${count}`,
        description: `Valid until ${expiryDate} (${siteWords(site)}):\n${list.map((s) => `- ${serverLine(s)}`).join('\n')}\nApply renewed keys before then.`,
      });
    }
  }
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//BrainFrame Fleet Licenses//Expiry calendar//EN',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    `X-WR-CALNAME:${icsText(`BrainFrame license expiries: ${report.scope}`)}`,
    ...events.sort((a, b) => a.date.localeCompare(b.date) || a.uid.localeCompare(b.uid)).flatMap((ev) => eventLines(ev, stamp, reminders)),
    'END:VCALENDAR',
  ];
  return lines.map(foldLine).join('');
}
