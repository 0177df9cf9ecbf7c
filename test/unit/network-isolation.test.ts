import { networkInterfaces } from 'node:os';
import { describe, expect, it } from 'vitest';

// `npm test` runs the suite in a network namespace of its own on Linux (scripts/test.mjs): a test
// with a wrong address must fail on the spot, never send a packet to another machine.
describe('the test run', () => {
  const isolated = process.env.BF_TEST_NETNS === '1';
  it.skipIf(!isolated)(`has loopback as its only network${isolated ? '' : ' — skipped: not run through npm test on Linux'}`, () => {
    expect(Object.keys(networkInterfaces())).toEqual(['lo']);
    expect(networkInterfaces().lo!.map((a) => a.address)).toContain('127.0.0.1');
  });
});
