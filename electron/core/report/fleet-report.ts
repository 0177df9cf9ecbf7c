/**
 * The handover report and expiry calendar from the core's data, for the command line and the
 * app's main process alike: which servers, their last known status, the history's last
 * applications, and the settings' thresholds go into the one model (common/report); the formats
 * come out of common/report-formats and common/report-ics. PDF is the same HTML printed by a
 * browser the caller provides (Electron's printToPDF in the app, headless Chromium in the CLI).
 */
import type { AuditLog } from '../audit/audit-log';
import type { ServerRegistry } from '../registry/server-registry';
import type { SettingsStore } from '../settings/settings';
import type { StatusCache } from '../status/status-cache';
import { buildReport, lastApplications, staleAfterMs, type FleetReport, type StreamFigure } from '../../common/report';
import { reportCsv, reportHtml, reportJson, type ReportFormat } from '../../common/report-formats';
import { reportCalendar, type CalendarOptions } from '../../common/report-ics';
import { isoDay } from '../../common/format';

/** What a report reads of the core, and nothing more. */
export interface ReportSources {
  registry: Pick<ServerRegistry, 'list'>;
  status: Pick<StatusCache, 'get'>;
  settings: Pick<SettingsStore, 'get'>;
  audit: Pick<AuditLog, 'query'>;
}

export interface ReportRequest {
  /** The servers, in any order; all of them when omitted. */
  serverIds?: readonly string[];
  /** What the report covers, in words. */
  scope: string;
  /** The statuses were read from the servers just before. */
  fresh?: boolean;
  now?: Date;
  /** Per server, where streams were read (issue #13); others show "not read". */
  streams?: ReadonlyMap<string, StreamFigure | null>;
}

/** The report's model from the core's current data. */
export async function collectReport(core: ReportSources, { serverIds, scope, fresh = false, now = new Date(), streams }: ReportRequest): Promise<FleetReport> {
  const wanted = serverIds ? new Set(serverIds) : null;
  const servers = core.registry.list().filter((s) => !wanted || wanted.has(s.id));
  const statuses = new Map(servers.map((s) => [s.id, core.status.get(s.id)] as const));
  const applies = await core.audit.query({ actions: ['license.apply'] });
  const settings = core.settings.get();
  return buildReport({
    servers,
    statuses,
    lastApplied: lastApplications(applies),
    streams,
    now,
    warningDays: settings.expiryWarningDays,
    staleAfterMs: staleAfterMs(settings.refreshIntervalMinutes),
    scope,
    fresh,
  });
}

/** Prints a self-contained HTML page to PDF bytes. */
export type PdfPrinter = (html: string) => Promise<Uint8Array>;

export interface RenderOptions extends CalendarOptions {
  pdf?: PdfPrinter;
}

/** The report in one format: text for all but PDF, which needs a printer. */
export async function renderReport(report: FleetReport, format: ReportFormat, { pdf, ...calendar }: RenderOptions = {}): Promise<string | Uint8Array> {
  switch (format) {
    case 'html':
      return reportHtml(report);
    case 'csv':
      return reportCsv(report);
    case 'json':
      return reportJson(report);
    case 'ics':
      return reportCalendar(report, calendar);
    case 'pdf':
      if (!pdf) throw new Error('PDF needs a printer');
      return pdf(reportHtml(report));
  }
}

/** "license-report-2026-12-01.pdf", "license-expiries-2026-12-01.ics". */
export function reportFileName(format: ReportFormat, now: Date = new Date()): string {
  return `${format === 'ics' ? 'license-expiries' : 'license-report'}-${isoDay(now)}.${format}`;
}
