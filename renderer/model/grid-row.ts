/**
 * One grid row's display values, computed once per server or status change (and once a minute
 * for the relative times), never per render: the grid only reads fields.
 */
import type { ErrorInfo, Server, ServerStatus } from '../../electron/ipc/contract';
import { classifyError, errorSummary } from '../../electron/common/errors';
import { isCleartext } from '../../electron/common/server-url';
import { daysUntil, describeDuration, describeExpiry, licenseHealth, type LicenseHealth } from '../../electron/common/license-health';
import { localTime, relativeTime } from '../../electron/common/format';
import { describeStreamUse, HEADROOM_WORDS, streamHeadroom, streamLimit, type StreamHeadroom } from '../../electron/common/streams';
import { HEALTH_SEVERITY, type Reach } from './states';
import { hostPort, staleAfterMs } from '../../electron/common/report';

export interface GridRow {
  id: string;
  name: string;
  site: string;
  url: string;
  /** `host:port`, what the address column shows (the full URL on hover and in the panel). */
  address: string;
  hasCredentials: boolean;
  /** Plain http with credentials stored: they travel unencrypted (the grid marks the address). */
  cleartext: boolean;
  health: LicenseHealth;
  reach: Reach;
  authFailed: boolean;
  /** The license shown is from an older read (the server is offline or stale): say its age, with a clock. */
  licenseAged: boolean;
  /** "as of 3 h ago", or '' when the license is current. */
  licenseAsOf: string;
  licenseAt: string | null;
  /** YYYY-MM-DD, or null (perpetual, or no terms). */
  expiryDate: string | null;
  /** "in 12 days", "expired 3 days ago", "perpetual", "unknown". */
  expiryText: string;
  /** Days left (negative when past); null when perpetual or unknown. */
  expiryDays: number | null;
  perpetual: boolean;
  maxStreams: number | null;
  /** Streams analysed and configured as last read; null when unknown or never read. */
  analyzedStreams: number | null;
  configuredStreams: number | null;
  /** Analysed streams against the limit in force (common/streams.ts bands). */
  headroom: StreamHeadroom;
  /** "6 / 8", "? / 8", "unknown". */
  streamsText: string;
  /** Analysed / allowed, for sorting by headroom: over the limit is above 1; null when unknown. */
  streamsRatio: number | null;
  onlineCheckin: boolean | null;
  journalSeconds: number | null;
  journalText: string;
  version: string;
  checkedAt: string | null;
  checkedMs: number;
  checkedText: string;
  /** Absolute time for the title attribute. */
  checkedTitle: string;
  error: ErrorInfo | null;
  errorLabel: string;
  /** Lower-cased name, site, address, version and words, for the text filter. */
  search: string;
  nameKey: string;
  severity: number;
}

export interface RowContext {
  /** ms since the epoch: relative times and staleness are computed against it. */
  now: number;
  warningDays: number;
  refreshIntervalMinutes: number;
}

function reachOf(status: ServerStatus | undefined, ctx: RowContext): Reach {
  if (!status?.checkedAt || status.reachability === 'never') return 'never';
  if (status.reachability === 'offline') return 'offline';
  const age = ctx.now - Date.parse(status.checkedAt);
  return age > staleAfterMs(ctx.refreshIntervalMinutes) ? 'stale' : 'online';
}

export function buildRow(server: Server, status: ServerStatus | undefined, ctx: RowContext): GridRow {
  const today = new Date(ctx.now);
  const license = status?.license ?? null;
  const terms = license?.terms ?? null;
  const health = licenseHealth(license, ctx.warningDays, today);
  const reach = reachOf(status, ctx);
  const error = status?.error ?? null;
  const authFailed = !!error && classifyError(error.kind) === 'auth';
  const licenseAt = status?.licenseAt ?? null;
  // Offline, stale, or the last check did not read it (it failed): the license shown is an older read.
  const licenseAged = !!license && (reach === 'stale' || licenseAt !== (status?.checkedAt ?? null));
  const expiryDate = terms?.expiration_date ?? null;
  const checkedAt = status?.checkedAt ?? null;
  const version = status?.version ?? '';
  const streams = status?.streams ?? null;
  const limit = streamLimit(license);
  const headroom = streamHeadroom(streams?.analyzed, limit);
  const row: GridRow = {
    id: server.id,
    name: server.name,
    site: server.site,
    url: server.url,
    address: hostPort(server.url),
    hasCredentials: server.hasCredentials,
    cleartext: server.hasCredentials && isCleartext(server.url),
    health,
    reach,
    authFailed,
    licenseAged,
    licenseAsOf: licenseAged ? `as of ${relativeTime(licenseAt, ctx.now)}` : '',
    licenseAt,
    expiryDate,
    expiryText: describeExpiry(license, today),
    expiryDays: expiryDate ? daysUntil(expiryDate, today) : null,
    perpetual: !!terms && !expiryDate,
    maxStreams: terms?.max_streams ?? null,
    analyzedStreams: streams?.analyzed ?? null,
    configuredStreams: streams?.configured ?? null,
    headroom,
    streamsText: describeStreamUse(streams, limit),
    streamsRatio: headroom === 'unknown' ? null : limit! > 0 ? streams!.analyzed / limit! : streams!.analyzed > 0 ? Number.MAX_SAFE_INTEGER : 1,
    onlineCheckin: terms ? terms.online_checkin : null,
    journalSeconds: terms?.journal_max_allowed_age ?? null,
    journalText: terms ? describeDuration(terms.journal_max_allowed_age) : '',
    version,
    checkedAt,
    checkedMs: checkedAt ? Date.parse(checkedAt) : 0,
    checkedText: relativeTime(checkedAt, ctx.now),
    checkedTitle: localTime(checkedAt),
    error,
    errorLabel: error ? errorSummary(error.kind) : '',
    search: '',
    nameKey: server.name.toLowerCase(),
    severity: HEALTH_SEVERITY[health],
  };
  row.search = [server.name, server.site, server.url, version, health, reach, authFailed ? 'auth failed' : '', row.errorLabel, headroom === 'ok' ? '' : `streams ${HEADROOM_WORDS[headroom]}`].join('\u0001').toLowerCase();
  return row;
}

interface CacheEntry {
  server: Server;
  status: ServerStatus | undefined;
  ctxKey: string;
  row: GridRow;
}

/**
 * Builds rows, reusing the previous row object of every server whose record, status and context
 * did not change: a status batch for 50 servers rebuilds 50 rows, not 5,000.
 */
export class RowBuilder {
  private cache = new Map<string, CacheEntry>();

  build(servers: readonly Server[], statuses: ReadonlyMap<string, ServerStatus>, ctx: RowContext): GridRow[] {
    const ctxKey = `${ctx.now}|${ctx.warningDays}|${ctx.refreshIntervalMinutes}`;
    const next = new Map<string, CacheEntry>();
    const rows = new Array<GridRow>(servers.length);
    for (let i = 0; i < servers.length; i++) {
      const server = servers[i]!;
      const status = statuses.get(server.id);
      const old = this.cache.get(server.id);
      const entry =
        old && old.server === server && old.status === status && old.ctxKey === ctxKey ? old : { server, status, ctxKey, row: buildRow(server, status, ctx) };
      next.set(server.id, entry);
      rows[i] = entry.row;
    }
    this.cache = next;
    return rows;
  }
}
