// The Ansible playbooks (integrations/ansible) run by the real ansible-playbook over three "sites":
// each a simulated fleet on its own loopback address, with its own data folder and keychain
// service, reached from its own inventory host (ansible_connection: local), running the built
// bf-license. The key comes from a vault-encrypted file. What each simulated server received is
// checked from its request log: status sends no PUT, apply PUTs the key to exactly the servers of
// the sites it reached, a re-applied key changes nothing, and a failed site stops the run before the
// next site. The sites' reports come back to the controller and merge into one HTML and CSV report.
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { Window } from 'happy-dom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toCsv } from '../../electron/common/csv';
import { REPORT_CSV_HEADER } from '../../electron/common/report-formats';
import { KEYCHAIN_SERVICE_ENV } from '../../electron/core/secrets/secret-store';
import { CLI_OUTPUTS, CLI_SOURCES, buildIfStale } from '../../scripts/build-freshness.mjs';
import { ROOT, runCli, type CliRun } from '../helpers/cli';
import { tempDir } from '../helpers/keyring';
import { loopbackPrefix } from '../helpers/loopback-subnet';
import { startFleet, type Fleet } from '../sim/fleet';
import { mintKey, utcDateFromToday } from '../sim/keys';

if (!process.env.BF_TEST_KEYRING) throw new Error('test/integration/ansible.test.ts runs bf-license against the OS keychain: run it with `npm test -- test/integration/ansible.test.ts`.');

const PLAYBOOKS = join(ROOT, 'integrations/ansible');
const BIN = join(ROOT, 'bin/bf-license.js');
const SITES = ['site-a', 'site-b', 'site-c'] as const;
type Site = (typeof SITES)[number];
const PASSWORD = `pw-${randomUUID()}`;
const KEY_EXPIRES = utcDateFromToday(400);
const KEY = mintKey({ maxStreams: 8, expires: KEY_EXPIRES });

let dir: Awaited<ReturnType<typeof tempDir>>;
const fleets = {} as Record<Site, Fleet>;
const services = Object.fromEntries(SITES.map((site) => [site, `bf-ansible-${site}-${randomUUID()}`])) as Record<Site, string>;
let env: NodeJS.ProcessEnv;
const names = (site: Site) => [`${site}-cam-1`, `${site}-cam-2`];
const dataDir = (site: Site) => join(dir.path, 'hosts', site);

/** The built command line, as the inventory's hosts run it. */
function bf(site: Site, args: string[], input = ''): Promise<CliRun> {
  return runCli([], { argv: [process.execPath, BIN, ...args, '--data-dir', dataDir(site)], env: { ...process.env, [KEYCHAIN_SERVICE_ENV]: services[site] }, input, timeoutMs: 60_000 });
}

function playbook(name: string, ...extra: string[]): Promise<CliRun> {
  const args = [join(PLAYBOOKS, name), '-i', join(dir.path, 'inventory.yml'), '--vault-password-file', join(dir.path, 'vault-password'), ...extra];
  return runCli([], { argv: ['ansible-playbook', ...args], env, timeoutMs: 180_000 });
}

/** PLAY RECAP's counters per host: `site-a : ok=4 changed=1 unreachable=0 failed=0 ...`. */
function recap(run: CliRun): Record<string, Record<string, number>> {
  const lines = run.stdout.slice(run.stdout.lastIndexOf('PLAY RECAP')).split('\n').slice(1);
  return Object.fromEntries(
    lines.flatMap((line) => {
      const m = /^(\S+)\s+:\s+(.*)$/.exec(line.trim());
      return m ? [[m[1]!, Object.fromEntries([...m[2]!.matchAll(/(\w+)=(\d+)/g)].map(([, k, v]) => [k!, Number(v)]))]] : [];
    }),
  );
}

const puts = (site: Site) => fleets[site].servers.map((s) => s.requests.filter((r) => r.method === 'PUT').length);
const clearLogs = () => SITES.forEach((site) => fleets[site].servers.forEach((s) => (s.requests.length = 0)));

beforeAll(async () => {
  // The hosts run bin/bf-license.js, the built command line: build it when the sources are newer (as the e2e tests do).
  buildIfStale(ROOT, { need: 'The Ansible test runs the built bf-license', parts: { sources: CLI_SOURCES, outputs: CLI_OUTPUTS } });
  dir = await tempDir('bf-ansible-');
  const prefix = loopbackPrefix();
  for (const [i, site] of SITES.entries()) {
    // Site b's first server starts with a license that runs out in 10 days; the others with none.
    fleets[site] = await startFleet({
      count: 2,
      host: `${prefix}.${i + 1}`,
      auth: { username: 'admin', password: PASSWORD },
      perServer: (n) => (site === 'site-b' && n === 0 ? { terms: { expiration_date: utcDateFromToday(10), max_streams: 4 } } : {}),
    });
  }
  await Promise.all(
    SITES.map(async (site) => {
      const csv = join(dir.path, `${site}.csv`);
      const rows = fleets[site].urls.map((url, n) => [names(site)[n]!, url, site, 'admin', PASSWORD]);
      await writeFile(csv, toCsv([['name', 'url', 'site', 'username', 'password'], ...rows]));
      const imported = await bf(site, ['servers', 'import', csv]);
      expect(imported.code, imported.stderr).toBe(0);
    }),
  );
  // The key in a vault-encrypted file, opened with a vault password file: the key is never in the inventory or on a command line.
  await writeFile(join(dir.path, 'vault-password'), `vault-${randomUUID()}\n`, { mode: 0o600 });
  await writeFile(join(dir.path, 'key.vault'), KEY);
  const vault = spawnSync('ansible-vault', ['encrypt', join(dir.path, 'key.vault'), '--vault-password-file', join(dir.path, 'vault-password')], { encoding: 'utf8', env: { ...process.env, HOME: dir.path } });
  expect(vault.status, vault.stderr).toBe(0);
  expect(await readFile(join(dir.path, 'key.vault'), 'utf8')).toMatch(/^\$ANSIBLE_VAULT;1\.1;AES256\n/);

  const cli = `${process.execPath} ${BIN}`;
  const hosts = Object.fromEntries(
    SITES.map((site) => [
      site,
      {
        ansible_connection: 'local',
        ansible_python_interpreter: '/usr/bin/python3',
        bf_license_cli: cli,
        bf_license_data_dir: dataDir(site),
        bf_license_environment: { [KEYCHAIN_SERVICE_ENV]: services[site] },
      },
    ]),
  );
  const inventory = { all: { vars: { bf_license_controller_cli: cli, bf_license_report_dir: join(dir.path, 'reports'), bf_license_timeout: 5 }, children: { bf_license_sites: { hosts } } } };
  await writeFile(join(dir.path, 'inventory.yml'), JSON.stringify(inventory, null, 2)); // JSON is YAML
  await writeFile(join(dir.path, 'ansible.cfg'), '[defaults]\n');
  env = {
    ...process.env,
    HOME: dir.path,
    ANSIBLE_CONFIG: join(dir.path, 'ansible.cfg'),
    ANSIBLE_LOCAL_TEMP: join(dir.path, 'ansible-local'),
    ANSIBLE_REMOTE_TEMP: join(dir.path, 'ansible-remote'),
    ANSIBLE_NOCOLOR: '1',
    ANSIBLE_FORCE_COLOR: '0',
    ANSIBLE_RETRY_FILES_ENABLED: '0',
    ANSIBLE_LOCALHOST_WARNING: '0',
    ANSIBLE_DEPRECATION_WARNINGS: '0',
  };
  clearLogs();
}, 180_000);

afterAll(async () => {
  await Promise.all(Object.values(fleets).map((f) => f.close()));
  await dir?.remove();
});

describe('the Ansible playbooks', () => {
  it('status reads every site from its own host and changes nothing: no PUT, changed=0', async () => {
    const run = await playbook('status.yml');
    expect(run.code, run.stdout + run.stderr).toBe(0);
    for (const site of SITES) {
      expect(recap(run)[site]).toMatchObject({ changed: 0, failed: 0 });
      for (const name of names(site)) expect(run.stdout).toContain(`${name}: ${site === 'site-b' && name.endsWith('1') ? `valid, until ${utcDateFromToday(10)}` : 'missing'}`);
      for (const server of fleets[site].servers) {
        expect(server.requests.filter((r) => r.method === 'PUT')).toEqual([]);
        expect(server.requests.some((r) => r.method === 'GET' && r.path === '/api/license')).toBe(true);
      }
    }
  }, 180_000);

  it('apply sends the vaulted key to every server, site by site, changed only where a license changed', async () => {
    clearLogs();
    const run = await playbook('apply.yml', '-e', `bf_license_key_file=${join(dir.path, 'key.vault')}`);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout + run.stderr).not.toContain(KEY);
    for (const site of SITES) {
      expect(recap(run)[site]).toMatchObject({ changed: 1, failed: 0 });
      expect(puts(site)).toEqual([1, 1]);
      for (const server of fleets[site].servers) expect(server.license()).toEqual({ state: 'valid', terms: expect.objectContaining({ max_streams: 8, expiration_date: KEY_EXPIRES }) });
    }
    expect(run.stdout).toContain('key applied to 2 servers, 2 licenses changed; changed: site-a-cam-1, site-a-cam-2');
  }, 180_000);

  it('stops at the first failed site: the key again changes nothing on site a, site b\'s canary fails, site c receives nothing', async () => {
    clearLogs();
    await fleets['site-b'].servers[0]!.setFault('refuse');
    const run = await playbook('apply.yml', '-e', `bf_license_key_file=${join(dir.path, 'key.vault')}`);
    expect(run.code).not.toBe(0);
    const output = run.stdout + run.stderr;
    expect(output).not.toContain(KEY);
    // Site a took the same key again: sent, but no license changed.
    expect(recap(run)['site-a']).toMatchObject({ changed: 0, failed: 0 });
    expect(puts('site-a')).toEqual([1, 1]);
    expect(output).toContain('key applied to 2 servers, 0 licenses changed; changed: none');
    // Site b: its canary refused the connection, so its other server was never sent the key, and the task says which kinds.
    // No license changed there either: the canary's last known license is not a new one.
    expect(recap(run)['site-b'], output).toMatchObject({ changed: 0, failed: 1 });
    expect(puts('site-b')).toEqual([0, 0]);
    expect(output).toMatch(/bf-license apply failed on 2 of 2 servers \[Unreachable, Halted\]: site-b-cam-1: Unreachable \(.+\); site-b-cam-2: Halted \(.*canary site-b-cam-1/);
    // Site c never ran.
    for (const server of fleets['site-c'].servers) expect(server.requests).toEqual([]);
    await fleets['site-b'].servers[0]!.setFault(null);
  }, 180_000);

  it('brings every site\'s report JSON to the controller and merges them into one HTML and CSV report', async () => {
    const run = await playbook('report.yml');
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const reports = join(dir.path, 'reports');
    for (const site of SITES) expect(JSON.parse(await readFile(join(reports, 'sites', `${site}.json`), 'utf8'))).toMatchObject({ format: 'bf-license-report', scope: 'all servers' });
    const all = SITES.flatMap(names);

    const rows = parseCsv(await readFile(join(reports, 'fleet-report.csv'), 'utf8'), { columns: true, bom: true }) as Record<string, string>[];
    expect(Object.keys(rows[0]!)).toEqual(REPORT_CSV_HEADER);
    expect(rows.map((r) => r.Server).sort()).toEqual(all.sort());
    for (const r of rows) expect(r).toMatchObject({ Site: r.Server!.slice(0, 6), Health: 'valid', Expires: KEY_EXPIRES, 'Max streams': '8' });
    // The site b canary was unreachable at its last check: its license is the last one known.
    expect(rows.find((r) => r.Server === 'site-b-cam-1')).toMatchObject({ Reachability: 'offline' });

    const window = new Window();
    window.document.write(await readFile(join(reports, 'fleet-report.html'), 'utf8'));
    const doc = window.document;
    expect(doc.querySelector('h1')!.textContent).toBe('License report: merged from 3 reports');
    const servers = [...doc.querySelectorAll('table.servers tbody tr')].map((tr) => tr.querySelector('td')!.childNodes[0]!.textContent);
    expect(servers.sort()).toEqual(all.sort());
    const summary = doc.querySelector('#summary')!;
    expect(summary.textContent).toBe('Fleet summary: 6 servers');
    const counts = Object.fromEntries([...summary.parentElement!.querySelectorAll('table:not(.timeline) tr')].map((tr) => [tr.querySelector('th')!.textContent, Number(tr.querySelector('td')!.textContent)]));
    expect(counts).toMatchObject({ valid: 6, expiring: 0, expired: 0, 'no license': 0, online: 5, offline: 1, 'within 90 days': 0 });
    expect(doc.querySelector('#sources')!.textContent).toMatch(/^Merged from 3 reports: all servers \(2 servers\), made .+; all servers \(2 servers\), made .+; all servers \(2 servers\), made .+\./);
    window.close();
  }, 180_000);
});
