// Loaded with `node --import` into a measured process: writes its peak resident memory (KiB) on exit.
import { writeFileSync } from 'node:fs';
process.on('exit', () => {
  if (process.env.BF_BENCH_RSS_FILE) writeFileSync(process.env.BF_BENCH_RSS_FILE, String(process.resourceUsage().maxRSS));
});
