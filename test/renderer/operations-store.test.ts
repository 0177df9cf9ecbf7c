import { describe, expect, it } from 'vitest';
import { useOperationsStore } from '../../renderer/stores/operations';
import { startApp } from '../../renderer/startup';
import { ApiError } from '../../renderer/api';
import { summaryOf } from './fake-bridge';
import { setup } from './setup';
import type { ProgressEvent, ServerResult } from '../../electron/common/types';

const counts = (done: number, failed = 0, total = 3) => ({ total, done, ok: done - failed, failed, running: 0 });

function result(serverId: string, error: string | null = null): ServerResult {
  return { serverId, name: serverId, url: 'http://x', site: '', ok: !error, license: null, version: null, error: error ? { kind: error, message: `${error}.` } : null, startedAt: null, finishedAt: '2025-01-01T00:00:00.000Z', guards: [] };
}

const finished = (operationId: string, r: ServerResult, c = counts(1)): ProgressEvent => ({ type: 'finished', operationId, result: r, counts: c });

describe('operations store', () => {
  it('follows one apply from start to summary, per server', async () => {
    const { main } = await setup();
    const stop = startApp(null).stop;
    const ops = useOperationsStore();
    main.on('fleet.apply', () => ({ operationId: 'op-7', counts: counts(0) }));
    await ops.apply('key-1', ['a', 'b', 'c'], 'Key one');
    expect(main.callsTo('fleet.apply')).toEqual([{ keyId: 'key-1', serverIds: ['a', 'b', 'c'] }]);
    expect(ops.running).toMatchObject({ id: 'op-7', kind: 'apply', keyLabel: 'Key one' });

    main.emit('fleet.progress', [{ type: 'started', operationId: 'op-7', serverId: 'a', counts: { ...counts(0), running: 1 } }]);
    expect(ops.live.get('a')).toEqual({ state: 'running', label: 'applying…' });
    main.emit('fleet.progress', [finished('op-7', result('a'))]);
    main.emit('fleet.progress', [finished('op-7', result('b', 'UnauthorizedError'), counts(2, 1))]);
    // Another window's operation is not ours.
    main.emit('fleet.progress', [finished('op-other', result('z'))]);
    expect(ops.live.get('b')).toEqual({ state: 'failed', label: 'Wrong username or password' });
    expect(ops.live.has('z')).toBe(false);
    expect(ops.running!.counts).toEqual(counts(2, 1));

    main.emit('fleet.done', summaryOf({ id: 'op-7', results: [result('a'), result('b', 'UnauthorizedError'), result('c', 'Cancelled')] }));
    expect(ops.running).toBeNull();
    expect(ops.summary!.id).toBe('op-7');
    expect(ops.live.get('c')).toEqual({ state: 'cancelled', label: 'cancelled' });
    stop();
  });

  it('keeps events that overtake the operation id, and replays them once it is known', async () => {
    const { main } = await setup();
    const stop = startApp(null).stop;
    const ops = useOperationsStore();
    main.on('fleet.refresh', async () => {
      // The main process reports progress, and even the end, before its answer arrives.
      main.emit('fleet.progress', [finished('op-fast', result('a'))]);
      main.emit('fleet.done', summaryOf({ id: 'op-fast', kind: 'refresh', key: null, results: [result('a')] }));
      return { operationId: 'op-fast', counts: counts(0, 0, 1) };
    });
    await ops.refresh(['a']);
    expect(ops.running).toBeNull();
    expect(ops.summary?.id).toBe('op-fast');
    expect(ops.live.get('a')).toEqual({ state: 'ok', label: 'read' });
    stop();
  });

  it('runs one operation at a time, retries the last one\'s failures and cancels the running one', async () => {
    const { main } = await setup();
    const stop = startApp(null).stop;
    const ops = useOperationsStore();
    main.on('fleet.apply', () => ({ operationId: 'op-1', counts: counts(0) }));
    await ops.apply('k', ['a', 'b', 'c'], 'K');
    await expect(ops.refresh(['a'])).rejects.toMatchObject({ kind: 'Busy' });

    await ops.cancel();
    expect(main.callsTo('fleet.cancel')).toEqual([{ operationId: 'op-1' }]);
    expect(ops.running!.cancelling).toBe(true);
    main.emit('fleet.done', summaryOf({ id: 'op-1', cancelled: true, results: [result('a'), result('b', 'Unreachable'), result('c', 'Cancelled')] }));

    main.on('fleet.retry', () => ({ operationId: 'op-2', counts: counts(0, 0, 2) }));
    await ops.retryFailed();
    expect(main.callsTo('fleet.retry')).toEqual([{ operationId: 'op-1' }]);
    expect(ops.running).toMatchObject({ id: 'op-2', kind: 'apply', keyLabel: 'Customer A 2026' });
    expect(ops.running!.counts.total).toBe(2);
    expect(ops.summary).toBeNull();
    stop();
  });

  it('a refused start leaves nothing running and throws the main process\'s message', async () => {
    const { main } = await setup();
    const ops = useOperationsStore();
    main.on('fleet.apply', () => {
      throw { kind: 'NotFound', message: 'That key is no longer in the library. Add it again.' };
    });
    const err = await ops.apply('gone', ['a'], 'Gone').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ kind: 'NotFound', message: 'That key is no longer in the library. Add it again.' });
    expect(ops.running).toBeNull();
  });
});

describe('a staged apply', () => {
  it('sends the canary count and confirmed guards; paused, it runs the canaries only and continues with the rest', async () => {
    const { main } = await setup();
    const stop = startApp(null).stop;
    const ops = useOperationsStore();
    main.on('fleet.apply', () => ({ operationId: `op-${main.callsTo('fleet.apply').length}`, counts: counts(0) }));
    const overrides = [{ serverId: 'c', kind: 'ShortensExpiry' as const }];

    await ops.apply('key-1', ['a', 'b', 'c'], 'Key one', { canaryIds: ['a'], overrides });
    expect(main.callsTo('fleet.apply')[0]).toEqual({ keyId: 'key-1', serverIds: ['a', 'b', 'c'], canaries: 1, overrides });
    main.emit('fleet.done', summaryOf({ id: 'op-1', results: [result('a'), result('b'), result('c')] }));
    expect(ops.paused).toBeNull();

    await ops.apply('key-1', ['a', 'b', 'c'], 'Key one', { canaryIds: ['a'], pause: true, overrides });
    expect(main.callsTo('fleet.apply')[1]).toEqual({ keyId: 'key-1', serverIds: ['a'], canaries: 1, overrides });
    expect(ops.paused).toBeNull(); // not before the canaries are done
    main.emit('fleet.done', summaryOf({ id: 'op-2', results: [result('a')] }));
    expect(ops.paused).toEqual({ keyId: 'key-1', keyLabel: 'Key one', serverIds: ['b', 'c'], overrides });

    await ops.continueRollout();
    expect(main.callsTo('fleet.apply')[2]).toEqual({ keyId: 'key-1', serverIds: ['b', 'c'], overrides });
    expect(ops.paused).toBeNull();
    stop();
  });
});
