/**
 * The e2e project's global setup: its tests drive the built app in out/ (the renderer in Chromium,
 * the main process in Electron), so a build older than the sources would test code that no longer
 * exists. Vitest runs this only when at least one e2e test is queued, whatever selected it
 * (`npm test -- <file>`, `npx vitest run <file>`, --project, a name filter), so the check follows
 * the selection without parsing it. A missing or stale build is rebuilt; a failed build fails the run.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');

/** What the build reads: the app's own code and what decides how it is bundled. */
const SOURCES = ['electron', 'renderer', 'electron.vite.config.ts', 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.web.json'];
/** What the e2e tests load from the build: one file per electron-vite target. */
const OUTPUTS = ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html'];

/** The newest change under `path`: a file, or a folder (which changes when a file in it is added, removed or renamed); null when absent. */
function newest(path: string): { path: string; mtimeMs: number } | null {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    return null;
  }
  let found = { path, mtimeMs: stat.mtimeMs };
  if (!stat.isDirectory()) return found;
  for (const entry of readdirSync(path)) {
    const candidate = newest(join(path, entry));
    if (candidate && candidate.mtimeMs > found.mtimeMs) found = candidate;
  }
  return found;
}

/** Why the build in out/ cannot be used as it is, or null when it is newer than every source. */
export function staleBuildReason(root = ROOT): string | null {
  let oldestOutput = Infinity;
  for (const output of OUTPUTS) {
    const built = newest(join(root, output));
    if (!built) return `${output} is missing`;
    oldestOutput = Math.min(oldestOutput, built.mtimeMs);
  }
  for (const source of SOURCES) {
    const changed = newest(join(root, source));
    if (changed && changed.mtimeMs > oldestOutput) return `${relative(root, changed.path)} changed after the last build`;
  }
  return null;
}

export default function setup(): void {
  const reason = staleBuildReason();
  if (!reason) return;
  console.log(`\n▶ e2e: ${reason}; rebuilding with electron-vite build\n`);
  const build = spawnSync('npx', ['electron-vite', 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) {
    throw new Error(`The e2e tests need a build of the current sources (${reason}), and \`npx electron-vite build\` failed (${build.status ?? build.signal}): see its output above.`);
  }
  const still = staleBuildReason();
  if (still) throw new Error(`The e2e tests need a build of the current sources, but after \`npx electron-vite build\` ${still}: was a source edited during the build?`);
}
