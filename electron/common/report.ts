/**
 * The fleet report's one model: what the overview draws, and what the handover report (HTML, PDF,
 * CSV, JSON) and the expiry calendar are rendered from, in the app and the command line alike.
 * Runtime-free and pure: the servers, their last known status, the history's last applications
 * and (where read) their stream figures go in; plain data comes out. Nothing here holds a
 * password, a key text or a key's fingerprint: the last application names its key by label only.
 */
import { errorSummary } from './errors';
import { daysUntil, licenseHealth, type LicenseHealth } from './license-health';
import type { LicenseInfo, LicenseState } from './license';
import { isoDay, plural } from './format';
import type { Reachability, Server, ServerStatus } from './types';

/** Streams as a server reported them with its license (issue #13); null or absent: not read. */
export interface StreamFigure {
  configured: number;
  analyzed: number;
}

/** The last time a key was applied to a server, as the history recorded it. */
export interface LastApplied {
  time: string;
  /** The key's label in the library, never its text or fingerprint. */
  keyLabel: string | null;
  ok: boolean;
}

export type ReportReach = Reachability | 'stale';

export interface ReportInput {
  servers: readonly Server[];
  statuses: ReadonlyMap<string, ServerStatus>;
  /** By server id: the newest application of a key (successful or not). */
  lastApplied?: ReadonlyMap<string, LastApplied>;
  /** By server id, where streams were read. */
  streams?: ReadonlyMap<string, StreamFigure | null>;
  now: Date;
  /** A valid license with this many days or fewer left is "expiring". */
  warningDays: number;
  /** A check older than this many ms is stale; null: never stale. */
  staleAfterMs: number | null;
  /** What the report covers, in words: "All servers", "Site north", "3 servers". */
  scope: string;
  /** True when the statuses were read from the servers for this report, not taken as last known. */
  fresh: boolean;
}

export interface ReportServer {
  id: string;
  name: string;
  url: string;
  /** `host:port` (the port only when the URL has one), for people. */
  address: string;
  site: string;
  version: string | null;
  health: LicenseHealth;
  /** The state word BrainFrame itself reported, or null when never read. */
  state: LicenseState | null;
  reach: ReportReach;
  /** YYYY-MM-DD, or null (perpetual or not known). */
  expiryDate: string | null;
  perpetual: boolean;
  /** Days from the report's day to the last day; negative when past; null when none. */
  daysLeft: number | null;
  maxStreams: number | null;
  /** Analysed and configured streams; null: not read. */
  streams: StreamFigure | null;
  onlineCheckin: boolean | null;
  /** Seconds, as the server reports it. */
  journalSeconds: number | null;
  /** As BrainFrame's own client shows it: `30d0h0m`. */
  journalRetention: string | null;
  checkedAt: string | null;
  licenseAt: string | null;
  /** The license shown is from an earlier read than the last check (which failed), or the check is stale. */
  licenseAged: boolean;
  lastApplied: LastApplied | null;
  /** The last check's failure in a few words, or null. */
  problem: string | null;
  /** What to do about this server, or null when nothing is needed. */
  action: string | null;
  /** Lower sorts first in "needs action". */
  urgency: number;
  /** In a merged report: when the site's report this row came from was made. Absent otherwise. */
  madeAt?: string;
}

export interface ReportSite {
  /** '' for servers without a site. */
  name: string;
  servers: ReportServer[];
}

export interface TimelineMonth {
  /** YYYY-MM */
  month: string;
  /** "Jan 2027" */
  label: string;
  count: number;
}

export interface ReportSummary {
  total: number;
  byHealth: Record<LicenseHealth, number>;
  byReach: Record<ReportReach, number>;
  /** Licenses (valid or expiring) whose last day is within 30, 60 and 90 days. */
  expiringWithin: { 30: number; 60: number; 90: number };
  perpetual: number;
  /** Licensed streams over the servers with a current (valid or expiring) license. */
  licensedStreams: number;
  /** Analysed streams over the servers where streams were read; null when none was. */
  analyzedStreams: number | null;
  /** Licensed streams of just the servers whose streams were read, to set against `analyzedStreams`. */
  licensedWhereRead: number;
  streamsRead: number;
  /** The next 12 months from the report's month, licenses whose last day falls in each. */
  timeline: TimelineMonth[];
  /** Licenses already past their date (shown apart from the timeline). */
  expired: number;
}

export interface FleetReport {
  generatedAt: string;
  /** The report's day, YYYY-MM-DD, local. */
  day: string;
  scope: string;
  fresh: boolean;
  warningDays: number;
  /** The oldest and newest check among the servers checked; null when none was. */
  oldestCheck: string | null;
  newestCheck: string | null;
  neverChecked: number;
  summary: ReportSummary;
  sites: ReportSite[];
  /** The servers that need something done, most urgent first. */
  needsAction: ReportServer[];
  /** In a merged report (`report --from`): the reports it was made from, in the order given. */
  sources?: ReportSource[];
}

/** What a merge reads of each report: its rows and when and how they were made (the rest is computed again). */
export type MergeSource = Pick<FleetReport, 'generatedAt' | 'scope' | 'warningDays' | 'sites' | 'sources'>;

/** One report a merged report was made from. */
export interface ReportSource {
  scope: string;
  generatedAt: string;
  servers: number;
}

export const HEALTH_ORDER: readonly LicenseHealth[] = ['expired', 'invalid', 'missing', 'expiring', 'unknown', 'valid'];
export const REACH_ORDER: readonly ReportReach[] = ['online', 'stale', 'offline', 'never'];
/** The fixed lead times of the summary's "expiring within" figures. */
export const EXPIRY_HORIZONS = [30, 60, 90] as const;

/** A check older than twice the refresh interval plus this is stale. */
const STALE_GRACE_MS = 5 * 60_000;
/** With background refresh off, a check older than this is stale. */
const STALE_WITHOUT_REFRESH_MS = 24 * 3_600_000;

/** The age after which a successful check no longer says the server is up (Portainer's heartbeat rule). */
export function staleAfterMs(refreshIntervalMinutes: number): number {
  return refreshIntervalMinutes > 0 ? 2 * refreshIntervalMinutes * 60_000 + STALE_GRACE_MS : STALE_WITHOUT_REFRESH_MS;
}

/** Journal retention as BrainFrame's desktop client shows it: `{days}d{hours}h{minutes}m`. */
export function journalRetention(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return 'unknown';
  const minutesTotal = Math.floor(seconds / 60);
  const days = Math.floor(minutesTotal / 1440);
  const hours = Math.floor((minutesTotal % 1440) / 60);
  return `${days}d${hours}h${minutesTotal % 60}m`;
}

/** `host:port` of a server's origin, the port only when it has one: what people read in a narrow column. */
export function hostPort(url: string): string {
  return url.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function actionFor(health: LicenseHealth, reach: ReportReach, daysLeft: number | null, problem: string | null): { action: string | null; urgency: number } {
  if (health === 'expired') return { action: 'Apply a current key', urgency: 0 };
  if (health === 'invalid') return { action: 'Apply a valid key, or check the server can reach the licensing service', urgency: 1 };
  if (health === 'missing') return { action: 'Apply a key', urgency: 2 };
  if (health === 'expiring') return { action: `Renew before it expires${daysLeft !== null ? ` (${daysLeft === 0 ? 'today' : `${daysLeft} d left`})` : ''}`, urgency: 3 };
  if (reach === 'offline') return { action: `Check the server is up and reachable${problem ? ` (${problem})` : ''}`, urgency: 4 };
  if (reach === 'never') return { action: 'Read its license', urgency: 5 };
  if (reach === 'stale') return { action: 'Read its license again', urgency: 6 };
  return { action: null, urgency: 9 };
}

/** What a row's license means on the report's day: its health, days left, and what to do. */
function judge(license: LicenseInfo | null, reach: ReportReach, problem: string | null, warningDays: number, now: Date) {
  const health = licenseHealth(license, warningDays, now);
  const expiryDate = license?.terms?.expiration_date ?? null;
  const daysLeft = expiryDate ? daysUntil(expiryDate, now) : null;
  return { health, daysLeft, ...actionFor(health, reach, daysLeft, problem) };
}

function reportServer(server: Server, status: ServerStatus | undefined, input: ReportInput): ReportServer {
  const license = status?.license ?? null;
  const terms = license?.terms ?? null;
  const checkedAt = status?.checkedAt ?? null;
  let reach: ReportReach = !checkedAt || !status ? 'never' : status.reachability;
  if (reach === 'online' && input.staleAfterMs !== null && input.now.getTime() - Date.parse(checkedAt!) > input.staleAfterMs) reach = 'stale';
  const licenseAt = status?.licenseAt ?? null;
  const problem = status?.error ? errorSummary(status.error.kind) : null;
  // The streams as last read with the license (a refresh with streams on), unless given fresher.
  const streams = input.streams?.get(server.id) ?? status?.streams ?? null;
  const { health, daysLeft, action, urgency } = judge(license, reach, problem, input.warningDays, input.now);
  return {
    id: server.id,
    name: server.name,
    url: server.url,
    address: hostPort(server.url),
    site: server.site,
    version: status?.version ?? null,
    health,
    state: license?.state ?? null,
    reach,
    expiryDate: terms?.expiration_date ?? null,
    perpetual: !!terms && !terms.expiration_date,
    daysLeft,
    maxStreams: terms?.max_streams ?? null,
    streams: streams ? { configured: streams.configured, analyzed: streams.analyzed } : null,
    onlineCheckin: terms ? terms.online_checkin : null,
    journalSeconds: terms?.journal_max_allowed_age ?? null,
    journalRetention: terms ? journalRetention(terms.journal_max_allowed_age) : null,
    checkedAt,
    licenseAt,
    licenseAged: !!license && (reach === 'stale' || licenseAt !== checkedAt),
    lastApplied: input.lastApplied?.get(server.id) ?? null,
    problem,
    action,
    urgency,
  };
}

/** The license a report row was made from (its terms are all in the row), or null when none was read. */
function rowLicense(s: ReportServer): LicenseInfo | null {
  if (s.state === null) return null;
  const terms =
    s.maxStreams === null
      ? null
      : { online_checkin: s.onlineCheckin ?? false, max_streams: s.maxStreams, journal_max_allowed_age: s.journalSeconds ?? 0, expiration_date: s.expiryDate };
  return { state: s.state, terms };
}

function emptyCounts<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
}

/** The next 12 months starting with the report's own, each with no licenses yet. */
function emptyTimeline(now: Date): TimelineMonth[] {
  return Array.from({ length: 12 }, (_, i) => {
    const year = now.getFullYear() + Math.floor((now.getMonth() + i) / 12);
    const month = (now.getMonth() + i) % 12;
    return { month: `${year}-${String(month + 1).padStart(2, '0')}`, label: `${MONTHS[month]} ${year}`, count: 0 };
  });
}

function summarise(servers: readonly ReportServer[], now: Date): ReportSummary {
  const byHealth = emptyCounts(HEALTH_ORDER);
  const byReach = emptyCounts(REACH_ORDER);
  const expiringWithin = { 30: 0, 60: 0, 90: 0 };
  const timeline = emptyTimeline(now);
  let perpetual = 0;
  let licensedStreams = 0;
  let analyzedStreams: number | null = null;
  let licensedWhereRead = 0;
  let streamsRead = 0;
  let expired = 0;
  for (const s of servers) {
    byHealth[s.health]++;
    byReach[s.reach]++;
    const current = s.health === 'valid' || s.health === 'expiring';
    if (current && s.perpetual) perpetual++;
    if (current && s.maxStreams !== null) licensedStreams += s.maxStreams;
    if (s.streams) {
      streamsRead++;
      analyzedStreams = (analyzedStreams ?? 0) + s.streams.analyzed;
      if (current && s.maxStreams !== null) licensedWhereRead += s.maxStreams;
    }
    if (s.expiryDate && s.daysLeft !== null) {
      if (s.health === 'expired' || s.daysLeft < 0) {
        expired++;
        continue;
      }
      if (current) for (const h of EXPIRY_HORIZONS) if (s.daysLeft <= h) expiringWithin[h]++;
      const bucket = timeline.find((m) => m.month === s.expiryDate!.slice(0, 7));
      if (bucket && current) bucket.count++;
    } else if (s.health === 'expired') {
      expired++;
    }
  }
  return { total: servers.length, byHealth, byReach, expiringWithin, perpetual, licensedStreams, analyzedStreams, licensedWhereRead, streamsRead, timeline, expired };
}

const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name, 'en', { sensitivity: 'base' }) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

interface Assembly {
  now: Date;
  scope: string;
  fresh: boolean;
  warningDays: number;
  sources?: ReportSource[];
}

/** The report around its rows: sites, checks, summary and what needs action, all computed from the rows. */
function assemble(servers: ReportServer[], { now, scope, fresh, warningDays, sources }: Assembly): FleetReport {
  const sites = new Map<string, ReportServer[]>();
  for (const s of [...servers].sort(byName)) {
    const list = sites.get(s.site) ?? [];
    list.push(s);
    sites.set(s.site, list);
  }
  // Named sites in order, then the servers without one.
  const siteList = [...sites].map(([name, list]) => ({ name, servers: list })).sort((a, b) => (a.name === '' ? 1 : b.name === '' ? -1 : byName(a, b)));
  const checks = servers.flatMap((s) => (s.checkedAt ? [s.checkedAt] : [])).sort();
  const needsAction = servers
    .filter((s) => s.action !== null)
    .sort((a, b) => a.urgency - b.urgency || (a.daysLeft ?? Infinity) - (b.daysLeft ?? Infinity) || byName(a, b));
  return {
    generatedAt: now.toISOString(),
    day: isoDay(now),
    scope,
    fresh,
    warningDays,
    oldestCheck: checks[0] ?? null,
    newestCheck: checks.at(-1) ?? null,
    neverChecked: servers.length - checks.length,
    summary: summarise(servers, now),
    sites: siteList,
    needsAction,
    ...(sources && { sources }),
  };
}

/** Builds the report of these servers from their last known status (read afresh when `fresh`). */
export function buildReport(input: ReportInput): FleetReport {
  const servers = input.servers.map((server) => reportServer(server, input.statuses.get(server.id), input));
  return assemble(servers, input);
}

/**
 * One report of the rows of several (each site's `report --format json`, merged at the controller).
 * Each row keeps what its site read (license, reachability, checks and their times) and when its
 * report was made (`madeAt`); what depends on the day (health, days left, what to do) is judged
 * again on the merge's day, with the largest "expiring" threshold among the reports, and the
 * summary is computed from the merged rows. A merged report is never "fresh": no server was read for it.
 */
export function mergeReports(reports: readonly MergeSource[], now: Date): FleetReport {
  const warningDays = Math.max(...reports.map((r) => r.warningDays));
  const servers = reports.flatMap((r) =>
    r.sites.flatMap((site) =>
      site.servers.map((s): ReportServer => ({ ...s, ...judge(rowLicense(s), s.reach, s.problem, warningDays, now), madeAt: s.madeAt ?? r.generatedAt })),
    ),
  );
  const sources = reports.flatMap((r) => r.sources ?? [{ scope: r.scope, generatedAt: r.generatedAt, servers: r.sites.reduce((n, site) => n + site.servers.length, 0) }]);
  return assemble(servers, { now, scope: `merged from ${plural(sources.length, 'report')}`, fresh: false, warningDays, sources });
}

/** The newest application of a key per server, from history entries given newest first. */
export function lastApplications(entries: readonly { time: string; action: string; server: { id: string } | null; key: { label: string } | null; outcome: { ok: boolean } }[]): Map<string, LastApplied> {
  const last = new Map<string, LastApplied>();
  for (const e of entries) {
    if (e.action !== 'license.apply' || !e.server || last.has(e.server.id)) continue;
    last.set(e.server.id, { time: e.time, keyLabel: e.key?.label ?? null, ok: e.outcome.ok });
  }
  return last;
}
