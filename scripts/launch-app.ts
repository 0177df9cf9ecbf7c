/**
 * Launches the desktop app the one way `npm start` and `npm run demo` share: Electron's binary
 * first (scripts/electron-binary.ts), then electron-vite's build and preview of exactly that binary.
 * Where Electron cannot be had, the same app opens in this machine's Chromium instead
 * (scripts/chromium-shell/app.ts); `--chromium` asks for that mode on purpose.
 */
import { spawn } from 'node:child_process';
import { runInChromium } from './chromium-shell/app';
import { ElectronUnavailable, ensureElectron } from './electron-binary';

export type LaunchResult = { launched: true; exitCode: number } | { launched: false; message: string };

export interface LaunchOptions {
  /** Open the app in Chromium even where Electron could start. */
  chromium: boolean;
  /** Chromium without a window (the Chromium mode's: where Electron starts, it selects that mode). */
  headless: boolean;
  /** A PNG of the window once the grid shows, then quit (the Chromium mode's, likewise). */
  screenshot: string | null;
}

const LAUNCH_USAGE = [
  'Options:',
  '  --chromium         open the app in Chromium (BF_CHROMIUM_PATH, or a common install) even where Electron could start',
  '  --headless         Chromium without a window (the default where there is no display)',
  '  --screenshot FILE  write a PNG of the window once the server grid shows, then quit',
  "Electron is tried first unless --chromium is given; --headless and --screenshot are the Chromium mode's, so with them the app opens in Chromium even where Electron could start.",
].join('\n');

/**
 * The launch options of this command's arguments; `--help` prints what `command` does and the
 * options, then exits; anything else exits with status 2 and says why.
 */
export function launchOptionsFromArgs(command: string, args: readonly string[] = process.argv.slice(2)): LaunchOptions {
  if (args.includes('--help')) {
    console.log(`${command}\n${LAUNCH_USAGE}`);
    process.exit(0);
  }
  try {
    return parseLaunchOptions(args);
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(2);
  }
}

function parseLaunchOptions(args: readonly string[]): LaunchOptions {
  const options: LaunchOptions = { chromium: false, headless: false, screenshot: null };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--chromium') options.chromium = true;
    else if (arg === '--headless') options.headless = true;
    else if (arg === '--screenshot' || arg.startsWith('--screenshot=')) {
      const file = arg === '--screenshot' ? args[++i] : arg.slice('--screenshot='.length);
      if (!file || file.startsWith('--')) throw new Error(`--screenshot needs a file name (--screenshot grid.png).\n${LAUNCH_USAGE}`);
      options.screenshot = file;
    } else throw new Error(`Unknown option ${arg}.\n${LAUNCH_USAGE}`);
  }
  return options;
}

/** Resolves when the app has exited, or at once with the plain reasons when neither Electron nor Chromium can open it. */
export async function launchApp(options: LaunchOptions): Promise<LaunchResult> {
  const chromium = (why: string) => runInChromium({ why, headless: options.headless, screenshot: options.screenshot });
  if (options.chromium) return chromium('Electron was not tried (--chromium)');
  try {
    await ensureElectron();
  } catch (err) {
    if (!(err instanceof ElectronUnavailable)) throw err;
    console.error(`${err.message}\n`);
    return chromium(`Electron's binary is not available (${err.reason})`);
  }
  const flag = options.screenshot ? '--screenshot' : options.headless ? '--headless' : null;
  if (flag) return chromium(`Electron is here, but ${flag} is the Chromium mode's (the Electron app has no headless window)`);
  const app = spawn('npx', ['electron-vite', 'preview'], { stdio: 'inherit', env: process.env });
  return new Promise((resolveExit) => app.on('exit', (code) => resolveExit({ launched: true, exitCode: code ?? 1 })));
}
