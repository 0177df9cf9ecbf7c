// `bf-license report`: the handover report and the expiry calendar, written by the real command
// line from a real data folder (servers read from simulated BrainFrame servers on loopback, the
// real keychain, the real history) and read back as their users' programs read them: HTML parsed
// by a DOM, PDF text extracted by poppler's pdftotext, CSV by csv-parse, the calendar by Mozilla's
// ical.js under several time zones. No password, key text or key fingerprint in any of them.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { Window } from 'happy-dom';
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toCsv } from '../../electron/common/csv';
import { REPORT_CSV_HEADER } from '../../electron/common/report-formats';
import { KEYCHAIN_SERVICE_ENV } from '../../electron/core/secrets/secret-store';
import { runCli } from '../helpers/cli';
import { tempDir } from '../helpers/keyring';
import { SecretScan } from '../helpers/secret-scan';
import { mintKey, utcDateFromToday } from '../sim/keys';
import { startSimServer, type SimServer } from '../sim/server';

if (!process.env.BF_TEST_KEYRING) throw new Error('test/cli runs the real command against the OS keychain: run it with `npm test -- test/cli`.');

const env = { ...process.env, [KEYCHAIN_SERVICE_ENV]: `bf-report-${randomUUID()}` };
const HOSTILE = `<img src=x onerror=alert(1)>"&'<script>alert(2)</script>`;
const FORMULA = "=HYPERLINK(\"http://evil\";\"x\")";
const DAYS = { soon: 10, later: 45, far: 200 };

interface Spec {
  name: string;
  site: string;
  sim: Parameters<typeof startSimServer>[0];
  password?: string;
  /** Closed before the check: unreachable. */
  down?: boolean;
  /** Added after the check: never checked. */
  late?: boolean;
}

const scan = new SecretScan();
const password = scan.add(`pw-${randomUUID()}`, 'a password');
const key = scan.addKey(mintKey({ maxStreams: 12, expires: utcDateFromToday(DAYS.far) }));

const SPECS: Spec[] = [
  { name: 'north-valid', site: 'north', sim: { terms: { expiration_date: utcDateFromToday(DAYS.later), max_streams: 8, journal_max_allowed_age: 30 * 86400 + 6 * 3600 + 5 * 60 } } },
  { name: 'north-soon', site: 'north', sim: { terms: { expiration_date: utcDateFromToday(DAYS.soon), max_streams: 4, online_checkin: true } } },
  { name: 'north-perpetual', site: 'north', sim: { terms: { expiration_date: null, max_streams: 16 } } },
  { name: 'north-applied', site: 'north', sim: { state: 'missing' } },
  { name: 'south-expired', site: 'south', sim: { state: 'expired' } },
  { name: 'south-invalid', site: 'south', sim: { state: 'invalid' } },
  { name: 'south-missing', site: 'south', sim: { state: 'missing' } },
  { name: 'south-auth', site: 'south', sim: { state: 'valid', auth: { username: 'admin', password: `other-${randomUUID()}` } }, password },
  { name: 'south-down', site: 'south', sim: { state: 'valid' }, down: true },
  { name: HOSTILE, site: FORMULA, sim: { terms: { expiration_date: utcDateFromToday(DAYS.soon), max_streams: 2 } } },
  { name: 'lone-never', site: '', sim: { state: 'valid' }, late: true },
];

let dir: Awaited<ReturnType<typeof tempDir>>;
const sims: SimServer[] = [];
const outputs = new Map<string, string>();

async function add(spec: Spec, url: string): Promise<void> {
  const args = ['servers', 'add', '--name', spec.name, '--url', url, '--site', spec.site, '--data-dir', dir.path];
  const run = await runCli(spec.password ? [...args, '--username', 'admin', '--password-stdin'] : args, { env, input: spec.password ? `${spec.password}\n` : '' });
  expect(run.code, run.stderr).toBe(0);
}

/** Runs `report` and returns the file it wrote, keeping it for the secret scan. */
async function report(args: string[], file: string, runEnv: NodeJS.ProcessEnv = env): Promise<string> {
  const out = join(dir.path, 'out', file);
  const run = await runCli(['report', ...args, '--out', out, '--data-dir', dir.path], { env: runEnv, timeoutMs: 60_000 });
  expect(run.code, run.stderr).toBe(0);
  expect(run.stdout).toMatch(/^Wrote .+: (report|expiry calendar) of \d+ servers?\.\n$/);
  const bytes = await readFile(out);
  const text = bytes.toString(file.endsWith('.pdf') ? 'latin1' : 'utf8');
  outputs.set(file, `${run.stdout}${run.stderr}`);
  return text;
}

beforeAll(async () => {
  dir = await tempDir('bf-report-');
  execFileSync('mkdir', ['-p', join(dir.path, 'out')]);
  for (const spec of SPECS) sims.push(await startSimServer(spec.sim));
  // One import for all but the late one: quicker than a command per server.
  // (The CSV writer neutralises the formula site, as it should: that server is added on its own.)
  const alone = (spec: Spec) => spec.late || spec.site === FORMULA;
  const rows = SPECS.flatMap((spec, i) => (alone(spec) ? [] : [[spec.name, sims[i]!.url, spec.site, spec.password ? 'admin' : '', spec.password ?? '']]));
  await writeFile(join(dir.path, 'servers.csv'), toCsv([['name', 'url', 'site', 'username', 'password'], ...rows]));
  const imported = await runCli(['servers', 'import', join(dir.path, 'servers.csv'), '--data-dir', dir.path], { env });
  expect(imported.code, imported.stderr).toBe(0);
  await Promise.all(SPECS.flatMap((spec, i) => (spec.down ? [sims[i]!.close()] : [])));
  await add(SPECS.find((spec) => spec.site === FORMULA)!, sims[SPECS.findIndex((spec) => spec.site === FORMULA)]!.url);
  await writeFile(join(dir.path, 'key.txt'), key);
  const applied = await runCli(['apply', '--key', join(dir.path, 'key.txt'), '--server', 'north-applied', '--data-dir', dir.path], { env });
  expect(applied.code, applied.stderr).toBe(0);
  const status = await runCli(['status', '--all', '--timeout', '5', '--data-dir', dir.path], { env });
  expect(status.code).toBe(1); // the wrong password and the server that is down
  const late = SPECS.find((s) => s.late)!;
  await add(late, sims[SPECS.indexOf(late)]!.url);
}, 120_000);

afterAll(async () => {
  await Promise.all(sims.map((s) => s.close()));
  await dir?.remove();
});

describe('bf-license report', () => {
  it('writes one self-contained HTML page with every server, site by site, escaped and without script', async () => {
    const html = await report(['--all', '--format', 'html'], 'report.html');
    // Markup from names stays text: no element of its own, and nothing that would load from elsewhere.
    expect(html).not.toMatch(/<script|<img|<link|<iframe|url\(|@import/i);
    const window = new Window();
    window.document.write(html);
    const doc = window.document;
    expect(doc.querySelector('h1')!.textContent).toBe('License report: all servers');
    expect(doc.querySelectorAll('script, img, iframe, link, object, embed, [src], [href]').length).toBe(0);
    const sites = [...doc.querySelectorAll('main section h2')].map((h) => h.textContent);
    expect(sites).toEqual(expect.arrayContaining(['Site north (4 servers)', 'Site south (5 servers)', 'Servers without a site (1 server)', `Site ${FORMULA} (1 server)`]));
    const rows = new Map([...doc.querySelectorAll('table.servers tbody tr')].map((tr) => [tr.querySelector('td')!.childNodes[0]!.textContent!, [...tr.querySelectorAll('td')].map((td) => td.textContent!.trim())]));
    expect([...rows.keys()].sort()).toEqual(SPECS.map((s) => s.name).sort());
    const cols = (name: string) => rows.get(name)!;
    // Server, Version, License, Expires, Days left, Max streams, Analysed streams, Check-in, Journal, Last checked, Last applied
    expect(cols('north-valid').slice(1, 9)).toEqual(['0.30.5', '✓ valid', utcDateFromToday(DAYS.later), expect.stringMatching(/^4[456]$/), '8', 'not read', 'no', '30d6h5m']);
    expect(cols('north-soon')[2]).toBe('◷ expiring');
    expect(cols('north-soon')[7]).toBe('yes');
    expect(cols('north-perpetual')[3]).toBe('Perpetual');
    expect(cols('north-applied')[10]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d, key “key”$/);
    expect(cols('south-expired')[2]).toBe('✕ expired');
    expect(cols('south-invalid')[2]).toBe('! invalid');
    expect(cols('south-missing')[2]).toBe('– no license');
    expect(cols('south-missing')[3]).toBe('none');
    expect(cols('south-auth')[2]).toMatch(/^\? not read\s*Wrong username or password$/);
    expect(cols('south-down')[2]).toMatch(/^\? not read; offline\s*Server unreachable$/);
    expect(cols('lone-never')[9]).toBe('never');
    expect(cols(HOSTILE)[0]).toContain('127.0.0.1:');
    // The summary's figures.
    const summary = doc.querySelector('#summary')!.parentElement!;
    const counts = Object.fromEntries([...summary.querySelectorAll('table:not(.timeline) tr')].map((tr) => [tr.querySelector('th')!.textContent, Number(tr.querySelector('td')!.textContent)]));
    expect(counts).toMatchObject({ valid: 3, expiring: 2, expired: 1, invalid: 1, 'no license': 1, 'not read': 3, online: 9, offline: 1, 'never checked': 1, 'within 30 days': 2, 'within 60 days': 3, 'within 90 days': 3, perpetual: 1 });
    expect(doc.querySelector('#data-source')!.textContent).toMatch(/^Last known status, not read again for this report: checked between .+; 1 server never checked\.$/);
    window.close();
  });

  it('prints the same report to PDF through headless Chromium, and its text reads back', async () => {
    if (!existsSync('/usr/bin/chromium')) throw new Error('Debian chromium is a test prerequisite (see README)');
    const pdf = await report(['--site', 'north', '--format', 'pdf', '--paper', 'letter'], 'north.pdf');
    expect(pdf.startsWith('%PDF-')).toBe(true);
    const text = execFileSync('pdftotext', ['-layout', join(dir.path, 'out', 'north.pdf'), '-'], { encoding: 'utf8' });
    expect(text).toContain('License report: site north');
    for (const name of ['north-valid', 'north-soon', 'north-perpetual', 'north-applied']) expect(text).toContain(name);
    expect(text).not.toContain('south-');
    expect(text).toContain('Perpetual');
    expect(text).toContain('30d6h5m');
    expect(text).toMatch(/Fleet summary: 4 servers/);
  }, 60_000);

  it('says what to do when no browser is there to print a PDF, and writes nothing', async () => {
    const out = join(dir.path, 'out', 'none.pdf');
    const run = await runCli(['report', '--all', '--format', 'pdf', '--out', out, '--data-dir', dir.path], { env: { ...env, BF_CHROMIUM_PATH: '/nonexistent/chromium' } });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('bf-license: BF_CHROMIUM_PATH names /nonexistent/chromium, which does not exist. Point it at a Chromium or Chrome binary, or unset it.\n');
    expect(existsSync(out)).toBe(false);
  });

  it('writes CSV with one row per server, formulas neutralised, and JSON with the same figures', async () => {
    const csv = await report(['--all', '--format', 'csv'], 'report.csv');
    const rows = parseCsv(csv, { columns: true, bom: true }) as Record<string, string>[];
    expect(Object.keys(rows[0]!)).toEqual(REPORT_CSV_HEADER);
    expect(rows.map((r) => r.Server).sort()).toEqual(SPECS.map((s) => s.name).sort());
    const byName = new Map(rows.map((r) => [r.Server, r]));
    expect(byName.get(HOSTILE)!.Site).toBe(`'${FORMULA}`);
    expect(byName.get('north-valid')).toMatchObject({ 'License state': 'valid', Health: 'valid', Expires: utcDateFromToday(DAYS.later), 'Max streams': '8', 'Analysed streams': 'not read', 'Journal retention': '30d6h5m', Reachability: 'online' });
    expect(byName.get('north-perpetual')!.Expires).toBe('Perpetual');
    expect(byName.get('south-down')).toMatchObject({ 'License state': 'not read', Reachability: 'offline' });
    expect(byName.get('lone-never')).toMatchObject({ Reachability: 'never checked', 'Last checked': 'never', Needs: 'Read its license' });

    const json = JSON.parse(await report(['--all', '--format', 'json'], 'report.json')) as { format: string; summary: { byHealth: Record<string, number>; licensedStreams: number; analyzedStreams: number | null }; sites: { name: string; servers: { name: string; health: string; expiryDate: string | null }[] }[] };
    expect(json.format).toBe('bf-license-report');
    expect(json.summary.byHealth).toEqual({ valid: 3, expiring: 2, expired: 1, invalid: 1, missing: 1, unknown: 3 });
    expect(json.summary.licensedStreams).toBe(8 + 4 + 16 + 12 + 2);
    expect(json.summary.analyzedStreams).toBeNull();
    const flat = json.sites.flatMap((s) => s.servers);
    for (const r of rows) {
      const j = flat.find((s) => s.name === r.Server)!;
      expect(r.Health).toBe({ missing: 'no license', unknown: 'not read' }[j.health] ?? j.health);
    }
  });

  it('writes an expiry calendar that ical.js reads with the same plain dates in every time zone', async () => {
    const expected = new Map([
      ['north-valid', utcDateFromToday(DAYS.later)],
      ['north-soon', utcDateFromToday(DAYS.soon)],
      ['north-applied', utcDateFromToday(DAYS.far)],
      [HOSTILE, utcDateFromToday(DAYS.soon)],
    ]);
    const calendars: string[] = [];
    for (const tz of ['Pacific/Kiritimati', 'UTC', 'America/Los_Angeles']) {
      const ics = await report(['--all', '--format', 'ics', '--reminders', '30,7,1'], `cal-${tz.replace('/', '-')}.ics`, { ...env, TZ: tz });
      const text = ics;
      expect(text.split('\r\n').every((line) => Buffer.byteLength(line) <= 75)).toBe(true);
      expect(text.replace(/\r\n/g, '')).not.toMatch(/\n/);
      const calendar = new ICAL.Component(ICAL.parse(text));
      const events = calendar.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
      const dates = new Map(events.map((ev) => [ev.description.match(/^The BrainFrame license of (.+) \(127\.0\.0\.1:\d+\)/s)![1]!, ev]));
      expect([...dates.keys()].sort()).toEqual([...expected.keys()].sort());
      for (const [name, date] of expected) {
        const ev = dates.get(name)!;
        expect(ev.startDate.isDate).toBe(true);
        expect(ev.startDate.toString()).toBe(date);
        expect(ev.endDate.toString()).toBe(new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10));
        expect(ev.summary).toBe(`BrainFrame license expires: ${name}`);
        const alarms = ev.component.getAllSubcomponents('valarm').map((a) => a.getFirstPropertyValue('trigger')!.toString());
        expect(alarms).toEqual(['-P30D', '-P7D', '-P1D']);
      }
      calendars.push(text.replace(/^DTSTAMP:.*\r\n/gm, ''));
    }
    // Only the moment it was made differs: every event, date and UID is the same whatever the zone.
    expect(new Set(calendars).size).toBe(1);
  }, 60_000);

  it('groups a site\'s servers that expire on the same day into one event listing them', async () => {
    const ics = await report(['--site', 'north', '--format', 'ics', '--group', 'site', '--reminders', '14'], 'north.ics');
    const events = new ICAL.Component(ICAL.parse(ics)).getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
    expect(events.map((e) => e.summary).sort()).toEqual(['BrainFrame licenses expire: north, north-applied', 'BrainFrame licenses expire: north, north-soon', 'BrainFrame licenses expire: north, north-valid'].sort());
    expect(events[0]!.component.getFirstSubcomponent('valarm')!.getFirstPropertyValue('trigger')!.toString()).toBe('-P14D');
  });

  it('refuses wrong options with a clear message and exit status 2', async () => {
    const cases: [string[], RegExp][] = [
      [['--all', '--format', 'doc', '--out', 'x'], /--format needs one of html, pdf, csv, json, ics\./],
      [['--all', '--format', 'ics', '--reminders', '30,x', '--out', 'x'], /--reminders: Reminders are days before the expiry separated by commas/],
      [['--all', '--format', 'html', '--out', join(dir.path, 'missing', 'r.html')], /the folder .+missing does not exist/],
    ];
    for (const [args, message] of cases) {
      const run = await runCli(['report', ...args, '--data-dir', dir.path], { env });
      expect(run.code, run.stderr).toBe(2);
      expect(run.stderr).toMatch(message);
    }
  });

  it('merges report JSON files (--from) into one report: every row, a summary computed again, each site\'s own "made"', async () => {
    const north = JSON.parse(await report(['--site', 'north', '--format', 'json'], 'north.json')) as { generatedAt: string; summary: { byHealth: Record<string, number> } };
    const south = JSON.parse(await report(['--site', 'south', '--format', 'json'], 'south.json')) as typeof north;
    // As if the north site's report had been made three hours earlier, on a host that gathered it then.
    const earlier = new Date(Date.now() - 3 * 3_600_000).toISOString();
    await writeFile(join(dir.path, 'out', 'north.json'), JSON.stringify({ ...north, generatedAt: earlier }));
    const from = ['--from', join(dir.path, 'out', 'north.json'), '--from', join(dir.path, 'out', 'south.json')];

    const csv = await report([...from, '--format', 'csv'], 'merged.csv');
    const rows = parseCsv(csv, { columns: true, bom: true }) as Record<string, string>[];
    expect(Object.keys(rows[0]!)).toEqual(REPORT_CSV_HEADER);
    expect(rows.map((r) => r.Server).sort()).toEqual(SPECS.filter((s) => s.site === 'north' || s.site === 'south').map((s) => s.name).sort());
    for (const r of rows) expect(r['Report made']).toBe(r.Site === 'north' ? earlier : south.generatedAt);
    expect(rows.find((r) => r.Server === 'south-down')).toMatchObject({ 'License state': 'not read', Reachability: 'offline' });

    const json = JSON.parse(await report([...from, '--format', 'json'], 'merged.json')) as { scope: string; fresh: boolean; summary: { total: number; byHealth: Record<string, number> }; sources: { scope: string; generatedAt: string; servers: number }[] };
    expect(json).toMatchObject({ scope: 'merged from 2 reports', fresh: false, summary: { total: 9 } });
    for (const [health, n] of Object.entries(json.summary.byHealth)) expect(n).toBe((north.summary.byHealth[health] ?? 0) + (south.summary.byHealth[health] ?? 0));
    expect(json.sources).toEqual([
      { scope: 'site north', generatedAt: earlier, servers: 4 },
      { scope: 'site south', generatedAt: south.generatedAt, servers: 5 },
    ]);

    const html = await report([...from, '--format', 'html'], 'merged.html');
    const window = new Window();
    window.document.write(html);
    const doc = window.document;
    expect(doc.querySelector('h1')!.textContent).toBe('License report: merged from 2 reports');
    expect(doc.querySelector('#sources')!.textContent).toMatch(/^Merged from 2 reports: site north \(4 servers\), made .+ \(3 h ago\); site south \(5 servers\), made .+ \((just now|\d+ min ago)\)\. Each server's figures are as its site's report read them\.$/);
    expect([...doc.querySelectorAll('main section h2')].map((h) => h.textContent)).toEqual(expect.arrayContaining(['Fleet summary: 9 servers', 'Site north (4 servers)', 'Site south (5 servers)']));
    window.close();
  });

  it('refuses --from files that are not report JSON, or that hold a server twice, with what to do (exit 2)', async () => {
    const out = join(dir.path, 'out', 'refused.html');
    await writeFile(join(dir.path, 'out', 'status.json'), JSON.stringify({ results: [], summary: { total: 0, ok: 0, failed: 0 } }));
    await writeFile(join(dir.path, 'out', 'broken.json'), '{"format": "bf-license-report", ');
    const all = JSON.parse(await readFile(join(dir.path, 'out', 'report.json'), 'utf8')) as { sites: { servers: { health: string }[] }[] };
    all.sites[0]!.servers[0]!.health = 'great';
    await writeFile(join(dir.path, 'out', 'edited.json'), JSON.stringify(all));
    const file = (name: string) => join(dir.path, 'out', name);
    const cases: [string[], RegExp][] = [
      [['--from', file('status.json')], /status\.json is JSON but not a report JSON \(its "format" is missing, not "bf-license-report": is it a status or results file\?\)\. Write each site's report with `bf-license report --all --format json --out FILE` and give those files to --from\./],
      [['--from', file('broken.json')], /broken\.json is not JSON, so not a report JSON that `bf-license report --format json` wrote\. Write each site's report/],
      [['--from', file('edited.json')], /edited\.json is a report JSON with a wrong field, sites\[0\]\.servers\[0\]\.health: .+ \(was it edited\?\)/],
      [['--from', file('nothing.json')], /--from .+nothing\.json: no such file\. Write each site's report/],
      [['--from', file('report.json'), '--from', file('north.json')], /report\.json and .+north\.json both hold server north-\S+ \(id [^)]+\): give each site's report once/],
      [['--from', file('report.json'), '--site', 'north', '--refresh'], /--from merges reports that chose their servers and read them already: leave out --site, --refresh\./],
    ];
    for (const [args, message] of cases) {
      const run = await runCli(['report', ...args, '--format', 'html', '--out', out], { env });
      expect(run.code, run.stderr).toBe(2);
      expect(run.stderr).toMatch(message);
      expect(run.stdout).toBe('');
    }
    expect(existsSync(out)).toBe(false);
  });

  it('Ctrl-C during --refresh stops the reading and still writes the report, the unread servers at their last known status', async () => {
    const own = await tempDir('bf-report-cancel-');
    const answering = await startSimServer({ state: 'valid' });
    const hanging = await startSimServer({ state: 'valid', fault: 'hang' });
    try {
      await writeFile(join(own.path, 'servers.csv'), toCsv([['name', 'url'], ['answers', answering.url], ['hangs', hanging.url]]));
      expect((await runCli(['servers', 'import', join(own.path, 'servers.csv'), '--data-dir', own.path], { env })).code).toBe(0);
      const out = join(own.path, 'report.json');
      const run = await runCli(['report', '--all', '--refresh', '--timeout', '60', '--format', 'json', '--out', out, '--data-dir', own.path], {
        env,
        timeoutMs: 60_000,
        onSpawn: (child) => {
          const wait = setInterval(() => {
            if (hanging.requests.length > 0 && answering.requests.length > 0) {
              clearInterval(wait);
              // The answering server has had time to answer: only the silent one is still out.
              setTimeout(() => child.kill('SIGINT'), 300);
            }
          }, 20);
        },
      });
      expect(run.code, run.stderr).toBe(1);
      expect(run.stderr).toContain('1 server could not be read: the report shows their last known status.');
      const json = JSON.parse(await readFile(out, 'utf8')) as { sites: { servers: { name: string; health: string }[] }[] };
      const health = new Map(json.sites.flatMap((site) => site.servers).map((server) => [server.name, server.health]));
      expect(health).toEqual(new Map([['answers', 'valid'], ['hangs', 'unknown']])); // never read before: nothing known
    } finally {
      await Promise.all([answering.close(), hanging.close()]);
      await own.remove();
    }
  }, 90_000);

  it('never writes a password, key text or key fingerprint in any format', async () => {
    const { stdout } = await runCli(['keys', 'list', '--json', '--data-dir', dir.path], { env });
    const [{ fingerprint }] = JSON.parse(stdout) as [{ fingerprint: string }];
    scan.add(fingerprint, 'a key fingerprint');
    scan.add(fingerprint.replace(/:/g, ''), 'a key fingerprint');
    expect(outputs.size).toBeGreaterThanOrEqual(8);
    for (const file of outputs.keys()) scan.text(file, await readFile(join(dir.path, 'out', file), 'utf8').catch(() => ''));
    for (const [file, out] of outputs) scan.text(`${file} (command output)`, out);
    expect(scan.findings).toEqual([]);
  });
});
