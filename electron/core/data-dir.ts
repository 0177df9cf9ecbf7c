import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** The app's name as Electron derives its `userData` folder from it (package.json productName). */
export const APP_NAME = 'BrainFrame Fleet Licenses';
export const DATA_DIR_ENV = 'BF_FLEET_DATA_DIR';

/**
 * The folder that holds the app's data: `BF_FLEET_DATA_DIR` when set, otherwise the per-user
 * application-data folder Electron's `userData` resolves to, so the desktop app and the command
 * line share one registry, cache and history.
 */
export function resolveDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home = homedir()): string {
  const override = env[DATA_DIR_ENV]?.trim();
  if (override) return resolve(override);
  return join(appDataDir(env, platform, home), APP_NAME);
}

/** Electron's `app.getPath('appData')`, computed the same way. */
function appDataDir(env: NodeJS.ProcessEnv, platform: NodeJS.Platform, home: string): string {
  if (platform === 'win32') return env.APPDATA ?? join(home, 'AppData', 'Roaming');
  if (platform === 'darwin') return join(home, 'Library', 'Application Support');
  return env.XDG_CONFIG_HOME?.trim() || join(home, '.config');
}
