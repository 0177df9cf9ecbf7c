/**
 * Electronegativity (Doyensec's static checker for Electron apps) over the build in out/: no HIGH
 * finding, and every MEDIUM one named in README.md's Electronegativity subsection, which says why
 * it stays. The scan runs in a network namespace without a network (`unshare -n`): the tool fetches
 * translations and Electron's release list from the internet at start, and must never reach it.
 *
 * It builds nothing: a missing or stale out/ fails the test with the command to run, because
 * scanning an old build would vouch for code that no longer exists, and a build started from a
 * test would race the other tests that read out/ (`npm test` builds before it runs the tests, and
 * the e2e project's global setup rebuilds a stale build when both projects run).
 */
import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { staleBuildReason } from '../e2e/global-setup';

interface Finding {
  id: string;
  severity: 'INFORMATIONAL' | 'LOW' | 'MEDIUM' | 'HIGH';
  confidence: string;
  file: string;
  line: number;
  column: number;
}

/** Runs scripts/electronegativity-scan.mjs over out/ with no network: as root `unshare -n`, otherwise in a user namespace too. */
async function scanOffline(): Promise<{ errors: number; findings: Finding[] }> {
  const isolate = process.getuid?.() === 0 ? ['-n'] : ['-r', '-n'];
  try {
    const { stdout } = await promisify(execFile)('unshare', [...isolate, process.execPath, 'scripts/electronegativity-scan.mjs', 'out'], { maxBuffer: 16 * 1024 * 1024 });
    return JSON.parse(stdout);
  } catch (err) {
    throw new Error(`Electronegativity could not run offline (\`unshare ${isolate.join(' ')}\` is needed: it must never reach the network): ${(err as Error).message}`);
  }
}

/** The check ids README.md's Electronegativity subsection names in backticks. */
async function explainedInReadme(): Promise<string[]> {
  const readme = await readFile('README.md', 'utf8');
  const start = readme.indexOf('### Electronegativity');
  expect(start, 'README.md has no "### Electronegativity" subsection').toBeGreaterThan(-1);
  const rest = readme.slice(start + 1);
  const section = rest.slice(0, rest.search(/\n#{1,3} /) === -1 ? undefined : rest.search(/\n#{1,3} /));
  return [...section.matchAll(/`([A-Z_]+_CHECK)`/g)].map((m) => m[1]!);
}

describe('Electronegativity over the build', () => {
  it.skipIf(process.platform !== 'linux')(
    `reports no HIGH finding, and explains every MEDIUM one in README.md${process.platform === 'linux' ? '' : ' — skipped: needs Linux network namespaces (unshare -n)'}`,
    async () => {
      const stale = staleBuildReason();
      if (stale) throw new Error(`out/ cannot be scanned: ${stale}. Build it first: \`npx electron-vite build\` (\`npm test\` does).`);
      const { errors, findings } = await scanOffline();
      expect(errors, 'Electronegativity failed to parse files of the build').toBe(0);
      // The scan read the main process: the preload review it always asks for is there.
      expect(findings.some((f) => f.file === 'main/index.js')).toBe(true);
      const describe = (f: Finding) => `${f.id} ${f.severity} at ${f.file}:${f.line}:${f.column}`;
      const high = findings.filter((f) => f.severity === 'HIGH').map(describe);
      expect(high, `HIGH findings:\n${high.join('\n')}`).toEqual([]);
      const explained = await explainedInReadme();
      const unexplained = findings.filter((f) => f.severity === 'MEDIUM' && !explained.includes(f.id)).map(describe);
      expect(unexplained, `MEDIUM findings not explained in README.md's Electronegativity subsection:\n${unexplained.join('\n')}`).toEqual([]);
    },
    120_000,
  );
});
