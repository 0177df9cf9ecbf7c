/**
 * Launches the real desktop app where an Electron binary exists. This machine cannot download
 * one, so here the test is skipped and its name says why; set ELECTRON_OVERRIDE_DIST_PATH to the
 * folder of an Electron binary (or run on a machine where `npx electron` works) to run it.
 */
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { _electron as electron } from 'playwright-core';
import { tempDir } from '../helpers/keyring';

function electronBinary(): string | null {
  const dist = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  if (!dist) return null;
  const name = process.platform === 'win32' ? 'electron.exe' : process.platform === 'darwin' ? 'Electron.app/Contents/MacOS/Electron' : 'electron';
  const path = join(dist, name);
  return existsSync(path) ? path : null;
}

const binary = electronBinary();
const reason = process.env.ELECTRON_OVERRIDE_DIST_PATH
  ? `no Electron binary in ELECTRON_OVERRIDE_DIST_PATH=${process.env.ELECTRON_OVERRIDE_DIST_PATH}`
  : 'no Electron binary on this machine (its download is unreachable); set ELECTRON_OVERRIDE_DIST_PATH to run it';

describe('the packaged shell', () => {
  it.skipIf(!binary)(`launches the real app and shows the license grid${binary ? '' : ` — skipped: ${reason}`}`, async () => {
    const data = await tempDir('bf-electron-');
    const app = await electron.launch({
      executablePath: binary!,
      args: [resolve('out/main/index.js'), '--no-sandbox'],
      env: { ...process.env, BF_FLEET_DATA_DIR: data.path },
    });
    try {
      const window = await app.firstWindow();
      expect(await window.title()).toBe('BrainFrame Fleet Licenses');
      await window.getByRole('grid').waitFor({ timeout: 20_000 });
      // The renderer reached the main process through the preload: the bridge is there, and nothing else.
      expect(await window.evaluate(() => typeof (window as unknown as { bf: unknown }).bf)).toBe('object');
      expect(await window.evaluate(() => typeof (window as unknown as { require?: unknown }).require)).toBe('undefined');
    } finally {
      await app.close();
      await data.remove();
    }
  });
});
