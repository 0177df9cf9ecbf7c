import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type * as ElectronFuses from '@electron/fuses';
import type * as AppBuilder from 'app-builder-lib';
import { tempDir } from '../helpers/keyring';

// Packaging needs the Electron binary, which cannot be downloaded here: check the configuration itself.
const require = createRequire(import.meta.url);
const config = require('../../build/electron-builder.config.cjs');

// electron-builder's own code and its own copy of @electron/fuses, as `npm run package` runs them.
const { PlatformPackager } = require('app-builder-lib') as typeof AppBuilder;
const fromBuilder = createRequire(require.resolve('app-builder-lib'));
const fuses = fromBuilder('@electron/fuses') as typeof ElectronFuses;
const { FuseState, SENTINEL } = fromBuilder('@electron/fuses/dist/constants') as { FuseState: Record<string, number>; SENTINEL: string };
const { FuseV1Options, FuseVersion } = fuses;
type FuseName = keyof typeof FuseV1Options;
const FUSE_NAMES = Object.keys(FuseV1Options).filter((k) => Number.isNaN(Number(k))) as FuseName[];

// What Electron ships each fuse as, before packaging flips any (electron/docs/tutorial/fuses.md).
const ELECTRON_DEFAULTS: Record<FuseName, 'ENABLE' | 'DISABLE'> = {
  RunAsNode: 'ENABLE',
  EnableCookieEncryption: 'DISABLE',
  EnableNodeOptionsEnvironmentVariable: 'ENABLE',
  EnableNodeCliInspectArguments: 'ENABLE',
  EnableEmbeddedAsarIntegrityValidation: 'DISABLE',
  OnlyLoadAppFromAsar: 'DISABLE',
  LoadBrowserProcessSpecificV8Snapshot: 'DISABLE',
  GrantFileProtocolExtraPrivileges: 'ENABLE',
};

/** The FuseConfig electron-builder hands to @electron/fuses' flipFuses for this configuration. */
async function builderFuseConfig(): Promise<ElectronFuses.FuseConfig> {
  const packager = PlatformPackager.prototype as unknown as { generateFuseConfig?: (fuses: AppBuilder.FuseOptionsV1) => Promise<ElectronFuses.FuseConfig> };
  expect(packager.generateFuseConfig, 'electron-builder no longer maps electronFuses in generateFuseConfig: find where it does now').toBeTypeOf('function');
  return packager.generateFuseConfig!.call(undefined, config.electronFuses);
}

/** Flips the fuses of a stand-in Electron binary (the fuse wire at Electron's defaults) as packaging does, and reads them back by name. */
async function packagedFuses(): Promise<Record<FuseName, string>> {
  const dir = await tempDir('bf-fuses-');
  try {
    const binary = join(dir.path, 'electron');
    const wire = FUSE_NAMES.map((name) => FuseState[ELECTRON_DEFAULTS[name]]!);
    await writeFile(binary, Buffer.concat([Buffer.from('\x7fELF…code…'), Buffer.from(SENTINEL), Buffer.from([Number(FuseVersion.V1), wire.length, ...wire]), Buffer.from('…more code')]));
    await fuses.flipFuses(binary, await builderFuseConfig());
    const flipped = (await fuses.getCurrentFuseWire(binary)) as unknown as Record<number, number>;
    const stateName = (state: number) => Object.keys(FuseState).find((k) => FuseState[k] === state)!;
    return Object.fromEntries(FUSE_NAMES.map((name) => [name, stateName(flipped[FuseV1Options[name]]!)])) as Record<FuseName, string>;
  } finally {
    await dir.remove();
  }
}

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

  it('names only fuses @electron/fuses knows, each of which electron-builder passes on', async () => {
    const named = Object.keys(config.electronFuses).filter((option) => option !== 'resetAdHocDarwinSignature'); // a signing step, not a fuse
    for (const option of named) {
      expect(FUSE_NAMES, `electronFuses.${option} is no fuse (misspelt?)`).toContain(option[0]!.toUpperCase() + option.slice(1));
    }
    // electron-builder drops what it does not know without a word: count what reached the FuseConfig.
    const passed = Object.keys(await builderFuseConfig()).filter((key) => FUSE_NAMES.includes(FuseV1Options[Number(key)] as FuseName));
    expect(passed).toHaveLength(named.length);
  });

  it('packages an Electron that cannot be turned into a Node runtime, loads only its integrity-checked app.asar, and grants file:// nothing extra', async () => {
    expect(await packagedFuses()).toEqual({
      RunAsNode: 'DISABLE', // ELECTRON_RUN_AS_NODE ignored
      EnableNodeOptionsEnvironmentVariable: 'DISABLE', // NODE_OPTIONS ignored
      EnableNodeCliInspectArguments: 'DISABLE', // --inspect ignored
      EnableCookieEncryption: 'ENABLE',
      EnableEmbeddedAsarIntegrityValidation: 'ENABLE',
      OnlyLoadAppFromAsar: 'ENABLE',
      GrantFileProtocolExtraPrivileges: 'DISABLE', // the renderer comes from app:// (electron/main/app-protocol.ts), not file://
      // Left as Electron ships it:
      LoadBrowserProcessSpecificV8Snapshot: 'DISABLE',
    });
  });

  it('ships the app in asar with the native keychain module unpacked, and declares libsecret on Debian', () => {
    expect(config.asar).toBe(true);
    expect(config.asarUnpack).toContain('**/node_modules/keytar/**');
    expect(config.deb.depends).toContain('libsecret-1-0');
    expect(config.files).toContain('out/**/*');
  });
});
