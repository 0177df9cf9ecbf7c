/**
 * `npm start`: makes sure Electron's binary is installed (downloading it through Electron's own
 * installer on first use), then builds and launches the app on the user's own data folder; where
 * Electron cannot be had, the same app opens in Chromium (options: `npm start -- --help`).
 */
import { launchApp, launchOptionsFromArgs } from './launch-app';

const options = launchOptionsFromArgs('npm start [-- OPTIONS]: the desktop app on your own data folder.');
launchApp(options).then((result) => {
  if (!result.launched) console.error(`\n${result.message}`);
  process.exit(result.launched ? result.exitCode : 1);
});
