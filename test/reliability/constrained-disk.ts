/**
 * A data folder on a disk that refuses writes, for commands run as child processes: a full disk
 * (a tiny tmpfs, filled up) or a read-only one (a read-only bind mount). Both live in a private
 * mount namespace held by a sleeping child, so nothing outside the commands run through `wrap`
 * ever sees them, and they vanish with it. Where mount namespaces are not permitted (no root, or a
 * container without CAP_SYS_ADMIN), a full disk falls back to a file-size limit of zero (writes
 * fail with EFBIG) and a read-only folder to file modes, which bind only a user other than root.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmod, cp, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ROOT } from '../helpers/cli';

export interface ConstrainedDisk {
  /** How the constraint is made, for test names and messages. */
  readonly how: string;
  /** The data folder as commands run through `wrap` see it. */
  readonly path: string;
  /** The argv that runs a command under the constraint. */
  wrap(argv: string[]): [string, ...string[]];
  /** Copies the folder as the constrained commands left it to `to`, outside the constraint. */
  copyOut(to: string): Promise<void>;
  close(): Promise<void>;
}

/** A namespace of its own, set up by `script` (which gets the paths as $1, $2), then held open. */
async function namespace(script: string, args: string[]): Promise<ChildProcess | null> {
  if (spawnSync('unshare', ['--mount', 'true']).status !== 0) return null;
  const holder = spawn('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', `${script} && echo ready && exec sleep 3600`, 'sh', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const ready = await new Promise<boolean>((resolve) => {
    holder.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve(true));
    holder.on('exit', () => resolve(false));
  });
  if (!ready) return null;
  return holder;
}

function enter(holder: ChildProcess): (argv: string[]) => [string, ...string[]] {
  return (argv) => ['nsenter', '-t', String(holder.pid), '-m', `--wd=${ROOT}`, '--', ...argv];
}

function stop(holder: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (holder.exitCode !== null || holder.signalCode !== null) return resolve();
    holder.once('exit', () => resolve());
    holder.kill('SIGKILL');
  });
}

/**
 * `source`, copied onto a disk with no space left. `work` is an empty folder of the caller's,
 * where the disk is mounted (inside the namespace only).
 */
export async function fullDisk(source: string, work: string): Promise<ConstrainedDisk> {
  const data = join(work, 'data');
  await mkdir(work, { recursive: true });
  // A filler takes every free block, as a disk that filled up while the app was away.
  const holder = await namespace('mount -t tmpfs -o size=1m tmpfs "$1" && mkdir "$1/data" && cp -a "$2/." "$1/data/" && { cat /dev/zero > "$1/filler" 2>/dev/null; true; }', [work, source]);
  if (holder) {
    const wrap = enter(holder);
    return {
      how: 'a full tmpfs',
      path: data,
      wrap,
      copyOut: async (to) => {
        const [command, ...args] = wrap(['cp', '-a', `${data}/.`, to]);
        if (spawnSync(command, args).status !== 0) throw new Error(`could not copy ${data} out of the namespace`);
      },
      close: () => stop(holder),
    };
  }
  await cp(source, data, { recursive: true });
  return {
    how: 'a file-size limit of zero',
    path: data,
    wrap: (argv) => ['prlimit', '--fsize=0:0', '--', ...argv],
    copyOut: (to) => cp(data, to, { recursive: true }),
    close: async () => undefined,
  };
}

/** `dir` itself, read-only for the commands run through `wrap`; null where that cannot be made here. */
export async function readOnlyDisk(dir: string): Promise<ConstrainedDisk | null> {
  const holder = await namespace('mount --bind "$1" "$1" && mount -o remount,bind,ro "$1"', [dir]);
  if (holder) {
    return { how: 'a read-only bind mount', path: dir, wrap: enter(holder), copyOut: (to) => cp(dir, to, { recursive: true }), close: () => stop(holder) };
  }
  if (process.getuid?.() === 0) return null; // root writes through any file mode
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const modes = async (file: number, folder: number) => {
    for (const e of entries) await chmod(join(e.parentPath, e.name), e.isDirectory() ? folder : file);
    await chmod(dir, folder);
  };
  await modes(0o400, 0o500);
  return { how: 'file modes', path: dir, wrap: (argv) => argv as [string, ...string[]], copyOut: (to) => cp(dir, to, { recursive: true }), close: () => modes(0o600, 0o700) };
}
