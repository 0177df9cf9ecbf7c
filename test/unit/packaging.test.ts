import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

// Packaging needs the Electron binary, which cannot be downloaded here: check the configuration itself.
const config = createRequire(import.meta.url)('../../build/electron-builder.config.cjs');

describe('electron-builder configuration', () => {
  it('names the app and builds for Linux, Windows and macOS', async () => {
    const pkg = JSON.parse(await readFile('package.json', 'utf8'));
    expect(config.appId).toMatch(/^[a-z]+(\.[a-z0-9-]+)+$/);
    expect(config.productName).toBe(pkg.productName);
    expect(config.linux.target).toEqual(expect.arrayContaining(['AppImage', 'deb']));
    expect(config.win.target).toContain('nsis');
    expect(config.mac.target).toContain('dmg');
    expect(existsSync(config.icon)).toBe(true);
  });

  it('flips the security fuses', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    });
  });

  it('ships the app in asar with the native keychain module unpacked, and declares libsecret on Debian', () => {
    expect(config.asar).toBe(true);
    expect(config.asarUnpack).toContain('**/node_modules/keytar/**');
    expect(config.deb.depends).toContain('libsecret-1-0');
    expect(config.files).toContain('out/**/*');
  });
});
