/**
 * The handover report's written forms, each built from the one model (./report): a self-contained
 * HTML page (which the app and the command line also print to PDF), CSV through the one CSV
 * writer, and JSON. Pure string-building: every text that came from a user or a server is escaped
 * here, and nothing secret is in the model to begin with.
 */
import { toCsv } from './csv';
import { count, localTime, plural, relativeTime } from './format';
import type { LicenseHealth } from './license-health';
import { EXPIRY_HORIZONS, HEALTH_ORDER, REACH_ORDER, type FleetReport, type ReportReach, type ReportServer, type ReportSummary } from './report';
import { withoutControlChars } from './text';

/** The formats `bf-license report` and the app's "Report…" write. */
export const REPORT_FORMATS = ['html', 'pdf', 'csv', 'json', 'ics'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

const HEALTH_WORDS: Record<LicenseHealth, string> = {
  valid: 'valid',
  expiring: 'expiring',
  expired: 'expired',
  invalid: 'invalid',
  missing: 'no license',
  unknown: 'not read',
};

const REACH_WORDS: Record<ReportReach, string> = { online: 'online', stale: 'stale', offline: 'offline', never: 'never checked' };

/** Text for HTML content and attribute values; control and bidi characters become spaces. */
function escapeHtml(text: string): string {
  return withoutControlChars(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** "2027-12-31", "Perpetual", or "unknown"/"none". */
function expiryWords(s: ReportServer): string {
  if (s.expiryDate) return s.expiryDate;
  if (s.perpetual) return 'Perpetual';
  return s.health === 'missing' ? 'none' : 'unknown';
}

/** "12", "0 (today)", "-3 (expired)", or '' when the license has no date. */
function daysLeftWords(s: ReportServer): string {
  if (s.daysLeft === null) return s.perpetual ? '—' : '';
  if (s.daysLeft === 0) return '0 (today)';
  return s.daysLeft < 0 ? `${s.daysLeft} (past)` : String(s.daysLeft);
}

/** "3 of 8 (5 configured)" style, or "not read". */
function streamWords(s: ReportServer): string {
  return s.streams ? `${s.streams.analyzed} (${s.streams.configured} configured)` : 'not read';
}

function lastAppliedWords(s: ReportServer): string {
  const a = s.lastApplied;
  if (!a) return 'not in history';
  return `${localTime(a.time)}${a.keyLabel ? `, key “${a.keyLabel}”` : ''}${a.ok ? '' : ' (failed)'}`;
}

/** Where the report's figures come from, in one sentence: fresh, or last known with ages. */
function dataSource(report: FleetReport): string {
  const now = Date.parse(report.generatedAt);
  const never = report.neverChecked ? `; ${plural(report.neverChecked, 'server')} never checked` : '';
  if (!report.oldestCheck || !report.newestCheck) return 'No server has been checked yet: the license figures are unknown.';
  const span =
    report.oldestCheck === report.newestCheck
      ? `checked ${localTime(report.newestCheck)} (${relativeTime(report.newestCheck, now)})`
      : `checked between ${localTime(report.oldestCheck)} (${relativeTime(report.oldestCheck, now)}) and ${localTime(report.newestCheck)} (${relativeTime(report.newestCheck, now)})`;
  return `${report.fresh ? 'Read from the servers for this report' : 'Last known status, not read again for this report'}: ${span}${never}.`;
}

/** A merged report's sources, each with when it was made and how long before this report: "site north (4 servers), made …". */
function sourcesLine(report: FleetReport): string | null {
  if (!report.sources) return null;
  const now = Date.parse(report.generatedAt);
  const each = report.sources.map((s) => `${s.scope} (${plural(s.servers, 'server')}), made ${localTime(s.generatedAt)} (${relativeTime(s.generatedAt, now)})`);
  return `Merged from ${plural(report.sources.length, 'report')}: ${each.join('; ')}. Each server's figures are as its site's report read them.`;
}

/** The summary's stream line: "12 of 40 licensed streams analysed (on 5 servers read)", or "not read". */
function streamCapacity(summary: ReportSummary): string {
  const licensed = `${count(summary.licensedStreams)} licensed`;
  if (summary.analyzedStreams === null) return `${licensed}; analysed streams not read`;
  return `${licensed}; ${count(summary.analyzedStreams)} analysed of ${count(summary.licensedWhereRead)} licensed on the ${plural(summary.streamsRead, 'server')} whose streams were read`;
}

// ---------------------------------------------------------------------------------------------
// HTML

const STYLE = `
:root { color-scheme: light; font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: #1b1f24; }
body { margin: 0; padding: 16px; font-size: 10pt; line-height: 1.35; }
h1 { font-size: 16pt; margin: 0 0 4px; }
h2 { font-size: 12pt; margin: 18px 0 6px; break-after: avoid; }
p.meta { margin: 2px 0; color: #444c56; }
table { border-collapse: collapse; width: 100%; margin: 4px 0 8px; }
th, td { border-bottom: 1px solid #d0d7de; padding: 3px 4px; text-align: left; vertical-align: top; }
th { background: #f1f3f5; font-weight: 600; }
table.servers { font-size: 8pt; }
table.servers td { overflow-wrap: break-word; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tr { break-inside: avoid; }
thead { display: table-header-group; }
.grid { display: flex; flex-wrap: wrap; gap: 8px 24px; }
.grid > div { min-width: 200px; flex: 1; }
.state { font-weight: 600; }
.bad { color: #a40e26; } .warn { color: #7d4e00; } .ok { color: #116329; } .muted { color: #57606a; }
.bar { display: inline-block; height: 8px; background: #57606a; vertical-align: middle; }
.addr { color: #444c56; }
@page { margin: 12mm 10mm; }
@media print { body { padding: 0; } a { color: inherit; text-decoration: none; } }
`;

const TONE: Record<LicenseHealth, string> = { valid: 'ok', expiring: 'warn', expired: 'bad', invalid: 'bad', missing: 'bad', unknown: 'muted' };
const SYMBOL: Record<LicenseHealth, string> = { valid: '✓', expiring: '◷', expired: '✕', invalid: '!', missing: '–', unknown: '?' };

const e = escapeHtml;

function countsTable(caption: string, rows: [string, number][]): string {
  const body = rows.map(([label, n]) => `<tr><th scope="row">${e(label)}</th><td class="num">${count(n)}</td></tr>`).join('');
  return `<div><table><caption class="meta" style="text-align:left">${e(caption)}</caption><tbody>${body}</tbody></table></div>`;
}

function summaryHtml(report: FleetReport): string {
  const s = report.summary;
  const health = countsTable('License state', HEALTH_ORDER.map((h) => [HEALTH_WORDS[h], s.byHealth[h]]));
  const reach = countsTable('Reachability', REACH_ORDER.map((r) => [REACH_WORDS[r], s.byReach[r]]));
  const expiring = countsTable(
    'Current licenses expiring',
    [...EXPIRY_HORIZONS.map((h): [string, number] => [`within ${h} days`, s.expiringWithin[h]]), ['perpetual', s.perpetual]],
  );
  const max = Math.max(1, ...s.timeline.map((m) => m.count));
  const timeline = s.timeline
    .map((m) => `<tr><th scope="row">${e(m.label)}</th><td class="num">${count(m.count)}</td><td style="width:60%"><span class="bar" style="width:${Math.round((m.count / max) * 100)}%"></span></td></tr>`)
    .join('');
  return `<section aria-labelledby="summary"><h2 id="summary">Fleet summary: ${e(plural(s.total, 'server'))}</h2>
<div class="grid">${health}${reach}${expiring}</div>
<p><strong>Stream capacity:</strong> ${e(streamCapacity(s))}.</p>
<h2>Licenses expiring per month</h2>
<p class="meta">${e(`${plural(s.expired, 'license')} already expired (not in the months below).`)}</p>
<table class="timeline"><thead><tr><th scope="col">Month</th><th scope="col" class="num">Licenses</th><th scope="col"><span class="muted">(bar)</span></th></tr></thead><tbody>${timeline}</tbody></table>
</section>`;
}

function needsActionHtml(report: FleetReport): string {
  if (!report.needsAction.length) return `<section><h2>Needs action</h2><p>Nothing: every server holds a current license and answered lately.</p></section>`;
  const rows = report.needsAction
    .map((s) => `<tr><td>${e(s.name)}</td><td>${e(s.site || '—')}</td><td class="state ${TONE[s.health]}">${SYMBOL[s.health]} ${e(HEALTH_WORDS[s.health])}</td><td>${e(s.action ?? '')}</td></tr>`)
    .join('');
  return `<section><h2>Needs action (${count(report.needsAction.length)})</h2><table><thead><tr><th scope="col">Server</th><th scope="col">Site</th><th scope="col">License</th><th scope="col">What to do</th></tr></thead><tbody>${rows}</tbody></table></section>`;
}

const SERVER_COLUMNS = ['Server', 'Version', 'License', 'Expires', 'Days left', 'Max streams', 'Analysed streams', 'Online check-in', 'Journal retention', 'Last checked', 'License last applied'];
const NUMERIC = new Set(['Days left', 'Max streams']);

function serverRow(s: ReportServer, now: number): string {
  const state = `${SYMBOL[s.health]} ${HEALTH_WORDS[s.health]}${s.licenseAged && s.licenseAt ? ` (as of ${localTime(s.licenseAt)})` : ''}${s.reach !== 'online' ? `; ${REACH_WORDS[s.reach]}` : ''}`;
  const cells = [
    `${e(s.name)}<br><span class="addr" title="${e(s.url)}">${e(s.address)}</span>`,
    e(s.version ?? 'unknown'),
    `<span class="state ${TONE[s.health]}">${e(state)}</span>${s.problem ? `<br><span class="muted">${e(s.problem)}</span>` : ''}`,
    e(expiryWords(s)),
    e(daysLeftWords(s)),
    s.maxStreams === null ? '' : count(s.maxStreams),
    e(streamWords(s)),
    s.onlineCheckin === null ? '' : s.onlineCheckin ? 'yes' : 'no',
    e(s.journalRetention ?? ''),
    s.checkedAt ? `${e(localTime(s.checkedAt))}<br><span class="muted">${e(relativeTime(s.checkedAt, now))}</span>` : 'never',
    e(lastAppliedWords(s)),
  ];
  return `<tr>${cells.map((c, i) => `<td${NUMERIC.has(SERVER_COLUMNS[i]!) ? ' class="num"' : ''}>${c}</td>`).join('')}</tr>`;
}

function sitesHtml(report: FleetReport): string {
  const now = Date.parse(report.generatedAt);
  const head = `<thead><tr>${SERVER_COLUMNS.map((c) => `<th scope="col"${NUMERIC.has(c) ? ' class="num"' : ''}>${e(c)}</th>`).join('')}</tr></thead>`;
  return report.sites
    .map((site) => {
      const title = site.name ? `Site ${site.name}` : 'Servers without a site';
      return `<section><h2>${e(title)} (${e(plural(site.servers.length, 'server'))})</h2><table class="servers">${head}<tbody>${site.servers.map((s) => serverRow(s, now)).join('')}</tbody></table></section>`;
    })
    .join('\n');
}

/** The report as one self-contained HTML page: no script, no external resource; prints on A4 and Letter. */
export function reportHtml(report: FleetReport): string {
  const title = `License report: ${report.scope}`;
  const sources = sourcesLine(report);
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="generator" content="BrainFrame Fleet Licenses">
<title>${e(title)}</title>
<style>${STYLE}</style></head>
<body>
<header><h1>${e(title)}</h1>
<p class="meta">Made ${e(localTime(report.generatedAt))} (${e(report.generatedAt)}). Expiring means ${e(plural(report.warningDays, 'day'))} or fewer left.</p>
<p class="meta" id="data-source">${e(dataSource(report))}</p>${sources === null ? '' : `\n<p class="meta" id="sources">${e(sources)}</p>`}</header>
<main>
${summaryHtml(report)}
${needsActionHtml(report)}
${sitesHtml(report)}
</main>
</body></html>
`;
}

// ---------------------------------------------------------------------------------------------
// CSV and JSON

export const REPORT_CSV_HEADER = [
  'Site',
  'Server',
  'Address',
  'Version',
  'License state',
  'Health',
  'Expires',
  'Days left',
  'Max streams',
  'Analysed streams',
  'Configured streams',
  'Online check-in',
  'Journal retention',
  'Reachability',
  'Last checked',
  'License read at',
  'License last applied',
  'Key last applied',
  'Needs',
  'Report made',
];

/** One row per server, site by site, through the one CSV writer (formula neutralisation included). */
export function reportCsv(report: FleetReport): string {
  const rows = report.sites.flatMap((site) =>
    site.servers.map((s) => [
      s.site,
      s.name,
      s.url,
      s.version ?? '',
      s.state ?? 'not read',
      HEALTH_WORDS[s.health],
      expiryWords(s),
      s.daysLeft ?? '',
      s.maxStreams ?? '',
      s.streams ? s.streams.analyzed : 'not read',
      s.streams ? s.streams.configured : 'not read',
      s.onlineCheckin === null ? '' : s.onlineCheckin ? 'yes' : 'no',
      s.journalRetention ?? '',
      REACH_WORDS[s.reach],
      s.checkedAt ?? 'never',
      s.licenseAt ?? '',
      s.lastApplied ? `${s.lastApplied.time}${s.lastApplied.ok ? '' : ' (failed)'}` : '',
      s.lastApplied?.keyLabel ?? '',
      s.action ?? '',
      s.madeAt ?? report.generatedAt,
    ]),
  );
  return toCsv([REPORT_CSV_HEADER, ...rows]);
}

/** The model itself, tagged with its format and version, for scripts. */
export function reportJson(report: FleetReport): string {
  return `${JSON.stringify({ format: 'bf-license-report', version: 1, ...report }, null, 2)}\n`;
}
