import { promises as fs } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { onUnexpectedError } from '../common/unexpected';
import { storageError } from './storage/durable-write';

/** The app's name as Electron derives its `userData` folder from it (package.json productName). */
const APP_NAME = 'BrainFrame Fleet Licenses';
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

/**
 * Creates the data folder private to this account (0700), and takes group's and others' access
 * away from an existing one: it lists the fleet's servers and holds the sealed keys. Windows
 * gives a user's application-data folder to that user alone already.
 */
export async function makeDataDirPrivate(dir: string): Promise<void> {
  try {
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  } catch (err) {
    throw storageError(err, dir);
  }
  if (process.platform === 'win32') return;
  try {
    const { mode } = await fs.stat(dir);
    if (mode & 0o077) await fs.chmod(dir, mode & 0o700);
  } catch (err) {
    // Not ours to change (another owner, a read-only disk): the app still works, its saves report what they must.
    onUnexpectedError(`making the data folder ${dir} private`, err);
  }
}
