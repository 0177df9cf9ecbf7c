import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { AppError } from '../../common/errors';
import { plural } from '../../common/format';
import type { FleetReport } from '../../common/report';
import { REPORT_FORMATS, type ReportFormat } from '../../common/report-formats';
import { DEFAULT_REMINDER_DAYS, parseReminderDays } from '../../common/report-ics';
import type { FleetCore } from '../../core/fleet-core';
import { printHtmlToPdf } from '../../core/report/chromium-pdf';
import { collectReport, renderReport } from '../../core/report/fleet-report';
import { mergeReportFiles } from '../../core/report/report-file';
import { writeFileDurably } from '../../core/storage/durable-write';
import { RUN_OPTIONS, SELECTION_OPTIONS, UsageError, parseCommand } from '../args';
import { withCore, type Command } from '../command';
import { print, warn } from '../output';
import { showProgress, untilDone } from '../progress';
import { SELECTION_HELP, runOptions, selectServers } from './fleet';

/** --reminders as days, the default when absent. */
function reminderDays(text: string | undefined): number[] {
  if (text === undefined) return [...DEFAULT_REMINDER_DAYS];
  try {
    return parseReminderDays(text);
  } catch (err) {
    throw new UsageError(`--reminders: ${(err as Error).message}`);
  }
}

/** The report's words for its scope. */
function scopeWords(core: FleetCore, values: { all?: boolean; site?: string; server?: string[] }, ids: readonly string[]): string {
  if (values.site !== undefined) return `site ${values.site}`;
  if (values.server !== undefined) return ids.length === 1 ? core.registry.get(ids[0]!)!.name : plural(ids.length, 'server');
  return 'all servers';
}

/** The folder of --out must exist: a typo must not create folders somewhere unexpected. */
function checkOut(path: string): void {
  const dir = dirname(path);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new AppError('NotFound', `--out ${path}: the folder ${dir} does not exist. Create it, or write the report elsewhere.`);
  if (existsSync(path) && statSync(path).isDirectory()) throw new UsageError(`--out ${path} is a folder: give a file name, such as ${resolve(path, 'report.html')}.`);
}

const report: Command = {
  name: 'report',
  synopsis: '(--all | --site SITE | --server NAME ... | --from FILE ...) --format html|pdf|csv|json|ics --out FILE [--refresh] [--reminders DAYS] [--group server|site] [--paper a4|letter]',
  help: `Writes a handover report of servers' licenses: a fleet summary (counts by state and
reachability, licenses expiring within 30/60/90 days, stream capacity) and, site by site, each
server's address, version, license state, expiry date or "Perpetual", days left, max and
analysed streams, online check-in, journal retention, last check and the license's last
application from the history. It says when it was made and how old its figures are. No password,
key text or key fingerprint is ever in it. With --format ics it writes an expiry calendar instead.

${SELECTION_HELP}
  --from FILE      Instead of servers of this data folder: merge report JSON files that
                   \`report --format json\` wrote (one per site, say, gathered from the hosts
                   that reach them); repeat it for each file. Each server keeps what its site
                   read and when its report was made; the summary is computed from all of them.
                   Not with --all, --site, --server, --refresh, --concurrency or --timeout.
  --format FORMAT  html: one self-contained page that prints on A4 and Letter; pdf: that page
                   printed by a headless Chromium ($BF_CHROMIUM_PATH, or a common install);
                   csv: one row per server; json: the whole report; ics: an RFC 5545 calendar
                   with one all-day event per license expiry and reminders.
  --out FILE       Where to write it (replaced if it exists; its folder must exist).
  --refresh        Read every chosen server first; otherwise the last known status is used,
                   with its age in the report.
  --concurrency N, --timeout SECONDS
                   How --refresh runs. Default: the app's settings.
  --reminders DAYS For ics: days before the expiry to remind, comma-separated (default
                   ${DEFAULT_REMINDER_DAYS.join(',')}; "" for none).
  --group server|site
                   For ics: one event per server (default), or one per site and date listing the
                   servers that expire together.
  --paper a4|letter
                   For pdf: the paper size (default a4).

Exit status: 0 when the report was written, 1 when --refresh could not read some server (the
report is still written, with their last known status), 2 for a usage or input error.`,
  async run(args) {
    const { values } = parseCommand(args, {
      ...SELECTION_OPTIONS,
      concurrency: RUN_OPTIONS.concurrency,
      timeout: RUN_OPTIONS.timeout,
      from: { type: 'string', multiple: true },
      format: { type: 'string' },
      out: { type: 'string' },
      refresh: { type: 'boolean' },
      reminders: { type: 'string' },
      group: { type: 'string' },
      paper: { type: 'string' },
    });
    const format = values.format as ReportFormat | undefined;
    if (format === undefined || !REPORT_FORMATS.includes(format)) throw new UsageError(`--format needs one of ${REPORT_FORMATS.join(', ')}.`);
    if (values.out === undefined || values.out.trim() === '') throw new UsageError('--out needs the file to write the report to.');
    if (values.group !== undefined && values.group !== 'server' && values.group !== 'site') throw new UsageError('--group needs server or site.');
    if (values.paper !== undefined && !/^(a4|letter)$/i.test(values.paper)) throw new UsageError('--paper needs a4 or letter.');
    if (format !== 'ics' && (values.reminders !== undefined || values.group !== undefined)) throw new UsageError('--reminders and --group are for --format ics.');
    const reminders = reminderDays(values.reminders);
    const options = runOptions(values);
    const out = resolve(values.out);
    checkOut(out);
    const paper = values.paper?.toLowerCase() === 'letter' ? 'Letter' : 'A4';
    const write = async (model: FleetReport, servers: number) => {
      const content = await renderReport(model, format, {
        reminderDays: reminders,
        group: values.group === 'site' ? 'site' : 'server',
        pdf: (html) => printHtmlToPdf(html, { paper }),
      });
      await writeFileDurably(out, typeof content === 'string' ? content : Buffer.from(content));
      print(`Wrote ${out}: ${format === 'ics' ? 'expiry calendar' : 'report'} of ${plural(servers, 'server')}.`);
    };
    if (values.from !== undefined) {
      const clash = (['all', 'site', 'server', 'refresh', 'concurrency', 'timeout'] as const).filter((name) => values[name] !== undefined);
      if (clash.length) {
        throw new UsageError(`--from merges reports that chose their servers and read them already: leave out ${clash.map((name) => `--${name}`).join(', ')}.`);
      }
      const model = await mergeReportFiles(values.from.map((file) => resolve(file)));
      await write(model, model.summary.total);
      return 0;
    }
    return withCore(values['data-dir'], async (core) => {
      const serverIds = selectServers(core, values, true);
      let failed = 0;
      if (values.refresh) {
        // Ctrl-C stops the reading; the report then shows the servers not read at their last known status.
        const op = core.refresh(serverIds, options);
        failed = (await untilDone(op, showProgress(op, 'reading'))).counts.failed;
        if (failed) warn(`${plural(failed, 'server')} could not be read: the report shows their last known status.`);
      }
      await write(await collectReport(core, { serverIds, scope: scopeWords(core, values, serverIds), fresh: !!values.refresh && failed === 0 }), serverIds.length);
      return failed ? 1 : 0;
    });
  },
};

export const reportCommands = [report];
