/**
 * Report JSON files read back (`bf-license report --from FILE`): what `report --format json` wrote
 * on each site, checked field by field before any of it is merged and rendered again. Anything
 * else (another JSON, a status file, an edited report with a wrong field) is refused with what to
 * do, never half-rendered.
 */
import { readFile, stat } from 'node:fs/promises';
import { z } from 'zod';
import { AppError } from '../../common/errors';
import { HEALTH_ORDER, REACH_ORDER, mergeReports, type FleetReport, type MergeSource, type ReportServer } from '../../common/report';
import { LICENSE_STATES } from '../../common/license';
import { isoDate } from '../brainframe/license';

/** What `reportJson` tags its files with. */
const REPORT_FILE_FORMAT = 'bf-license-report';
const REPORT_FILE_VERSION = 1;
/** A report of tens of thousands of servers is a few tens of MiB; past this it is not one. */
const MAX_REPORT_FILE_BYTES = 256 * 1024 * 1024;

const WRITE_ONE = 'Write each site\'s report with `bf-license report --all --format json --out FILE` and give those files to --from.';

const isoTime = z.iso.datetime({ offset: true });
const count = z.number().int().nonnegative();

const serverSchema = z.object({
  id: z.string().min(1),
  name: z.string(),
  url: z.string(),
  address: z.string(),
  site: z.string(),
  version: z.string().nullable(),
  health: z.enum(HEALTH_ORDER),
  state: z.enum(LICENSE_STATES).nullable(),
  reach: z.enum(REACH_ORDER),
  expiryDate: isoDate.nullable(),
  perpetual: z.boolean(),
  daysLeft: z.number().int().nullable(),
  maxStreams: count.nullable(),
  streams: z.object({ configured: count, analyzed: count }).nullable(),
  onlineCheckin: z.boolean().nullable(),
  journalSeconds: z.number().nonnegative().finite().nullable(),
  journalRetention: z.string().nullable(),
  checkedAt: isoTime.nullable(),
  licenseAt: isoTime.nullable(),
  licenseAged: z.boolean(),
  lastApplied: z.object({ time: isoTime, keyLabel: z.string().nullable(), ok: z.boolean() }).nullable(),
  problem: z.string().nullable(),
  action: z.string().nullable(),
  urgency: z.number(),
  madeAt: isoTime.optional(),
}) satisfies z.ZodType<ReportServer>;

/** The parts a merge reads; the summary and "needs action" are computed again from the rows. */
const reportFileSchema: z.ZodType<MergeSource> = z.object({
  generatedAt: isoTime,
  scope: z.string(),
  warningDays: count,
  sites: z.array(z.object({ name: z.string(), servers: z.array(serverSchema) })),
  sources: z.array(z.object({ scope: z.string(), generatedAt: isoTime, servers: count })).optional(),
});

function refuse(file: string, why: string): AppError {
  return new AppError('InvalidInput', `${file} ${why} ${WRITE_ONE}`);
}

/** One report JSON file, checked; refused with what to do when it is not one. */
async function readReportFile(file: string): Promise<MergeSource> {
  let size: number;
  try {
    const info = await stat(file);
    if (!info.isFile()) throw refuse(file, 'is not a file.');
    size = info.size;
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw new AppError('NotFound', `--from ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}. ${WRITE_ONE}`);
  }
  if (size > MAX_REPORT_FILE_BYTES) throw refuse(file, `is ${Math.round(size / 1024 / 1024)} MiB, larger than any report JSON.`);
  let data: unknown;
  try {
    data = JSON.parse(await readFile(file, 'utf8'));
  } catch {
    throw refuse(file, 'is not JSON, so not a report JSON that `bf-license report --format json` wrote.');
  }
  const tag = data !== null && typeof data === 'object' ? (data as { format?: unknown; version?: unknown }) : {};
  if (tag.format !== REPORT_FILE_FORMAT) {
    throw refuse(file, `is JSON but not a report JSON (its "format" is ${tag.format === undefined ? 'missing' : JSON.stringify(tag.format)}, not "${REPORT_FILE_FORMAT}": is it a status or results file?).`);
  }
  if (tag.version !== REPORT_FILE_VERSION) {
    throw new AppError('InvalidInput', `${file} is a report JSON of version ${JSON.stringify(tag.version)}; this bf-license reads version ${REPORT_FILE_VERSION}. Write it with the same bf-license version on every site, or update this one.`);
  }
  const parsed = reportFileSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');
    throw refuse(file, `is a report JSON with a wrong field, ${where || 'the top level'}: ${issue.message} (was it edited?).`);
  }
  return parsed.data;
}

/** The report merged from these files (`report --from`), each server once. */
export async function mergeReportFiles(files: readonly string[], now: Date = new Date()): Promise<FleetReport> {
  const reports: MergeSource[] = [];
  const seen = new Map<string, string>();
  for (const file of files) {
    const report = await readReportFile(file);
    for (const server of report.sites.flatMap((site) => site.servers)) {
      const earlier = seen.get(server.id);
      if (earlier !== undefined) {
        throw new AppError('InvalidInput', `${earlier} and ${file} both hold server ${server.name} (id ${server.id}): give each site's report once, and never a merged report with one it was made from.`);
      }
      seen.set(server.id, file);
    }
    reports.push(report);
  }
  return mergeReports(reports, now);
}
