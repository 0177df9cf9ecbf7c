// `bf-license discover` as a subprocess, over simulated servers on a loopback "subnet" (127.A.B.x)
// and the private OS keychain. Nothing is probed outside 127.0.0.0/8: the refused targets below
// are refused before any probe.
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEYCHAIN_SERVICE_ENV } from '../../electron/core/secrets/secret-store';
import { runCli } from '../helpers/cli';
import { tempDir } from '../helpers/keyring';
import { freePort, loopbackPrefix } from '../helpers/loopback-subnet';
import { startSimServer, type SimServer, type SimServerOptions } from '../sim/server';

if (!process.env.BF_TEST_KEYRING) {
  throw new Error('test/cli runs the real command against the OS keychain: run it with `npm test -- test/cli`, which gives it a private keyring.');
}
const ENV = { ...process.env, [KEYCHAIN_SERVICE_ENV]: `bf-fleet-test-discover-${randomUUID()}` };

const prefix = loopbackPrefix();
let port: number;
let data: Awaited<ReturnType<typeof tempDir>>;
const sims: SimServer[] = [];
const password = `pw-${randomUUID()}`;

async function sim(last: number, opts: SimServerOptions = {}): Promise<SimServer> {
  const server = await startSimServer({ host: `${prefix}.${last}`, port, ...opts });
  sims.push(server);
  return server;
}

const cli = (args: string[], input = '') => runCli([...args, '--data-dir', data.path], { env: ENV, input });

interface Found {
  url: string;
  version: string | null;
  auth: string;
  ready: boolean;
  registered: boolean;
  name: string | null;
  added?: boolean;
  credentials?: string | null;
  error?: { kind: string } | null;
}

beforeAll(async () => {
  port = await freePort(prefix);
  data = await tempDir();
  await sim(9, { version: '0.30.5' });
  await sim(10, { auth: { username: 'admin', password } });
  await sim(11, { fault: 'starting' });
  await sim(12, { auth: { username: 'admin', password: 'another' } });
  await sim(13, { fault: 'refuse' });
});

afterAll(async () => {
  await Promise.all(sims.map((s) => s.close()));
  await data.remove();
});

describe('bf-license discover', () => {
  it('prints only JSON with --json: found servers by address, what each is, and the counts', async () => {
    const run = await cli(['discover', `${prefix}.0/28`, '--ports', String(port), '--timeout', '0.5', '--json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as { found: Found[]; summary: object };
    const at = (last: number) => `http://${prefix}.${last}:${port}`;
    expect(report).toEqual({
      found: [
        { url: at(9), version: '0.30.5', auth: 'none', ready: true, registered: false, name: null },
        { url: at(10), version: null, auth: 'required', ready: true, registered: false, name: null },
        { url: at(11), version: null, auth: 'unknown', ready: false, registered: false, name: null },
        { url: at(12), version: null, auth: 'required', ready: true, registered: false, name: null },
      ],
      summary: { probed: 14, found: 4, added: 0 },
    });
  });

  it('--add registers the new ones in the site, named HOST-PORT and made unique, tests the credentials, and skips registered addresses', async () => {
    // One registered at a found address, one holding the name the next would get (never contacted).
    const csv = join(data.path, 'known.csv');
    await writeFile(csv, `name,url\ncam-known,http://${prefix}.9:${port}\n${prefix}.10-${port},http://${prefix}.250:1\n`);
    expect((await cli(['servers', 'import', csv])).code).toBe(0);
    const run = await cli(
      ['discover', `${prefix}.9-12`, '--ports', String(port), '--timeout', '0.5', '--add', '--site', 'north', '--username', 'admin', '--password-stdin', '--json'],
      `${password}\n`,
    );
    expect(run.code).toBe(0); // a server that refuses the credentials is still added: not a failure
    expect(run.stderr).toMatch(/^bf-license: 3 servers use http:\/\/.*travel unencrypted/);
    const { found, summary } = JSON.parse(run.stdout) as { found: Found[]; summary: object };
    expect(summary).toEqual({ probed: 4, found: 4, added: 3 });
    expect(found.map(({ name, registered, added, credentials }) => ({ name, registered, added, credentials }))).toEqual([
      { name: 'cam-known', registered: true, added: false, credentials: null },
      { name: `${prefix}.10-${port}-2`, registered: true, added: true, credentials: 'accepted' },
      { name: `${prefix}.11-${port}`, registered: true, added: true, credentials: null }, // still starting: untested
      { name: `${prefix}.12-${port}`, registered: true, added: true, credentials: 'refused' },
    ]);
    expect(found[3]!.error?.kind).toBe('UnauthorizedError');
    expect(found[2]!.error?.kind).toBe('ServerNotReady');

    const list = JSON.parse((await cli(['servers', 'list', '--json'])).stdout) as Array<{ name: string; site: string; hasCredentials: boolean }>;
    expect(list.filter((s) => s.site === 'north').map((s) => [s.name, s.hasCredentials])).toEqual([
      [`${prefix}.10-${port}-2`, true],
      [`${prefix}.11-${port}`, true],
      [`${prefix}.12-${port}`, true],
    ]);

    // A second scan finds them all registered and adds nothing; the table says so for people.
    const again = await cli(['discover', `${prefix}.9-12`, '--ports', String(port), '--timeout', '0.5', '--add']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`http://${prefix}.9:${port}`);
    expect(again.stdout).toMatch(/cam-known\s+already registered/);
    expect(again.stdout).toMatch(/4 probed, 4 BrainFrame servers found, 0 added\.\nOne of them requires no login: anyone on its network is admin there/);
  }, 120_000); // four runs of the command, on machines shared with other builds

  it('Ctrl-C cancels the scan: what was found is reported, nothing is added, exit 1', async () => {
    const hanging = await sim(30, { fault: 'hang' });
    await sim(31);
    const before = (await cli(['servers', 'list', '--json'])).stdout;
    const run = await runCli(['discover', `${prefix}.30-31`, '--ports', String(port), '--timeout', '60', '--add', '--data-dir', data.path], {
      env: ENV,
      onSpawn: (child) => {
        const wait = setInterval(() => {
          if (hanging.requests.length > 0) {
            clearInterval(wait);
            child.kill('SIGINT');
          }
        }, 20);
      },
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('probed (cancelled)');
    expect(run.stdout).toContain('The scan was cancelled: nothing was added.');
    expect((await cli(['servers', 'list', '--json'])).stdout).toBe(before);
  }, 90_000);

  it('exits 0 when nothing is found', async () => {
    const run = await cli(['discover', `${prefix}.200-203`, '--ports', String(port), '--timeout', '0.3']);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('4 probed, 0 BrainFrame servers found.\n');
  });

  it.each([
    [['127.0.0.0/8'], /more than 65,536 addresses in all\. Narrow the scan/],
    [['127.0.0.1', '--ports', '0-10'], /ports are 1-65535/],
    [['127.0.0.1', '--site', 'north'], /--site, --username and --password-stdin go with --add/],
  ])('refuses %j with exit 2 and what to do, before probing anything', async (args, message) => {
    const run = await cli(['discover', ...args]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(message);
  });
});
