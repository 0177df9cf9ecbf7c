// A hostile server's text on the user's terminal: escape sequences in its error title, description
// and version (window title OSC 0, clear screen, a fake summary line after a carriage return,
// OSC 52 clipboard, the C1 CSI U+009B, bidi overrides) must reach neither the terminal nor JSON
// output raw; the text itself is still shown, as printable text.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEYCHAIN_SERVICE_ENV } from '../../electron/core/secrets/secret-store';
import { runCli, type CliRun } from '../helpers/cli';
import { tempDir } from '../helpers/keyring';
import { startSimServer, type SimServer } from '../sim/server';

const ESC = '\u001b';
const BEL = '\u0007';
const TITLE = `Evil${ESC}]0;pwned${BEL}${ESC}[2J\r3 servers: 3 ok, 0 failed.${ESC}]52;c;cHduZWQ=${BEL}\u009b2J\u202eError\u2069`;
const DESCRIPTION = `Line one\r${ESC}[1A${ESC}[2Kfake line\u009b0m\u202e\u2066tail\u2069`;
const VERSION = `0.30.5${ESC}]0;v${BEL}\u202e\u009b1m`;
// What is left of each: the printable text, one line, each run of controls one space.
const SHOWN_TITLE = 'Evil ]0;pwned [2J 3 servers: 3 ok, 0 failed. ]52;c;cHduZWQ= 2J Error';
const SHOWN_DESCRIPTION = 'Line one [1A [2Kfake line 0m tail';
const SHOWN_VERSION = '0.30.5 ]0;v 1m';
// C0 but the line feed, DEL, C1, and the bidi embeddings, overrides and isolates.
const UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u;

const env = { ...process.env, [KEYCHAIN_SERVICE_ENV]: `bf-hostile-server-${randomUUID()}` };
let dir: Awaited<ReturnType<typeof tempDir>>;
const sims: SimServer[] = [];

beforeAll(async () => {
  dir = await tempDir('bf-hostile-server-');
  const titled = await startSimServer({ licenseError: { status: 409, title: TITLE, description: DESCRIPTION } });
  const versioned = await startSimServer({ state: 'valid', version: VERSION });
  sims.push(titled, versioned);
  for (const [name, server] of [['titled', titled], ['versioned', versioned]] as const) {
    const added = await runCli(['servers', 'add', '--name', name, '--url', server.url, '--data-dir', dir.path], { env });
    expect(added.code, added.stderr).toBe(0);
  }
});

afterAll(async () => {
  await Promise.all(sims.map((s) => s.close()));
  await dir?.remove();
});

function expectPrintable(run: CliRun): void {
  expect(run.stdout).not.toMatch(UNSAFE);
  expect(run.stderr).not.toMatch(UNSAFE);
}

describe('status against a server that answers with escape sequences', () => {
  it('prints its title, description and version as printable text only', async () => {
    const run = await runCli(['status', '--all', '--data-dir', dir.path], { env });
    expect(run.code, run.stderr).toBe(1);
    expectPrintable(run);
    expect(run.stdout).toContain(`failed: ${SHOWN_TITLE}`);
    expect(run.stdout).toContain(`titled: The server reported ${SHOWN_TITLE}: ${SHOWN_DESCRIPTION}.`);
    expect(run.stdout).toContain(SHOWN_VERSION);
    // The one summary line is the tool's own, the last.
    expect(run.stdout.trimEnd().split('\n').at(-1)).toBe('2 servers: 1 ok, 1 failed.');
  });

  it('gives them as printable text in JSON too', async () => {
    const run = await runCli(['status', '--all', '--json', '--data-dir', dir.path], { env });
    expect(run.code, run.stderr).toBe(1);
    expectPrintable(run);
    const { results } = JSON.parse(run.stdout) as { results: { name: string; version: string | null; error: { kind: string; message: string } | null }[] };
    const titled = results.find((r) => r.name === 'titled')!;
    expect(titled.error).toEqual({ kind: SHOWN_TITLE, message: `The server reported ${SHOWN_TITLE}: ${SHOWN_DESCRIPTION}.` });
    expect(results.find((r) => r.name === 'versioned')).toMatchObject({ version: SHOWN_VERSION, error: null });
  });
});
