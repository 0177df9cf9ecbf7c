/**
 * electron-builder configuration: `npm run package` builds installers for the current platform.
 * It needs the Electron binary, which electron-builder downloads on a normal machine with internet.
 * test/unit/packaging.test.ts checks the security-relevant fields below.
 * @type {import('electron-builder').Configuration}
 */
module.exports = {
  appId: 'ai.aotu.brainframe.fleet-licenses',
  productName: 'BrainFrame Fleet Licenses',
  copyright: 'Copyright © BrainFrame fleet tools',
  directories: { output: 'release/${version}', buildResources: 'build' },
  files: ['out/**/*', 'package.json', '!**/*.map'],
  // keytar is a native module: it must be unpacked from the asar archive to load.
  asar: true,
  asarUnpack: ['**/node_modules/keytar/**'],
  npmRebuild: true,
  icon: 'build/icon.png',
  // Flipped at packaging: no ELECTRON_RUN_AS_NODE, NODE_OPTIONS or --inspect to turn the app into a
  // general Node runtime; cookies encrypted; only the integrity-checked app.asar is loaded.
  // The renderer is served from the app's own app:// scheme (electron/main/app-protocol.ts), never
  // file://: file:// keeps no extra privileges (no fetch or XHR of other files, no service workers).
  electronFuses: {
    runAsNode: false,
    enableCookieEncryption: true,
    enableNodeOptionsEnvironmentVariable: false,
    enableNodeCliInspectArguments: false,
    enableEmbeddedAsarIntegrityValidation: true,
    onlyLoadAppFromAsar: true,
    grantFileProtocolExtraPrivileges: false,
  },
  linux: {
    target: ['AppImage', 'deb'],
    category: 'Utility',
    maintainer: 'BrainFrame fleet tools',
    synopsis: 'Manage the licenses of a fleet of BrainFrame servers',
  },
  // The OS keychain on Linux is reached through libsecret (Secret Service).
  deb: { depends: ['libsecret-1-0', 'libnotify4', 'libxss1', 'libnss3'] },
  win: { target: ['nsis'] },
  nsis: { oneClick: false, perMachine: false, allowToChangeInstallationDirectory: true },
  mac: { target: ['dmg'], category: 'public.app-category.utilities', hardenedRuntime: true },
};
