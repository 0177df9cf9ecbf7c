/**
 * `npm start`: makes sure Electron's binary is installed (downloading it through Electron's own
 * installer on first use), then builds and launches the app on the user's own data folder.
 */
import { launchApp } from './launch-app';

launchApp().then((result) => {
  if (!result.launched) console.error(`\n${result.message}`);
  process.exit(result.launched ? result.exitCode : 1);
});
