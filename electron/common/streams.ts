/**
 * What a server analyses against what its license allows. BrainFrame's `max_streams` is "the
 * maximum number of streams that may have analysis enabled at any given time": analysed streams
 * against that limit is the headroom. Runtime-free, so the grid, the command line and reports
 * band it by the same rule.
 */
import type { LicenseInfo } from './license';

/** One configured stream as the server names it, and whether analysis is on for it. */
export interface StreamEntry {
  id: number;
  name: string;
  analyzed: boolean;
}

/** A server's streams as read: how many are configured, how many analysed, and which. */
export interface StreamUse {
  configured: number;
  analyzed: number;
  /** Every configured stream, in the server's order. */
  streams: StreamEntry[];
}

/**
 * - `ok`: below 90 % of the limit;
 * - `near`: at 90 % of the limit or more, up to the limit itself (no stream left, or nearly);
 * - `over`: more streams analysed than the license allows;
 * - `unknown`: the streams or the limit could not be read. Never counted as safe.
 */
export type StreamHeadroom = 'ok' | 'near' | 'over' | 'unknown';

/** The share of the limit from which headroom is `near`. */
const NEAR_STREAM_LIMIT = 0.9;

/** The band of `analyzed` streams against a `maxStreams` limit; null for either means unknown. */
export function streamHeadroom(analyzed: number | null | undefined, maxStreams: number | null | undefined): StreamHeadroom {
  if (analyzed == null || maxStreams == null) return 'unknown';
  if (analyzed > maxStreams) return 'over';
  return analyzed >= NEAR_STREAM_LIMIT * maxStreams ? 'near' : 'ok';
}

/** The limit a license sets, when it sets one that is in force (a valid license's terms). */
export function streamLimit(license: LicenseInfo | null): number | null {
  return license?.state === 'valid' && license.terms ? license.terms.max_streams : null;
}

/** The word for a band where a word is due: near or over the limit, or unknown; '' when there is room. */
export const HEADROOM_WORDS: Record<StreamHeadroom, string> = {
  ok: '',
  near: 'near the limit',
  over: 'over the limit',
  unknown: 'unknown',
};

/**
 * One server's headroom for a table: "6 / 8", "8 / 8 near the limit", "6 / 4 over the limit",
 * "? / 8 unknown" (streams not read) or "6 / ? unknown" (no limit in force).
 */
export function describeHeadroom(use: Pick<StreamUse, 'analyzed'> | null, license: LicenseInfo | null): string {
  const max = streamLimit(license);
  if (!use && max === null) return 'unknown';
  const band = streamHeadroom(use?.analyzed, max);
  return [describeStreamUse(use, max), HEADROOM_WORDS[band]].filter(Boolean).join(' ');
}

/** "6 / 8", "6 / ?" (limit unknown), "? / 8" (streams unknown), or "unknown". */
export function describeStreamUse(use: Pick<StreamUse, 'analyzed'> | null, maxStreams: number | null): string {
  if (!use && maxStreams === null) return 'unknown';
  return `${use ? use.analyzed : '?'} / ${maxStreams ?? '?'}`;
}
