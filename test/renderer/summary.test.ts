import { describe, expect, it } from 'vitest';
import { resultsCsv, summarise } from '../../renderer/model/summary';
import { license, summaryOf } from './fake-bridge';
import type { ServerResult } from '../../electron/common/types';

function result(name: string, error: string | null): ServerResult {
  return {
    serverId: `id-${name}`,
    name,
    url: `http://${name}`,
    site: 'S',
    ok: error === null,
    license: error === null ? license('valid', 100) : null,
    version: null,
    error: error === null ? null : { kind: error, message: `${error} happened. Do something.` },
    startedAt: null,
    finishedAt: '2025-01-01T00:00:00.000Z',
    guards: [],
  };
}

describe('operation summary', () => {
  it('counts each outcome, groups failures by reason and keeps every failure with its message', () => {
    const view = summarise(
      summaryOf({
        results: [
          result('a', null),
          result('b', null),
          result('c', 'UnauthorizedError'),
          result('d', 'Unreachable'),
          result('e', 'Unreachable'),
          result('f', 'Cancelled'),
          result('g', 'SomeNewServerError'),
        ],
      }),
    );
    expect(view.title).toBe('Applied key “Customer A 2026” to 2 of 7 servers · 5 failed');
    expect(view.groups.map((g) => [g.label, g.ids.length, g.tone])).toEqual([
      ['applied', 2, 'ok'],
      ['server unreachable', 2, 'bad'],
      ['somenewservererror', 1, 'bad'],
      ['wrong username or password', 1, 'bad'],
      ['not done (cancelled)', 1, 'muted'],
    ]);
    expect(view.failures.map((f) => [f.name, f.label])).toEqual([
      ['d', 'Server unreachable'],
      ['e', 'Server unreachable'],
      ['g', 'SomeNewServerError'],
      ['c', 'Wrong username or password'],
    ]);
    expect(view.failures[0]!.message).toBe('Unreachable happened. Do something.');
    // Retry covers the cancelled servers too, as the main process does.
    expect(view.failedIds.sort()).toEqual(['id-c', 'id-d', 'id-e', 'id-f', 'id-g']);
  });

  it('says when the operation was cancelled, and reads refreshes as reads', () => {
    const view = summarise(summaryOf({ kind: 'refresh', key: null, cancelled: true, results: [result('a', null), result('b', 'Cancelled')] }));
    expect(view.title).toBe('Cancelled. Read the license of 1 of 2 servers · 1 failed');
    expect(view.groups.map((g) => g.label)).toEqual(['read', 'not done (cancelled)']);
    expect(view.failures).toEqual([]);
  });

  it('exports the results as CSV, neutralising formulas', () => {
    const csv = resultsCsv(summaryOf({ results: [result('=cmd', 'Unreachable'), result('ok', null)] }));
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe('Server,Address,Site,Outcome,License after,Expires,Error,Message,Finished');
    expect(lines[1]).toBe("'=cmd,http://=cmd,S,failed,,,Server unreachable,Unreachable happened. Do something.,2025-01-01T00:00:00.000Z");
    expect(lines[2]).toMatch(/^ok,http:\/\/ok,S,ok,valid,\d{4}-\d{2}-\d{2},,,/);
  });

  it('says what to do without repeating the reason shown beside it', () => {
    const auth = { ...result('a', 'UnauthorizedError'), error: { kind: 'UnauthorizedError', message: 'Wrong username or password: Invalid credentials. Check the username and password stored for this server.' } };
    const unknown = { ...result('b', 'WeirdError'), error: { kind: 'WeirdError', message: 'The server reported WeirdError: odd.' } };
    const { failures } = summarise(summaryOf({ results: [auth, unknown] }));
    const [first, second] = ['a', 'b'].map((name) => failures.find((f) => f.name === name));
    expect(first).toMatchObject({ label: 'Wrong username or password', advice: 'Invalid credentials. Check the username and password stored for this server.' });
    expect(second).toMatchObject({ label: 'WeirdError', advice: 'The server reported WeirdError: odd.' });
  });
});

describe('a halted rollout', () => {
  it('reports the servers not contacted apart from the failures, with the reason, and retries them too', () => {
    const halted = (name: string) => ({ ...result(name, 'Halted'), error: { kind: 'Halted', message: 'Not contacted: rollout halted: canary cam-01 reported Key invalid (LicenseInvalidError). Nothing was sent.' } });
    const view = summarise(summaryOf({ results: [result('cam-01', 'LicenseInvalidError'), halted('cam-02'), halted('cam-03')] }));
    expect(view.title).toBe('Rollout halted after its canaries. Applied key “Customer A 2026” to 0 of 3 servers · 1 failed · 2 not contacted');
    expect(view.failures.map((f) => f.name)).toEqual(['cam-01']);
    expect(view.groups.map((g) => [g.label, g.ids.length])).toEqual([
      ['key invalid', 1],
      ['not contacted (rollout halted)', 2],
    ]);
    expect(view.halted).toEqual({ reason: expect.stringContaining('canary cam-01 reported Key invalid'), count: 2 });
    expect(view.failedIds).toEqual(['id-cam-01', 'id-cam-02', 'id-cam-03']);
    expect(summarise(summaryOf({ results: [result('a', null)] })).halted).toBeNull();
  });
});

describe('operation summary: servers that need attention', () => {
  it('gives a server that answered with a bad license or too many streams its cause and next step', () => {
    const over = { ...result('over', null), license: license('valid', 100, 4), streams: { configured: 8, analyzed: 6, streams: [] } };
    const invalid = { ...result('broken', null), license: { state: 'invalid' as const, terms: null } };
    const soon = { ...result('soon', null), license: license('valid', 5) };
    const view = summarise(summaryOf({ kind: 'refresh', results: [result('fine', null), over, invalid, soon] }), 30);
    expect(view.failures).toEqual([]);
    expect(view.attention.map((n) => [n.name, n.title, n.tone])).toEqual([
      ['broken', 'License invalid', 'bad'],
      ['over', 'Over the stream limit', 'bad'],
      ['soon', 'License expiring', 'warn'],
    ]);
    expect(view.attention[1]).toMatchObject({
      cause: expect.stringContaining('It analyses 6 streams and its license allows 4'),
      next: 'Apply a key for at least 6 streams, or turn analysis off on 2 streams.',
    });
  });
});
