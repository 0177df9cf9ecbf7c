/**
 * The anchor pool once, in a process of its own, as a command-line call runs: no code warmed up
 * by earlier runs. `node --import tsx test/bench/cold-anchor.ts <bare|axios> <concurrency> <path>
 * <url>...` prints the pool's milliseconds (from its first request to its last answer).
 */
import { axiosPool, barePool } from './anchor';

const [via, concurrency, path, ...urls] = process.argv.slice(2);
const run = via === 'axios' ? axiosPool : barePool;
console.log(await run(urls, Number(concurrency), { path: path! }));
