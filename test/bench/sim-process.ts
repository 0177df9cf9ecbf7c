import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Fault } from '../sim/server';

export interface SimProcess {
  urls: string[];
  stop(): Promise<void>;
}

/**
 * A simulated fleet in a process of its own, as real servers would be: the client under test
 * does not share its event loop with the servers it measures.
 */
export async function startSimProcess(options: {
  port: number;
  count: number;
  latencyMs?: number;
  state?: string;
  faults?: Map<number, Fault>;
  streams?: { total: number; analyzed: number };
}): Promise<SimProcess> {
  // Node itself, not npx: a stop must reach the process that holds the ports (npx does not pass SIGTERM on).
  const args = ['--import', 'tsx', 'test/sim/main.ts', '--port', String(options.port), '--count', String(options.count)];
  if (options.latencyMs) args.push('--latency-ms', String(options.latencyMs));
  if (options.state) args.push('--state', options.state);
  if (options.streams) args.push('--streams', `${options.streams.total}:${options.streams.analyzed}`);
  for (const [index, fault] of options.faults ?? []) args.push('--fault', `${index}=${fault}`);
  const child: ChildProcess = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const urls: string[] = [];
  await new Promise<void>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      if (line === 'ready') resolve();
      else if (line.startsWith('http')) urls.push(line);
    });
    child.once('exit', (code) => reject(new Error(`the simulator exited (${code}) before it was ready`)));
  });
  return {
    urls,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
