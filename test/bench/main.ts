/**
 * `npm run bench`: performance figures on simulated fleets, each printed with the machine's core
 * count and Node version, and written to BENCHMARKS.md. Figures only: nothing here fails a build.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { BrainFrameClient } from '../../electron/core/brainframe/client';
import { FleetCore } from '../../electron/core/fleet-core';
import type { Fault } from '../sim/server';
import { mintKey } from '../sim/keys';
import { tempDir, testKeychain } from '../helpers/keyring';
import { startSimProcess } from './sim-process';
import { parseTargets } from '../../electron/common/discovery';
import { startSimServer, type SimServer } from '../sim/server';
import { measureRenderer, measureRendererRefresh, middle } from './renderer';
import { axiosPool, barePool, type AnchorRequest } from './anchor';

interface Figure {
  name: string;
  value: string;
  target: string;
  verdict: 'meets' | 'misses' | 'info';
}

const figures: Figure[] = [];
const LATENCY_MS = 100;
const CONCURRENCY = 32;

function record(name: string, value: string, target = '', verdict: Figure['verdict'] = 'info'): void {
  figures.push({ name, value, target, verdict });
  console.log(`${verdict === 'info' ? '  ' : verdict === 'meets' ? '✓ ' : '✗ '}${name}: ${value}${target ? `   (target ${target})` : ''}`);
}

function ratioFigure(name: string, ms: number, idealMs: number, limit: number, ideal = 'ideal'): void {
  const ratio = ms / idealMs;
  record(name, `${(ms / 1000).toFixed(2)} s = ${ratio.toFixed(3)} × ${ideal} ${(idealMs / 1000).toFixed(2)} s`, `≤ ${limit.toFixed(2)} × ${ideal}`, ratio <= limit ? 'meets' : 'misses');
}

async function withCore<T>(run: (core: FleetCore) => Promise<T>): Promise<T> {
  const dir = await tempDir('bf-bench-');
  const core = await FleetCore.open({ dataDir: dir.path, secrets: testKeychain() });
  try {
    return await run(core);
  } finally {
    await core.close();
    await dir.remove();
  }
}

async function register(core: FleetCore, urls: string[]): Promise<string[]> {
  await core.registry.importCsv(`name,url\n${urls.map((u, i) => `bench-${String(i).padStart(4, '0')},${u}`).join('\n')}`);
  return core.registry.list().map((s) => s.id);
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const began = performance.now();
  await run();
  return performance.now() - began;
}

/** The median of `runs` times of `run`. */
async function median(runs: number, run: () => Promise<number>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await run());
  return middle(times);
}

/**
 * Ours against the anchor (a bare Node pool doing the same requests, same concurrency), run in
 * turns in the same process so both see the same machine; medians of `pairs` runs each. With no
 * limit, the figure explains others rather than being a target.
 */
async function sideBySide(name: string, ours: () => Promise<number>, anchor: () => Promise<number>, limit: number | null, pairs = 5): Promise<void> {
  const oursTimes: number[] = [];
  const anchorTimes: number[] = [];
  for (let i = 0; i < pairs; i++) {
    anchorTimes.push(await anchor());
    oursTimes.push(await ours());
  }
  const [o, a] = [middle(oursTimes), middle(anchorTimes)];
  const ratio = o / a;
  const value = `${(o / 1000).toFixed(2)} s vs bare Node pool ${(a / 1000).toFixed(2)} s = ${ratio.toFixed(3)} ×`;
  if (limit === null) record(name, value);
  else record(name, value, `≤ ${limit.toFixed(2)} × the pool`, ratio <= limit ? 'meets' : 'misses');
}

const LICENSE: AnchorRequest = { path: '/api/license' };
/** The requests the anchor sends too (streams are measured on and off in their own section). */
const LICENSE_ONLY = { concurrency: CONCURRENCY, streams: false } as const;
const VERSION: AnchorRequest = { path: '/api/version' };

async function refreshBenchmarks(): Promise<void> {
  const count = 1000;
  const ideal = Math.ceil(count / CONCURRENCY) * LATENCY_MS;
  const sim = await startSimProcess({ port: 21000, count, latencyMs: LATENCY_MS, state: 'valid' });
  try {
    await withCore(async (core) => {
      const ids = await register(core, sim.urls);
      await core.refresh(ids, LICENSE_ONLY).done; // versions known, as on a steady fleet
      await sideBySide(
        `refresh ${count} servers at ${LATENCY_MS} ms, concurrency ${CONCURRENCY}, steady (license; version known; streams off)`,
        () => timed(() => core.refresh(ids, LICENSE_ONLY).done),
        () => barePool(sim.urls, CONCURRENCY, LICENSE),
        1.05,
      );
    });
    // What keeping axios costs by itself: the same pool, each request through our client's axios
    // transport and nothing else (no deadline, no schema, no operation).
    await sideBySide(
      `the anchor's pool, each request through our client's axios http adapter alone (what axios itself costs)`,
      () => axiosPool(sim.urls, CONCURRENCY, LICENSE),
      () => barePool(sim.urls, CONCURRENCY, LICENSE),
      null,
    );
    // A first refresh knows no version: license and version are read together, in parallel.
    await sideBySide(
      `refresh ${count} servers at ${LATENCY_MS} ms, concurrency ${CONCURRENCY}, first (license + version; streams off)`,
      () => withCore(async (core) => {
        const ids = await register(core, sim.urls);
        return timed(() => core.refresh(ids, LICENSE_ONLY).done);
      }),
      () => barePool(sim.urls, CONCURRENCY, LICENSE, VERSION),
      1.05,
    );
    await withCore(async (core) => {
      const ids = await register(core, sim.urls);
      const warm = await timed(() => core.refresh(ids, LICENSE_ONLY).done);
      // How a script with BrainFrame's own client works: one server after another.
      const sequential = await timed(async () => {
        for (const url of sim.urls) await new BrainFrameClient({ baseUrl: url }).getLicense();
      });
      record(`sequential loop over the same ${count} servers, same client`, `${(sequential / 1000).toFixed(2)} s; refresh is ${(sequential / warm).toFixed(1)}× faster (ideal ${(ideal / 1000).toFixed(2)} s)`);
    });
  } finally {
    await sim.stop();
  }

  const timeoutMs = 2000;
  const hanging = new Map<number, Fault>(Array.from({ length: count / 10 }, (_, i) => [i * 10 + 9, 'hang' as Fault]));
  const deadSim = await startSimProcess({ port: 23000, count, latencyMs: LATENCY_MS, state: 'valid', faults: hanging });
  try {
    await withCore(async (core) => {
      const ids = await register(core, deadSim.urls);
      await core.refresh(ids, { ...LICENSE_ONLY, timeoutMs }).done; // versions known, as on a steady fleet
      const ms = await median(5, () => timed(() => core.refresh(ids, { ...LICENSE_ONLY, timeoutMs }).done));
      ratioFigure(`refresh ${count} servers, 10% accept and never answer, timeout ${timeoutMs / 1000} s (median of 5)`, ms, ideal + timeoutMs, 1.05, 'ideal + one timeout');
    });
  } finally {
    await deadSim.stop();
  }
}

/**
 * Refresh with streams on against the same refresh with them off: the two stream requests go out
 * with the license read (one round trip a server either way), so the ratio is what they cost the
 * client and the link. Both steady (versions known), best of 3 each, alternated.
 */
async function streamsBenchmark(): Promise<void> {
  const count = 1000;
  const sim = await startSimProcess({ port: 26200, count, latencyMs: LATENCY_MS, state: 'valid', streams: { total: 8, analyzed: 6 } });
  try {
    await withCore(async (core) => {
      const ids = await register(core, sim.urls);
      await core.refresh(ids, { concurrency: CONCURRENCY, streams: false }).done; // versions known
      const off: number[] = [];
      const on: number[] = [];
      let read = 0;
      for (let round = 0; round < 3; round++) {
        off.push(await timed(() => core.refresh(ids, { concurrency: CONCURRENCY, streams: false }).done));
        on.push(
          await timed(async () => {
            const summary = await core.refresh(ids, { concurrency: CONCURRENCY, streams: true }).done;
            read = summary.results.filter((r) => r.streams?.configured === 8).length;
          }),
        );
      }
      const [bestOff, bestOn] = [Math.min(...off), Math.min(...on)];
      const ratio = bestOn / bestOff;
      record(
        `refresh ${count} servers × 8 streams (6 analysed) at ${LATENCY_MS} ms, concurrency ${CONCURRENCY}: streams on / off (best of 3 each; ${read} read)`,
        `${(bestOn / 1000).toFixed(2)} s / ${(bestOff / 1000).toFixed(2)} s = ${ratio.toFixed(2)}×`,
        '≤ 1.3×',
        ratio <= 1.3 ? 'meets' : 'misses',
      );
    });
  } finally {
    await sim.stop();
  }
}

async function applyBenchmark(): Promise<void> {
  const count = 500;
  const sim = await startSimProcess({ port: 25000, count, latencyMs: LATENCY_MS, state: 'missing' });
  try {
    await withCore(async (core) => {
      const ids = await register(core, sim.urls);
      const text = mintKey({ maxStreams: 8 });
      let ok = 0;
      let round = 0;
      // A key no server has reported on yet: one PUT per server, the anchor's very request.
      const freshKey = async () => (await core.vault.addText(mintKey({ maxStreams: 8, padding: ++round }), `bench key ${round}`)).id;
      await sideBySide(
        `apply a new key to ${count} servers at ${LATENCY_MS} ms, concurrency ${CONCURRENCY} (terms not known yet: no guard reads)`,
        async () => {
          const keyId = await freshKey();
          return timed(async () => {
            ok = (await core.apply(keyId, ids, { concurrency: CONCURRENCY }).done).counts.ok;
          });
        },
        () => barePool(sim.urls, CONCURRENCY, { method: 'PUT', path: '/api/license', body: text, headers: { 'Content-Type': 'application/base64' } }),
        1.05,
      );
      // Once the key's terms are known, each server's license and streams are read before its PUT (the guards).
      const known = await freshKey();
      await core.apply(known, ids.slice(0, 1), { concurrency: CONCURRENCY }).done;
      const guarded = await timed(() => core.apply(known, ids, { concurrency: CONCURRENCY }).done);
      record(`the same key again, its terms known: guards read license and streams before each PUT`, `${(guarded / 1000).toFixed(2)} s (two round trips a server: ideal ${((2 * Math.ceil(count / CONCURRENCY) * LATENCY_MS) / 1000).toFixed(2)} s)`);
      if (ok !== count) throw new Error(`apply: only ${ok} of ${count} applied`);
    });
  } finally {
    await sim.stop();
  }
}

/** Runs the built command line; milliseconds from spawn to exit. */
function runBuiltCli(args: string[], env: NodeJS.ProcessEnv = process.env): { ms: number; stdout: string } {
  const began = performance.now();
  const run = spawnSync('node', ['out/main/cli.js', ...args], { env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const ms = performance.now() - began;
  if (run.status !== 0) throw new Error(`bf-license ${args.slice(0, 2).join(' ')} failed (${run.status}): ${run.stderr.split('\n')[0]}`);
  return { ms, stdout: run.stdout };
}

function best(runs: number, run: () => number): number {
  return Math.min(...Array.from({ length: runs }, run));
}

async function cliBenchmark(): Promise<void> {
  const count = 1000;
  if (!existsSync('out/main/cli.js')) spawnSync('npx', ['electron-vite', 'build'], { stdio: 'inherit' });
  const sim = await startSimProcess({ port: 21000, count, latencyMs: LATENCY_MS, state: 'valid' });
  const dir = await tempDir('bf-bench-cli-');
  try {
    const core = await FleetCore.open({ dataDir: dir.path, secrets: testKeychain() });
    // Read once, so versions are known as on a fleet in use: each status then sends what the anchor does.
    await core.refresh(await register(core, sim.urls), LICENSE_ONLY).done;
    await core.close();
    const list = ['servers', 'list', '--json', '--data-dir', dir.path];

    // Start-up: a command that sends nothing, over a registry of 1,000, against Node doing nothing.
    const node = best(5, () => {
      const began = performance.now();
      spawnSync('node', ['-e', '0']);
      return performance.now() - began;
    });
    const built = best(5, () => runBuiltCli(list).ms);
    record(`bf-license servers list --json over ${count} servers: start-up beyond \`node -e 0\` (best of 5)`, `${((built - node) / 1000).toFixed(3)} s (${(built / 1000).toFixed(2)} s against ${(node / 1000).toFixed(2)} s)`, '≤ 0.15 s', built - node <= 150 ? 'meets' : 'misses');
    const npmRun = best(3, () => {
      const began = performance.now();
      spawnSync('npm', ['run', '-s', 'cli', '--', ...list]);
      return performance.now() - began;
    });
    record('the same through `npm run -s cli` (the built bundle when current; npm itself included)', `${(npmRun / 1000).toFixed(2)} s`);

    // Fleet status from the command line, beyond its own start-up, against the bare pool.
    await sideBySide(
      `bf-license status --all --json --concurrency ${CONCURRENCY} over ${count} servers at ${LATENCY_MS} ms, versions known, beyond start-up`,
      async () => {
        const { ms, stdout } = runBuiltCli(['status', '--all', '--json', '--concurrency', String(CONCURRENCY), '--data-dir', dir.path]);
        const summary = JSON.parse(stdout).summary;
        if (summary.ok !== count) throw new Error(`bf-license status: ${JSON.stringify(summary)}`);
        return ms - built;
      },
      () => barePool(sim.urls, CONCURRENCY, LICENSE),
      1.05,
    );
    // The same axios figure for a command line: both pools in a fresh process each, as it runs.
    const coldPool = (via: 'bare' | 'axios') => async () => {
      const run = spawnSync(process.execPath, ['--import', 'tsx', 'test/bench/cold-anchor.ts', via, String(CONCURRENCY), LICENSE.path, ...sim.urls], { encoding: 'utf8' });
      if (run.status !== 0) throw new Error(`the ${via} pool failed (${run.status}): ${run.stderr.split('\n')[0]}`);
      return Number(run.stdout);
    };
    await sideBySide(`the same two pools, each in a fresh process: through axios's http adapter alone, against bare http`, coldPool('axios'), coldPool('bare'), null);
  } finally {
    await sim.stop();
    await dir.remove();
  }
}

async function memoryBenchmark(): Promise<void> {
  const count = 5000;
  if (!existsSync('out/main/cli.js')) spawnSync('npx', ['electron-vite', 'build'], { stdio: 'inherit' });
  const sim = await startSimProcess({ port: 27200, count, latencyMs: 10, state: 'valid' });
  const dir = await tempDir('bf-bench-mem-');
  try {
    const core = await FleetCore.open({ dataDir: dir.path, secrets: testKeychain() });
    await register(core, sim.urls);
    await core.close();
    const rssFile = join(tmpdir(), `bf-bench-rss-${process.pid}`);
    const run = spawnSync('node', ['--import', './test/bench/peak-rss.mjs', 'out/main/cli.js', 'status', '--all', '--json', '--concurrency', '64', '--data-dir', dir.path], {
      env: { ...process.env, BF_BENCH_RSS_FILE: rssFile },
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
    });
    if (run.status !== 0) throw new Error(`bf-license status failed (${run.status}): ${run.stderr.split('\n')[0]}`);
    const summary = JSON.parse(run.stdout).summary;
    if (summary.ok !== count) throw new Error(`bf-license status: ${JSON.stringify(summary)}`);
    const rss = Number(readFileSync(rssFile, 'utf8')) / 1024;
    record(`bf-license status --json over ${count} servers: peak memory`, `${rss.toFixed(0)} MB`, '< 200 MB', rss < 200 ? 'meets' : 'misses');
    // The app's refresh of the same fleet, in Chromium over the real handlers.
    await measureRendererRefresh(record, sim.urls);
  } finally {
    await sim.stop();
    await dir.remove();
  }
}

async function startupBenchmarks(): Promise<void> {
  if (!existsSync('out/renderer/index.html')) spawnSync('npx', ['electron-vite', 'build'], { stdio: 'inherit' });
  const html = readFileSync('out/renderer/index.html', 'utf8');
  const scripts = [...html.matchAll(/<(?:script[^>]*src|link[^>]*rel="modulepreload"[^>]*href)="([^"]+\.js)"/g)].map((m) => join('out/renderer', m[1]!));
  const gzipped = scripts.reduce((sum, file) => sum + gzipSync(readFileSync(file), { level: 9 }).length, 0);
  record(`renderer initial JavaScript, gzipped (${scripts.length} file${scripts.length === 1 ? '' : 's'})`, `${(gzipped / 1024).toFixed(0)} KB`, '< 350 KB', gzipped < 350 * 1024 ? 'meets' : 'misses');

  const dir = await tempDir('bf-bench-load-');
  try {
    const seed = await FleetCore.open({ dataDir: dir.path, secrets: testKeychain() });
    const count = 5000;
    const ids = await register(seed, Array.from({ length: count }, (_, i) => `http://10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}:8000`));
    for (const id of ids) {
      seed.status.record(id, {
        version: '0.30.5',
        license: { state: 'valid', terms: { online_checkin: false, max_streams: 8, journal_max_allowed_age: 2_592_000, expiration_date: '2027-12-31' } },
      });
    }
    await seed.close();
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      let core: FleetCore | null = null;
      times.push(await timed(async () => (core = await FleetCore.open({ dataDir: dir.path, secrets: testKeychain() }))));
      if (core!.registry.list().length !== count || core!.status.all().length !== count) throw new Error('the registry did not load whole');
      core!.dispose();
    }
    const median = middle(times);
    record(`load a registry of ${count} servers with their status cache (median of 5)`, `${median.toFixed(0)} ms`, '< 100 ms', median < 100 ? 'meets' : 'misses');
  } finally {
    await dir.remove();
  }
}

/**
 * A /24 at one port with the default concurrency: 254 loopback addresses 127.0.1.1-254, of which
 * 30 are BrainFrame (open, login required, starting), 10 accept and never answer, and the rest
 * refuse. A short 0.5 s probe timeout keeps the run brief; the target scales with it. The servers
 * run in this process (the sim's command line serves one address), which only adds to the figure.
 */
async function discoveryBenchmark(): Promise<void> {
  const port = 26500;
  const timeoutMs = 500;
  const concurrency = 64;
  const servers: SimServer[] = [];
  try {
    for (let i = 0; i < 40; i++) {
      const host = `127.0.1.${1 + i * 6}`;
      const kind = i % 4;
      servers.push(
        await startSimServer({ host, port, ...(i >= 30 ? { fault: 'hang' as const } : kind === 1 ? { auth: { username: 'admin', password: 'admin' } } : kind === 2 ? { fault: 'starting' as const } : {}) }),
      );
    }
    await withCore(async (core) => {
      const hosts = parseTargets(['127.0.1.0/24']);
      let found = 0;
      const ms = await timed(async () => {
        found = (await core.discover(hosts, { ports: [port], timeoutMs, concurrency }).done).counts.found;
      });
      const target = Math.ceil(hosts.length / concurrency) * timeoutMs * 1.1;
      record(
        `discover 127.0.1.0/24 at one port, concurrency ${concurrency}, probe timeout ${timeoutMs / 1000} s (${found} found, 10 hanging)`,
        `${(ms / 1000).toFixed(2)} s`,
        `≤ ceil(${hosts.length}/${concurrency}) × ${timeoutMs / 1000} s × 1.1 = ${(target / 1000).toFixed(2)} s`,
        ms <= target ? 'meets' : 'misses',
      );
    });
  } finally {
    await Promise.all(servers.map((s) => s.close()));
  }
}

function writeReport(startedAt: Date, seconds: number): void {
  const machine = `${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), Node ${process.version}, ${process.platform}`;
  const rows = figures.map((f) => `| ${f.name} | ${f.value} | ${f.target || '—'} | ${f.verdict === 'info' ? '—' : f.verdict} |`).join('\n');
  writeFileSync(
    'BENCHMARKS.md',
    `# Benchmarks

The last run of \`npm run bench\`, ${startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC, on ${machine}; the whole run took ${seconds.toFixed(0)} s.
Every figure below comes from that run; shared machines are noisy, so expect a few percent either way.

| measurement | result | target | |
|---|---|---|---|
${rows}

## How to reproduce

\`npm run bench\` (after \`npm ci\`). It builds the app if \`out/\` is missing, starts its own simulated
fleets on loopback in a separate process (ports 21000-32199, below Linux's ephemeral range; the
discovery scan uses 127.0.1.1-254 at port 26500), and uses a private, throw-away keychain.
Fleet figures are compared with an anchor the bench runs itself, in turns with ours in the same
process: a bare Node \`http\` pool doing the same requests with the same concurrency (no library, no
keep-alive), the runtime's own limit; both run five times in turns and their medians are compared
(this machine is shared and noisy: single runs of one figure spread by ±5 %). The ideal of a fleet
operation is \`ceil(servers / concurrency) × latency\`: every server answering after exactly its
latency, with no cost for anything else. Two figures without a target show what axios alone
costs: the same pool with each request through our client's axios transport and nothing else, in
the bench's process and in a fresh one (a command line runs cold: no code warmed up yet).
`,
  );
}

async function main(): Promise<void> {
  const startedAt = new Date();
  console.log(`Benchmarks on ${cpus().length} cores, Node ${process.version}\n`);
  const sections: Array<[string, () => Promise<void>]> = [
    ['fleet refresh', refreshBenchmarks],
    ['streams on refresh', streamsBenchmark],
    ['bulk apply', applyBenchmark],
    ['discovery', discoveryBenchmark],
    ['command line', cliBenchmark],
    ['5,000 servers', memoryBenchmark],
    ['start-up', startupBenchmarks],
    ['renderer', () => measureRenderer(record)],
  ];
  // `npm run bench -- renderer start-up` runs just those sections (BENCHMARKS.md is then partial).
  const only = process.argv.slice(2);
  for (const [name, run] of sections.filter(([name]) => only.length === 0 || only.some((o) => name.includes(o)))) {
    // One section failing must not hide the others' figures: it is reported as not measured.
    await run().catch((err: unknown) => record(`${name}: not measured`, err instanceof Error ? err.message.split('\n')[0]! : String(err), '', 'misses'));
  }
  const seconds = (Date.now() - startedAt.getTime()) / 1000;
  writeReport(startedAt, seconds);
  console.log(`\nWrote BENCHMARKS.md (${seconds.toFixed(0)} s).`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
