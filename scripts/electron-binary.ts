/**
 * Makes sure Electron's binary is on disk before anything launches the app, through Electron's
 * own installer (`node_modules/electron/install.js`, the `install-electron` command). Electron 45
 * has no install script: its binary is fetched only when the installer runs, and electron-vite's
 * `preview` never runs it (it throws "Electron uninstall" instead), so `npm start` on a fresh
 * clone would fail everywhere without this step.
 *
 * The installer honours the standard settings (ELECTRON_MIRROR, ELECTRON_CUSTOM_DIR,
 * ELECTRON_CUSTOM_FILENAME, ELECTRON_GET_USE_PROXY with HTTPS_PROXY/HTTP_PROXY/NO_PROXY,
 * electron_config_cache); ELECTRON_OVERRIDE_DIST_PATH names a binary already on disk. When the
 * binary cannot be had, the caller gets one plain message naming the URL tried and those ways out.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface ElectronBinary {
  /** Absolute path of the executable. */
  path: string;
  /** How it was found: already installed, downloaded now, or named by ELECTRON_OVERRIDE_DIST_PATH. */
  source: 'installed' | 'downloaded' | 'override';
}

/**
 * Electron could not be made available; `message` is the whole plain explanation for the user,
 * `reason` the gist of it in one line ("could not be installed from URL: the download failed").
 */
export class ElectronUnavailable extends Error {
  override name = 'ElectronUnavailable';
  constructor(
    message: string,
    readonly reason: string,
  ) {
    super(message);
  }
}

const require = createRequire(import.meta.url);

function executableName(platform = process.env.ELECTRON_INSTALL_PLATFORM || process.platform): string {
  if (platform === 'darwin' || platform === 'mas') return 'Electron.app/Contents/MacOS/Electron';
  return platform === 'win32' ? 'electron.exe' : 'electron';
}

/** A URL as it may be shown: any user name or password in it is removed. */
function withoutCredentials(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return url.replace(/\/\/[^/@\s]*@/, '//');
  }
}

function waysOut(version: string, zip: string): string {
  return [
    'Ways to get it:',
    '  - run the same command again on a network that reaches the download (about 100 MB, fetched once and cached);',
    `  - ELECTRON_MIRROR=URL (and ELECTRON_CUSTOM_DIR for the mirror's folder layout) to fetch ${zip} from a mirror;`,
    '  - ELECTRON_GET_USE_PROXY=1 with HTTPS_PROXY / HTTP_PROXY / NO_PROXY to go through a proxy;',
    `  - electron_config_cache=DIR, a folder that already holds ${zip} (Electron's download cache);`,
    `  - ELECTRON_OVERRIDE_DIST_PATH=DIR, a folder holding an Electron ${version} binary already on disk.`,
    'The command line needs no Electron: npm run -s cli -- --help',
  ].join('\n');
}

/** What the installer's failure output means, in one line, with no stack trace. */
function describeInstallFailure(output: string): string {
  const stderr = output.replace(/\/\/[^/@\s]*@/g, '//'); // never repeat a mirror's credentials
  if (/URL that includes credentials/.test(stderr)) return "Electron's downloader cannot use a mirror URL with a user name or password in it.";
  const http = /Response code (\d+) \(([^)]*)\)/.exec(stderr);
  if (http) return `the server answered ${http[1]} ${http[2]}.`;
  if (/checksum/i.test(stderr)) return "the downloaded file's SHA-256 checksum does not match the one Electron publishes for it, so it was refused.";
  const code = /\b(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNRESET|EHOSTUNREACH|ENETUNREACH|UND_ERR_\w+|CERT_\w+|SELF_SIGNED_CERT\w*)\b/.exec(stderr);
  if (code) return `the download failed (${code[1]}).`;
  if (/fetch failed/.test(stderr)) return 'the download failed (no answer from the server).';
  if (/ENOSPC/.test(stderr)) return 'the disk is full.';
  const first = stderr
    .split('\n')
    .map((line) => line.trim())
    .find((line) => line && !line.startsWith('at ') && !/@electron\/get/.test(line));
  return first ? `${first.replace(/[^\x20-\x7e]/g, '').slice(0, 200)}` : 'the installer failed without saying why.';
}

function formatBytes(bytes: number): string {
  return bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${Math.round(bytes / 1e3)} kB`;
}

/** The size of the zip the installer is writing under its private temporary folder. */
function downloadedBytes(folder: string): number {
  let total = 0;
  for (const entry of readdirSync(folder, { recursive: true, withFileTypes: true })) {
    if (entry.isFile() && entry.name.endsWith('.zip')) total += statSync(join(entry.parentPath, entry.name)).size;
  }
  return total;
}

export interface EnsureOptions {
  /** Where progress and notes go (default: stderr). */
  log?: (line: string) => void;
  /** Redraws one progress line in place on a terminal (default: stderr when it is a TTY). */
  progress?: ((line: string) => void) | null;
}

/**
 * Returns the Electron executable to launch, running Electron's installer first when the binary is
 * missing. Sets ELECTRON_EXEC_PATH so electron-vite launches exactly that binary. Throws
 * ElectronUnavailable with a plain message when it cannot be had.
 */
export async function ensureElectron(options: EnsureOptions = {}): Promise<ElectronBinary> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const progress =
    options.progress !== undefined ? options.progress : process.stderr.isTTY ? (line: string) => process.stderr.write(`\r${line}\x1b[K`) : null;
  const packageDir = dirname(require.resolve('electron/package.json'));
  const version = (JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { version: string }).version;
  const platform = process.env.ELECTRON_INSTALL_PLATFORM || process.platform;
  const arch = process.env.ELECTRON_INSTALL_ARCH || process.arch;
  const zip = `electron-v${version}-${platform}-${arch}.zip`;

  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  if (override) {
    const path = join(override, executableName());
    if (!existsSync(path)) {
      throw new ElectronUnavailable(
        `ELECTRON_OVERRIDE_DIST_PATH=${override} holds no Electron binary (looked for ${path}).\n` +
          'Point it at the folder of an unpacked Electron release, or unset it to download Electron.',
        `ELECTRON_OVERRIDE_DIST_PATH=${override} holds none`,
      );
    }
    process.env.ELECTRON_EXEC_PATH = path;
    return { path, source: 'override' };
  }

  const installed = (): string | null => {
    const pathFile = join(packageDir, 'path.txt');
    if (!existsSync(pathFile)) return null;
    const path = join(packageDir, 'dist', readFileSync(pathFile, 'utf8'));
    return existsSync(path) ? path : null;
  };
  const already = installed();
  if (already) {
    process.env.ELECTRON_EXEC_PATH = already;
    return { path: already, source: 'installed' };
  }

  log(`Electron ${version} is not installed yet: downloading ${zip} (about 100 MB) through Electron's installer.`);
  // The installer downloads into os.tmpdir(); a private one lets us show how far it has got, and
  // its debug line names the exact URL it tries (mirror and custom folder applied).
  const temp = mkdtempSync(join(tmpdir(), 'bf-electron-install-'));
  try {
    const child = spawn(process.execPath, [join(packageDir, 'install.js')], {
      stdio: ['ignore', 'inherit', 'pipe'],
      env: { ...process.env, TMPDIR: temp, TEMP: temp, TMP: temp, DEBUG: '@electron/get:index', DEBUG_COLORS: '0', ELECTRON_GET_NO_PROGRESS: '1' },
    });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr += chunk;
      if (stderr.length > 200_000) stderr = stderr.slice(-100_000);
    });
    const started = Date.now();
    const ticker = setInterval(() => {
      const bytes = downloadedBytes(temp);
      const line = `Downloading ${zip}: ${formatBytes(bytes)} (${Math.round((Date.now() - started) / 1000)} s)`;
      if (progress) progress(line);
    }, 500);
    const code = await new Promise<number>((resolveExit) => child.on('close', (status) => resolveExit(status ?? 1)));
    clearInterval(ticker);
    if (progress) progress('');

    const tried = /Downloading (\S+) to /.exec(stderr)?.[1];
    const from = tried ? withoutCredentials(tried) : `${zip} (the installer did not say from where)`;
    const why = describeInstallFailure(stderr);
    const path = installed();
    if (code === 0 && path) {
      log(`Electron ${version} installed (${path}).`);
      process.env.ELECTRON_EXEC_PATH = path;
      return { path, source: 'downloaded' };
    }
    throw new ElectronUnavailable(
      [
        `Electron ${version}, which the desktop app runs on, could not be installed.`,
        `Tried: ${from}`,
        `Why: ${why}`,
        waysOut(version, zip),
      ].join('\n'),
      `Electron ${version} could not be installed from ${from}: ${why.replace(/\.$/, '')}`,
    );
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}
