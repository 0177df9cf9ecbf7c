/**
 * Launches the desktop app the one way `npm start` and `npm run demo` share: Electron's binary
 * first (scripts/electron-binary.ts), then electron-vite's build and preview of exactly that binary.
 */
import { spawn } from 'node:child_process';
import { ElectronUnavailable, ensureElectron } from './electron-binary';

export type LaunchResult = { launched: true; exitCode: number } | { launched: false; message: string };

/** Resolves when the app has exited, or at once with the plain reason when Electron cannot be had. */
export async function launchApp(): Promise<LaunchResult> {
  try {
    await ensureElectron();
  } catch (err) {
    if (err instanceof ElectronUnavailable) return { launched: false, message: err.message };
    throw err;
  }
  const app = spawn('npx', ['electron-vite', 'preview'], { stdio: 'inherit', env: process.env });
  return new Promise((resolveExit) => app.on('exit', (code) => resolveExit({ launched: true, exitCode: code ?? 1 })));
}
