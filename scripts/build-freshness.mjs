// Whether the build in out/ is newer than every source it is made from: the e2e tests and
// `npm run cli` use it when it is, instead of testing or running code that no longer exists.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** What the whole build reads: the app's own code and what decides how it is bundled. */
const APP_SOURCES = ['electron', 'renderer', 'electron.vite.config.ts', 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.web.json'];
/** One file per electron-vite target. */
const APP_OUTPUTS = ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html'];
/** What the command line's bundle is made from (no renderer). */
export const CLI_SOURCES = ['electron', 'electron.vite.config.ts', 'package.json', 'package-lock.json', 'tsconfig.json'];
export const CLI_OUTPUTS = ['out/main/cli.js'];

/** The newest change under `path`: a file, or a folder (which changes when a file in it is added, removed or renamed); null when absent. */
function newest(path) {
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

/**
 * Why the build in `root`/out cannot be used as it is, or null when its outputs are newer than every source.
 * @param {string} root
 * @param {{ sources?: string[], outputs?: string[] }} [parts]
 * @returns {string | null}
 */
export function staleBuildReason(root, { sources = APP_SOURCES, outputs = APP_OUTPUTS } = {}) {
  let oldestOutput = Infinity;
  for (const output of outputs) {
    const built = newest(join(root, output));
    if (!built) return `${output} is missing`;
    oldestOutput = Math.min(oldestOutput, built.mtimeMs);
  }
  for (const source of sources) {
    const changed = newest(join(root, source));
    if (changed && changed.mtimeMs > oldestOutput) return `${relative(root, changed.path)} changed after the last build`;
  }
  return null;
}

/**
 * Builds out/ with `npx electron-vite build` when staleBuildReason finds it stale, telling
 * `announce` why first. Throws, starting with `need`, when the build fails or leaves out/ stale
 * still (a source edited meanwhile). Returns why it built, or null when out/ was current.
 * @param {string} root
 * @param {{ need: string, parts?: { sources?: string[], outputs?: string[] }, announce?: (reason: string) => void, showOutput?: boolean }} options
 * @returns {string | null}
 */
export function buildIfStale(root, { need, parts, announce = () => {}, showOutput = true }) {
  const reason = staleBuildReason(root, parts);
  if (!reason) return null;
  announce(reason);
  // The build's errors are always shown; its progress only where the caller wants it.
  const build = spawnSync('npx', ['electron-vite', 'build'], { cwd: root, stdio: ['ignore', showOutput ? 'inherit' : 'ignore', 'inherit'] });
  if (build.status !== 0) throw new Error(`${need} (${reason}), and \`npx electron-vite build\` failed (${build.status ?? build.signal}): see its output above.`);
  const still = staleBuildReason(root, parts);
  if (still) throw new Error(`${need}, but after \`npx electron-vite build\` ${still}: was a source edited during the build?`);
  return reason;
}
