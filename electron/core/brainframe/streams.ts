import { z } from 'zod';
import { AppError, BrainFrameError } from '../../common/errors';
import type { StreamUse } from '../../common/streams';
import { excerpt } from '../../common/text';
import type { BrainFrameClient } from './client';

/** Stream ids as BrainFrame numbers them. */
const streamId = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

/**
 * One entry of GET /api/streams (BrainFrame's StreamConfiguration): only the id and the name are
 * kept; connection options (camera URLs, which may carry passwords), runtime options and metadata
 * are dropped unread. The name is server text: printable, one line, short.
 */
const streamConfigurationSchema = z.object({
  id: streamId,
  name: z.string().max(10_000).transform((name) => excerpt(name, 100)),
});

/** Most streams one server is believed to hold; the 1 MiB body cap bounds it anyway. */
const MAX_STREAMS_LISTED = 10_000;

export const streamConfigurationsSchema = z.array(streamConfigurationSchema).max(MAX_STREAMS_LISTED);

/**
 * GET /api/streams/status: zone statuses keyed by stream id, where "all active streams will have a
 * key" (BrainFrame's Python client). Only the keys are read: the ids of the analysed streams.
 */
export const zoneStatusesSchema = z
  .record(z.string().regex(/^\d{1,15}$/, 'expected stream ids as keys'), z.unknown())
  .transform((statuses) => Object.keys(statuses).map(Number));

/**
 * What a server analyses, read the cheapest faithful way: GET /api/streams (the configured streams)
 * and GET /api/streams/status (keyed by the analysed ones), two requests sent together, and in
 * parallel with the license read by a refresh. BrainFrame's per-stream GET /api/streams/{id}/analyze
 * says the same one stream at a time: N + 1 requests a server (9 for 8 streams, and 9,000 more on a
 * 1,000-server fleet), which no refresh on a slow site link can afford.
 *
 * Resolves null ("streams unknown") when the server does not give them: it refuses (an unlicensed
 * server answers LicenseRequiredError, an account may lack the right), lacks either endpoint, or
 * answers something else. Never a guessed number. A cancelled read still rejects with Cancelled.
 */
export async function readStreamUse(client: BrainFrameClient, signal?: AbortSignal): Promise<StreamUse | null> {
  try {
    const [configured, analyzedIds] = await Promise.all([client.getStreamConfigurations(signal), client.getAnalyzedStreamIds(signal)]);
    const analyzed = new Set(analyzedIds);
    // A stream added between the two answers is not counted as analysed: the list is the truth.
    const streams = configured.map((s) => ({ id: s.id, name: s.name || `Stream ${s.id}`, analyzed: analyzed.has(s.id) }));
    return { configured: streams.length, analyzed: streams.filter((s) => s.analyzed).length, streams };
  } catch (err) {
    if (signal?.aborted || (err instanceof BrainFrameError && err.kind === 'Cancelled')) throw err;
    if (err instanceof AppError) return null;
    throw err;
  }
}
