import { describe, expect, it } from 'vitest';
import { RecentLatency, runPooled } from '../../electron/core/fleet/pool';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function tracker() {
  const state = { active: 0, inFlight: 0, maxActive: 0, maxInFlight: 0 };
  return state;
}

describe('runPooled', () => {
  it('runs at most `concurrency` tasks at once when none is slow', async () => {
    const s = tracker();
    const started = await runPooled(Array.from({ length: 40 }, (_, i) => i), { concurrency: 5, maxInFlight: 20, parkAfterMs: () => 1000, signal: new AbortController().signal }, async () => {
      s.inFlight++;
      s.maxInFlight = Math.max(s.maxInFlight, s.inFlight);
      await sleep(5);
      s.inFlight--;
    });
    expect(started).toBe(40);
    expect(s.maxInFlight).toBe(5);
  });

  it('lets a silent task give up its slot, so the rest do not wait for it', async () => {
    const done: number[] = [];
    const began = Date.now();
    // Items 0 and 1 hang for 600 ms; with 2 slots and no parking the other 20 would wait for them.
    await runPooled(Array.from({ length: 22 }, (_, i) => i), { concurrency: 2, maxInFlight: 8, parkAfterMs: () => 30, signal: new AbortController().signal }, async (i) => {
      await sleep(i < 2 ? 600 : 5);
      done.push(i);
    });
    expect(done.slice(0, 20).every((i) => i >= 2)).toBe(true);
    expect(Date.now() - began).toBeLessThan(900);
  });

  it('never has more than `maxInFlight` tasks, parked or not', async () => {
    let inFlight = 0;
    let most = 0;
    await runPooled(Array.from({ length: 12 }, (_, i) => i), { concurrency: 2, maxInFlight: 4, parkAfterMs: () => 1, signal: new AbortController().signal }, async () => {
      most = Math.max(most, ++inFlight);
      await sleep(40);
      inFlight--;
    });
    expect(most).toBe(4);
  });

  it('starts nothing more once aborted, and resolves when the running ones end', async () => {
    const abort = new AbortController();
    let ran = 0;
    const started = await runPooled(Array.from({ length: 50 }, (_, i) => i), { concurrency: 3, maxInFlight: 6, parkAfterMs: () => 1000, signal: abort.signal }, async () => {
      if (++ran === 5) abort.abort();
      await sleep(10);
    });
    expect(started).toBeLessThanOrEqual(7);
    expect(ran).toBe(started);
  });

  it('survives a task that throws', async () => {
    const seen: number[] = [];
    await runPooled([1, 2, 3], { concurrency: 1, maxInFlight: 1, parkAfterMs: () => 1000, signal: new AbortController().signal }, async (i) => {
      seen.push(i);
      if (i === 1) throw new Error('boom');
    });
    expect(seen).toEqual([1, 2, 3]);
  });
});

describe('RecentLatency', () => {
  it('knows nothing until it has seen enough answers, then gives the median of the recent ones', () => {
    const latency = new RecentLatency(16);
    for (let i = 0; i < 7; i++) latency.add(100);
    expect(latency.median()).toBeNull();
    latency.add(100);
    expect(latency.median()).toBe(100);
    for (let i = 0; i < 16; i++) latency.add(10); // the old samples roll out
    expect(latency.median()).toBe(10);
  });
});
