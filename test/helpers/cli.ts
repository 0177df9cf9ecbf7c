/**
 * The real command line as a child process (`node --import tsx electron/cli/main.ts`, which starts
 * about twice as fast as `npx tsx`). It inherits the private keyring's D-Bus session that
 * `npm test` provides; pass BF_KEYCHAIN_SERVICE in `env` to keep a test's secrets apart.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Node's arguments that run TypeScript as it is. */
export const TSX_ARGS = ['--import', 'tsx'];
export const CLI_ARGS = [...TSX_ARGS, 'electron/cli/main.ts'];

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface CliOptions {
  env?: NodeJS.ProcessEnv;
  input?: string;
  /** Killed (SIGKILL) after this long; the run then reports the signal. */
  timeoutMs?: number;
  /** Called with the child as soon as it is spawned, for a test that kills it at a moment of its choosing. */
  onSpawn?: (child: ChildProcessWithoutNullStreams) => void;
  /** Another command than the CLI's, such as `unshare` around it: the full argv. */
  argv?: [string, ...string[]];
}

/** Runs the command line to its end (or its kill) and collects its output. */
export function runCli(args: string[], { env = process.env, input = '', timeoutMs = 30_000, onSpawn, argv }: CliOptions = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const [command, ...commandArgs] = argv ?? [process.execPath, ...CLI_ARGS, ...args];
    const child = spawn(command, commandArgs, { cwd: ROOT, env });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const killer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(killer);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started });
    });
    child.stdin.on('error', () => undefined); // a child killed before reading its input
    child.stdin.end(input);
    onSpawn?.(child);
  });
}
