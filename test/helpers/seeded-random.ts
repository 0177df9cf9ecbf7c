/**
 * Randomness a failing test can replay: a small seeded generator (mulberry32) whose seed comes
 * from an environment variable, or is chosen at random and printed, so that a failure seen once
 * can be run again with the same draws.
 */
import { randomInt } from 'node:crypto';

/** mulberry32: a 32-bit state generator, uniform in [0, 1). Plenty for test timings; not for secrets. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SeededRandom {
  seed: number;
  /**
   * A generator uniform in [0, 1), like Math.random, of its own for each name: a test that runs
   * alone (vitest -t) draws what it drew in the whole file.
   */
  stream: (name: string) => () => number;
  /** Appends how to replay this run to an assertion message. */
  replay: (message: string) => string;
}

/** The seed in `process.env[envName]` (a whole number from 0 to 2^32 - 1), or a fresh one; printed once either way. */
export function seededRandom(envName: string): SeededRandom {
  const given = process.env[envName];
  let seed: number;
  if (given === undefined || given === '') {
    seed = randomInt(2 ** 32);
  } else {
    seed = Number(given);
    if (!Number.isInteger(seed) || seed < 0 || seed >= 2 ** 32) throw new Error(`${envName}=${given}: expected a whole number from 0 to 4294967295`);
  }
  console.log(`random seed ${envName}=${seed}${given ? ' (given)' : ''}: set it to replay these draws`);
  return {
    seed,
    stream: (name) => mulberry32(seed ^ fnv1a(name)),
    replay: (message) => `${message} [replay with ${envName}=${seed}]`,
  };
}

/** FNV-1a, 32 bits: a name turned into a number to mix with the seed. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}
