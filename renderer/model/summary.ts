/**
 * One operation's end, as one summary: counts per outcome (each a set of server ids the grid
 * can filter to), every failure with its reason, and the results as CSV.
 */
import type { OperationSummary } from '../../electron/ipc/contract';
import { beyondSummary, errorSummary } from '../../electron/common/errors';
import { toCsv } from '../../electron/common/csv';
import { count } from '../../electron/common/format';
import { diagnose } from '../../electron/common/diagnosis';
import { DEFAULT_SETTINGS } from '../../electron/common/settings';
import type { Tone } from './states';

export interface OutcomeGroup {
  key: string;
  label: string;
  tone: Tone;
  ids: string[];
}

export interface Failure {
  serverId: string;
  name: string;
  kind: string;
  label: string;
  message: string;
  /** Its likely cause (electron/common/diagnosis.ts). */
  cause: string;
  /** The message without the reason it starts with: what the summary's "What to do" column shows. */
  advice: string;
}

/** A server that answered, but whose license or streams need attention: its cause and next step. */
export interface AttentionNote {
  serverId: string;
  name: string;
  title: string;
  tone: 'bad' | 'warn';
  cause: string;
  next: string;
}

export interface SummaryView {
  title: string;
  groups: OutcomeGroup[];
  failures: Failure[];
  /** Servers that answered with a license or streams that need attention, most pressing first. */
  attention: AttentionNote[];
  /** Failed servers, cancelled and halted ones included: what "Retry failed" runs again. */
  failedIds: string[];
  /**
   * Why a staged apply stopped after its canaries ("canary cam-01 reported …"), and how many
   * servers it did not contact; null when it did not halt.
   */
  halted: { reason: string; count: number } | null;
}

const verb = { apply: 'Applied', refresh: 'Read' } as const;

export function summarise(summary: OperationSummary, warningDays = DEFAULT_SETTINGS.expiryWarningDays): SummaryView {
  const ok: string[] = [];
  const attention: AttentionNote[] = [];
  const cancelled: string[] = [];
  const halted: string[] = [];
  let haltReason = '';
  const byKind = new Map<string, string[]>();
  const failures: Failure[] = [];
  for (const r of summary.results) {
    if (r.ok) {
      ok.push(r.serverId);
      for (const d of diagnose({ license: r.license, error: null, streams: r.streams, warningDays })) {
        attention.push({ serverId: r.serverId, name: r.name, title: d.title, tone: d.tone, cause: d.cause, next: d.next });
      }
      continue;
    }
    const kind = r.error?.kind ?? 'UnknownError';
    if (kind === 'Cancelled') {
      cancelled.push(r.serverId);
      continue;
    }
    // Not reached because the rollout stopped: reported as such, not as failures of their own.
    if (kind === 'Halted') {
      halted.push(r.serverId);
      haltReason ||= r.error?.message ?? '';
      continue;
    }
    const ids = byKind.get(kind) ?? [];
    ids.push(r.serverId);
    byKind.set(kind, ids);
    const error = r.error ?? { kind, message: '' };
    const [cause] = diagnose({ license: null, error, warningDays });
    failures.push({ serverId: r.serverId, name: r.name, kind, label: errorSummary(kind), message: error.message, cause: cause?.cause ?? '', advice: beyondSummary(kind, error.message) });
  }
  // In the order of the groups: the most common reason first.
  const size = (kind: string) => byKind.get(kind)?.length ?? 0;
  failures.sort((a, b) => size(b.kind) - size(a.kind) || a.label.localeCompare(b.label) || a.name.localeCompare(b.name));
  const groups: OutcomeGroup[] = [];
  if (ok.length) groups.push({ key: 'ok', label: summary.kind === 'apply' ? 'applied' : 'read', tone: 'ok', ids: ok });
  for (const [kind, ids] of [...byKind].sort((a, b) => b[1].length - a[1].length || errorSummary(a[0]).localeCompare(errorSummary(b[0])))) groups.push({ key: kind, label: errorSummary(kind).toLowerCase(), tone: 'bad', ids });
  if (halted.length) groups.push({ key: 'Halted', label: 'not contacted (rollout halted)', tone: 'muted', ids: halted });
  if (cancelled.length) groups.push({ key: 'Cancelled', label: 'not done (cancelled)', tone: 'muted', ids: cancelled });

  const { total, ok: okCount } = summary.counts;
  const failed = summary.results.length - ok.length - halted.length;
  const what = summary.kind === 'apply' ? `key “${summary.key?.label ?? '?'}” to` : 'the license of';
  const head = summary.cancelled ? 'Cancelled. ' : halted.length ? 'Rollout halted after its canaries. ' : '';
  const notContacted = halted.length ? ` · ${count(halted.length)} not contacted` : '';
  const title = `${head}${verb[summary.kind]} ${what} ${count(okCount)} of ${count(total)} ${total === 1 ? 'server' : 'servers'}${failed ? ` · ${count(failed)} failed` : ''}${notContacted}`;
  attention.sort((a, b) => (a.tone === b.tone ? 0 : a.tone === 'bad' ? -1 : 1) || a.title.localeCompare(b.title) || a.name.localeCompare(b.name));
  return {
    title,
    groups,
    failures,
    attention,
    failedIds: [...failures.map((f) => f.serverId), ...halted, ...cancelled],
    halted: halted.length ? { reason: haltReason, count: halted.length } : null,
  };
}

/** The operation's results as CSV, one row per server. */
export function resultsCsv(summary: OperationSummary): string {
  return toCsv([
    ['Server', 'Address', 'Site', 'Outcome', 'License after', 'Expires', 'Error', 'Message', 'Finished'],
    ...summary.results.map((r) => [
      r.name,
      r.url,
      r.site,
      r.ok ? 'ok' : r.error?.kind === 'Cancelled' ? 'cancelled' : 'failed',
      r.license?.state ?? '',
      r.license?.terms ? (r.license.terms.expiration_date ?? 'perpetual') : '',
      r.error ? errorSummary(r.error.kind) : '',
      r.error?.message ?? '',
      r.finishedAt,
    ]),
  ]);
}
