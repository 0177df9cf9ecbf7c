// The headless command line over the desktop app's core, for scripted provisioning:
// `npm run -s cli -- --help` in the repository, `bf-license --help` when installed.
import { version } from '../../package.json';
import { toErrorInfo } from '../common/errors';
import { UsageError } from './args';
import { COMMON_HELP, type Command } from './command';
import { discoverCommands } from './commands/discover';
import { fleetCommands } from './commands/fleet';
import { historyCommands } from './commands/history';
import { keyCommands } from './commands/keys';
import { reportCommands } from './commands/report';
import { serverCommands } from './commands/servers';
import { print, warn } from './output';

const COMMANDS: Command[] = [...serverCommands, ...discoverCommands, ...keyCommands, ...fleetCommands, ...reportCommands, ...historyCommands];

const EXIT_STATUS = 'Exit status: 0 when everything succeeded, 1 when any server (or CSV row) failed, 2 for a usage or input error.';

function usageLines(commands: Command[]): string {
  return commands.map((c) => `  bf-license ${c.name} ${c.synopsis}`).join('\n');
}

function toolHelp(): string {
  return `bf-license ${version}: the licenses of a fleet of BrainFrame servers, from scripts.
Shares its servers, keys, status and history with the desktop app.

Usage:
${usageLines(COMMANDS)}

Run \`bf-license COMMAND --help\` for what a command does and its options.

${COMMON_HELP}
  --version        Print the version.

${EXIT_STATUS}`;
}

/** Runs one command line; resolves to the exit status. */
async function main(argv: string[]): Promise<number> {
  const [first, second] = argv;
  if (first === '--help' || first === '-h') {
    print(toolHelp());
    return 0;
  }
  if (first === '--version') {
    print(version);
    return 0;
  }
  if (first === undefined) {
    process.stderr.write(`${toolHelp()}\n`);
    return 2;
  }
  const command = COMMANDS.find((c) => c.name === `${first} ${second}`) ?? COMMANDS.find((c) => c.name === first);
  if (!command) {
    const group = COMMANDS.filter((c) => c.name.startsWith(`${first} `));
    if (group.length === 0) {
      warn(`There is no command "${first}": run \`bf-license --help\` to see the commands.`);
      return 2;
    }
    if (second === '--help' || second === '-h') {
      print(`Usage:\n${usageLines(group)}\n\nRun \`bf-license ${first} SUBCOMMAND --help\` for its options.`);
      return 0;
    }
    const subcommands = group.map((c) => c.name.slice(first.length + 1));
    warn(`${first} needs one of: ${subcommands.join(', ')}. Run \`bf-license ${first} --help\` for usage.`);
    return 2;
  }
  const args = argv.slice(command.name.split(' ').length);
  if (args.includes('--help') || args.includes('-h')) {
    print(`Usage: bf-license ${command.name} ${command.synopsis}\n\n${command.help}\n\n${COMMON_HELP}`);
    return 0;
  }
  try {
    return await command.run(args);
  } catch (err) {
    if (err instanceof UsageError) warn(`${err.message} Run \`bf-license ${command.name} --help\` for usage.`);
    else warn(toErrorInfo(err).message);
    return 2;
  }
}

// A reader that stops early (`| head`) closes the pipe: stop quietly, as other command-line tools
// do, instead of crashing on EPIPE with a stack trace.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err;
  process.exit(process.exitCode ?? 0);
});

// No process.exit(): the exit status is set and the process ends once output is flushed, which
// also proves nothing (timer, socket, keychain connection) is left running.
void main(process.argv.slice(2)).then((status) => {
  process.exitCode = status;
});
