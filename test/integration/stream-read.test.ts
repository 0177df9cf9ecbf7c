import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { BrainFrameClient } from '../../electron/core/brainframe/client';
import { readStreamUse } from '../../electron/core/brainframe/streams';
import { BrainFrameError } from '../../electron/common/errors';
import { startSimServer, type SimServer, type SimServerOptions } from '../sim/server';

const started: Array<{ close(): Promise<void> }> = [];
async function sim(options: SimServerOptions = {}): Promise<SimServer> {
  const server = await startSimServer({ state: 'valid', ...options });
  started.push(server);
  return server;
}
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.close()));
});

const client = (url: string, options: Partial<ConstructorParameters<typeof BrainFrameClient>[0]> = {}) =>
  new BrainFrameClient({ baseUrl: url, timeoutMs: 3000, ...options });

/** A server answering each path with a fixed status and body (a server that is not quite BrainFrame). */
async function scripted(answers: Record<string, { status: number; body: string }>): Promise<string> {
  const server = http.createServer((req, res) => {
    const answer = answers[req.url ?? ''] ?? { status: 404, body: '{"title": "NotFoundError", "description": "no"}' };
    res.writeHead(answer.status, { 'content-type': 'application/json' });
    res.end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  started.push({ close: () => new Promise<void>((resolve) => server.close(() => resolve())) });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('reading what a server analyses', () => {
  it.each([
    [8, 6],
    [8, 8],
    [3, 0],
    [0, 0],
  ])('reads %i configured streams, %i analysed, with their names', async (total, analyzed) => {
    const server = await sim({ streams: { total, analyzed } });
    const use = await readStreamUse(client(server.url));
    expect(use).toMatchObject({ configured: total, analyzed });
    expect(use!.streams).toHaveLength(total);
    expect(use!.streams.filter((s) => s.analyzed).map((s) => s.id)).toEqual(Array.from({ length: analyzed }, (_, i) => i + 1));
    if (total > 0) expect(use!.streams[0]).toEqual({ id: 1, name: 'Camera 1', analyzed: analyzed > 0 });
  });

  it('sends two requests, the list and the statuses, never one per stream', async () => {
    const server = await sim({ streams: { total: 8, analyzed: 5 } });
    await readStreamUse(client(server.url));
    expect(server.requests.map((r) => `${r.method} ${r.path}`).sort()).toEqual(['GET /api/streams', 'GET /api/streams/status']);
  });

  it('logs in on a server that needs credentials', async () => {
    const auth = { username: 'admin', password: 'pw-1' };
    const server = await sim({ auth, streams: { total: 4, analyzed: 4 } });
    expect(await readStreamUse(client(server.url, { credentials: auth }))).toMatchObject({ configured: 4, analyzed: 4 });
    expect(await readStreamUse(client(server.url, { credentials: { ...auth, password: 'wrong' } }))).toBeNull();
  });

  it('follows the server when analysis is switched on or off', async () => {
    const server = await sim({ streams: { total: 8, analyzed: 2 } });
    const bf = client(server.url);
    expect((await readStreamUse(bf))?.analyzed).toBe(2);
    server.setStreams({ total: 9, analyzed: 9 });
    expect(await readStreamUse(bf)).toMatchObject({ configured: 9, analyzed: 9 });
  });

  it.each(['missing', 'expired', 'invalid'] as const)('is unknown (null) on a server whose license is %s: it refuses with LicenseRequiredError', async (state) => {
    const server = await sim({ state, streams: { total: 8, analyzed: 6 } });
    expect(await readStreamUse(client(server.url))).toBeNull();
  });

  it('is unknown on a server without the status endpoint, never a count of zero analysed', async () => {
    const server = await sim({ streams: { total: 8, analyzed: 6 }, noStreamStatus: true });
    expect(await readStreamUse(client(server.url))).toBeNull();
  });

  it.each(['refuse', 'hang', 'nonjson', 'starting', 'error500', 'wrongshape'] as const)('is unknown on a server with the fault %s', async (fault) => {
    const server = await sim({ streams: { total: 8, analyzed: 6 }, fault });
    expect(await readStreamUse(client(server.url, { timeoutMs: 300 }))).toBeNull();
  });

  it('is unknown when either answer has the wrong shape', async () => {
    const list = '[{"id": 1, "name": "Gate", "premises_id": null, "connection_type": "ip_camera", "connection_options": {}, "runtime_options": {}, "metadata": {}}]';
    for (const answers of [
      { '/api/streams': { status: 200, body: '{"id": 1}' }, '/api/streams/status': { status: 200, body: '{}' } },
      { '/api/streams': { status: 200, body: '[{"id": "one", "name": "Gate"}]' }, '/api/streams/status': { status: 200, body: '{}' } },
      { '/api/streams': { status: 200, body: list }, '/api/streams/status': { status: 200, body: '["1"]' } },
      { '/api/streams': { status: 200, body: list }, '/api/streams/status': { status: 200, body: '{"cam-1": {}}' } },
    ]) {
      expect(await readStreamUse(client(await scripted(answers))), JSON.stringify(answers)).toBeNull();
    }
  });

  it('counts only configured streams as analysed, and keeps stream names printable', async () => {
    const url = await scripted({
      '/api/streams': { status: 200, body: JSON.stringify([{ id: 4, name: 'Gate\u001b[31m\u202e north' }, { id: 7, name: '' }]) },
      // Stream 9 was added (or removed) between the two answers: the list is the truth.
      '/api/streams/status': { status: 200, body: '{"7": {}, "9": {}}' },
    });
    expect(await readStreamUse(client(url))).toEqual({
      configured: 2,
      analyzed: 1,
      streams: [
        { id: 4, name: 'Gate [31m north', analyzed: false },
        { id: 7, name: 'Stream 7', analyzed: true },
      ],
    });
  });

  it('rejects with Cancelled when cancelled, rather than reporting unknown', async () => {
    const server = await sim({ streams: { total: 2, analyzed: 1 }, fault: 'hang' });
    const abort = new AbortController();
    const read = readStreamUse(client(server.url), abort.signal);
    setTimeout(() => abort.abort(), 20);
    await expect(read).rejects.toSatisfy((err) => err instanceof BrainFrameError && err.kind === 'Cancelled');
  });
});
