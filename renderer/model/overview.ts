/**
 * The overview's figures: the report's one model (electron/common/report) over the servers the
 * overview shows, and the geometry of its expiry chart, drawn as plain SVG from the model. Pure.
 */
import type { Server, ServerStatus } from '../../electron/ipc/contract';
import { buildReport, staleAfterMs, type FleetReport, type StreamFigure, type TimelineMonth } from '../../electron/common/report';

export interface OverviewInput {
  servers: readonly Server[];
  statuses: ReadonlyMap<string, ServerStatus>;
  /** '' for every site. */
  site: string;
  now: number;
  warningDays: number;
  refreshIntervalMinutes: number;
  /** Per server, where streams were read (issue #13); absent: "not read". */
  streams?: ReadonlyMap<string, StreamFigure | null>;
}

/** The report of the whole fleet, or of one site. */
export function overviewOf({ servers, statuses, site, now, warningDays, refreshIntervalMinutes, streams }: OverviewInput): FleetReport {
  return buildReport({
    servers: site ? servers.filter((s) => s.site === site) : servers,
    statuses,
    streams,
    now: new Date(now),
    warningDays,
    staleAfterMs: staleAfterMs(refreshIntervalMinutes),
    scope: site ? `site ${site}` : 'all servers',
    fresh: false,
  });
}

export interface Bar {
  month: TimelineMonth;
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Bars of the 12 months in a box of `width` × `height` (room for labels below is the caller's). */
export function timelineBars(months: readonly TimelineMonth[], width: number, height: number): Bar[] {
  const max = Math.max(1, ...months.map((m) => m.count));
  const slot = width / Math.max(1, months.length);
  const barWidth = Math.max(4, slot * 0.6);
  return months.map((month, i) => {
    const h = month.count ? Math.max(2, (month.count / max) * height) : 0;
    return { month, x: i * slot + (slot - barWidth) / 2, y: height - h, width: barWidth, height: h };
  });
}

/** One sentence for the chart's text equivalent: "Licenses expiring per month: Dec 2026 1, Jan 2027 2, …". */
export function timelineText(months: readonly TimelineMonth[], expired: number): string {
  const listed = months.map((m) => `${m.label} ${m.count}`).join(', ');
  return `Licenses expiring per month over the next 12 months: ${listed}. Already expired: ${expired}.`;
}
