import { parseArgs, type ParseArgsConfig } from 'node:util';

/** The command was called wrongly: exit 2, with a pointer to its --help. */
export class UsageError extends Error {
  override name = 'UsageError';
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** Taken by every command. */
const COMMON_OPTIONS = { 'data-dir': { type: 'string' } } as const;

/** `--json`, `--concurrency N`, `--timeout SECONDS`: how status and apply run and report. */
export const RUN_OPTIONS = {
  json: { type: 'boolean' },
  concurrency: { type: 'string' },
  timeout: { type: 'string' },
} as const;

/** Which servers an operation is for. */
export const SELECTION_OPTIONS = {
  all: { type: 'boolean' },
  site: { type: 'string' },
  server: { type: 'string', multiple: true },
} as const;

/**
 * Parses one command's arguments strictly: an unknown option or a wrong number of arguments is a
 * UsageError. `positionals` names the arguments the command takes, each exactly once; a last one
 * written `NAME...` takes one or more.
 */
export function parseCommand<O extends Options>(args: string[], options: O, positionals: readonly string[] = []) {
  // Refused by name before parsing, so the message says why and what to use instead.
  if (args.some((arg) => /^--password(=|$)/.test(arg))) {
    throw new UsageError(
      'A password is never taken as an argument, where the process list and shell history would show it: pipe it in with --password-stdin.',
    );
  }
  let parsed;
  try {
    parsed = parseArgs({ args, options: { ...COMMON_OPTIONS, ...options }, strict: true, allowPositionals: true });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  // The values are not echoed: a stray argument may be a secret typed in the wrong place.
  const variadic = positionals.at(-1)?.endsWith('...') ?? false;
  if (variadic ? parsed.positionals.length < positionals.length : parsed.positionals.length !== positionals.length) {
    const wanted = positionals.length ? `takes ${positionals.join(' ')}${variadic ? ' (one or more)' : ''}` : 'takes no arguments besides its options';
    throw new UsageError(`This command ${wanted}, but was given ${parsed.positionals.length}.`);
  }
  return parsed;
}

/** A whole number option within [min, max], or undefined when not given. */
export function wholeNumber(flag: string, text: string | undefined, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) throw new UsageError(`${flag} needs a whole number from ${min} to ${max}, not "${text}".`);
  return value;
}

/** A positive number of seconds up to `max`, or undefined when not given. */
export function seconds(flag: string, text: string | undefined, max: number): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || value <= 0 || value > max) throw new UsageError(`${flag} needs a number of seconds above 0 and at most ${max}, not "${text}".`);
  return value;
}

/** Standard input to its end. */
export async function readStdin(maxBytes: number, what: string): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    size += (chunk as Buffer).length;
    // A mistaken pipe (a whole disk image, /dev/zero) must not be read into memory without end.
    if (size > maxBytes) throw new UsageError(`standard input is larger than ${Math.ceil(maxBytes / 1024)} KiB, too large for ${what}.`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
