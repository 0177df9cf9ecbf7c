/**
 * The e2e project's global setup: its tests drive the built app in out/ (the renderer in Chromium,
 * the main process in Electron), so a build older than the sources would test code that no longer
 * exists. Vitest runs this only when at least one e2e test is queued, whatever selected it
 * (`npm test -- <file>`, `npx vitest run <file>`, --project, a name filter), so the check follows
 * the selection without parsing it. A missing or stale build is rebuilt; a failed build fails the run.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildIfStale, staleBuildReason as staleBuildIn } from '../../scripts/build-freshness.mjs';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');

/** Why the build in out/ cannot be used as it is, or null when it is newer than every source. */
export function staleBuildReason(root = ROOT): string | null {
  return staleBuildIn(root);
}

export default function setup(): void {
  buildIfStale(ROOT, {
    need: 'The e2e tests need a build of the current sources',
    announce: (reason) => console.log(`\n▶ e2e: ${reason}; rebuilding with electron-vite build\n`),
  });
}
