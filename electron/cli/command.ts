import { resolve } from 'node:path';
import { AppError } from '../common/errors';
import { DATA_DIR_ENV, resolveDataDir } from '../core/data-dir';
import { FleetCore } from '../core/fleet-core';
import { parseCommand } from './args';
import { print, printJson, table, warn } from './output';

/** One command of the tool, such as `servers add`. */
export interface Command {
  /** The words that name it: `servers add`. */
  name: string;
  /** Its arguments and options, as the usage line shows them. */
  synopsis: string;
  /** What it does and what each option means. */
  help: string;
  /** Returns the exit status; throws UsageError or AppError for exit 2. */
  run(args: string[]): Promise<number>;
}

export const COMMON_HELP = `Common options:
  --data-dir DIR   The data folder, shared with the desktop app. Default: $${DATA_DIR_ENV} if set,
                   else the app's own folder (here: ${resolveDataDir()}).
  --help           Show this help.`;

/**
 * Opens the data folder for one command's work and closes it after, so results reach the same
 * status cache and history as the desktop app and nothing keeps the process alive.
 */
export async function withCore<T>(dataDir: string | undefined, work: (core: FleetCore) => Promise<T>): Promise<T> {
  if (dataDir !== undefined && !dataDir.trim()) throw new AppError('InvalidInput', '--data-dir is empty: give the folder, or leave the option out.');
  const core = await FleetCore.open({ dataDir: dataDir === undefined ? resolveDataDir() : resolve(dataDir) });
  for (const notice of core.notices) warn(notice);
  try {
    return await work(core);
  } finally {
    await core.close();
  }
}

interface ListSpec<T> {
  name: string;
  help: string;
  items: (core: FleetCore) => T[] | Promise<T[]>;
  /** Said instead of an empty table. */
  empty: string;
  headers: string[];
  row: (item: T) => string[];
}

/** A command that lists things: a table for people, or with --json the items as a JSON array. */
export function listCommand<T>({ name, help, items, empty, headers, row }: ListSpec<T>): Command {
  return {
    name,
    synopsis: '[--json]',
    help: `${help}\n\n  --json           A JSON array on standard output.`,
    async run(args) {
      const { values } = parseCommand(args, { json: { type: 'boolean' } });
      return withCore(values['data-dir'], async (core) => {
        const list = await items(core);
        if (values.json) printJson(list);
        else print(list.length ? table(headers, list.map(row)) : empty);
        return 0;
      });
    },
  };
}
