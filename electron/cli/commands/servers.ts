import { AppError } from '../../common/errors';
import type { Credentials, Server } from '../../common/types';
import { FIELD_LIMITS } from '../../common/limits';
import type { FleetCore } from '../../core/fleet-core';
import { readImportFile } from '../../core/registry/import-file';
import { importNotes } from '../../common/import-columns';
import { UsageError, parseCommand, readStdin } from '../args';
import { listCommand, withCore, type Command } from '../command';
import { print, table, warn } from '../output';
import { cleartextWarning, isCleartext } from '../../common/server-url';

export function findServer(core: FleetCore, name: string): Server {
  const server = core.registry.findByName(name);
  if (!server) throw new AppError('NotFound', `No server is named "${name}": run \`bf-license servers list\` to see the names.`);
  return server;
}

/** The username with the password read from standard input; never from an argument. */
export async function credentials(username: string | undefined, passwordStdin: boolean | undefined): Promise<Credentials | null> {
  if (username === undefined && !passwordStdin) return null;
  if (username === undefined) throw new UsageError('--password-stdin needs --username USER.');
  if (!passwordStdin) throw new UsageError('--username needs --password-stdin: the password is read from standard input, never from an argument.');
  // Only the line end that `echo` or a password file adds; other whitespace may belong to the password.
  return { username, password: (await readStdin(FIELD_LIMITS.password * 4 + 2, 'a password')).replace(/\r?\n$/, '') };
}

/** The options that set a server's fields, for servers add and servers edit. */
const SERVER_FIELD_OPTIONS = {
  name: { type: 'string' },
  url: { type: 'string' },
  site: { type: 'string' },
  username: { type: 'string' },
  'password-stdin': { type: 'boolean' },
  'tls-fingerprint': { type: 'string' },
} as const;

const add: Command = {
  name: 'servers add',
  synopsis: '--name NAME --url URL [--site SITE] [--username USER --password-stdin] [--tls-fingerprint SHA256]',
  help: `Registers a BrainFrame server. Its username and password go to the OS keychain only.

  --name NAME      A unique name, such as the customer and room it is in.
  --url URL        The server's address: http://host[:port] or https://host[:port].
  --site SITE      A group such as the customer's premises, for --site in status and apply.
  --username USER  The account to log in with, for servers that require authentication.
  --password-stdin Read that account's password from standard input, for example
                     printf '%s\\n' "$PASSWORD" | bf-license servers add ... --password-stdin
  --tls-fingerprint SHA256
                   Trust the https server's own certificate with this SHA-256 fingerprint.`,
  async run(args) {
    const { values } = parseCommand(args, SERVER_FIELD_OPTIONS);
    const { name, url } = values;
    if (name === undefined || url === undefined) throw new UsageError('servers add needs --name NAME and --url URL.');
    const creds = await credentials(values.username, values['password-stdin']);
    return withCore(values['data-dir'], async (core) => {
      const server = await core.registry.add({ name, url, site: values.site, tlsFingerprint: values['tls-fingerprint'], credentials: creds });
      const details = [server.url, server.site && `site ${server.site}`, server.hasCredentials ? 'with credentials' : 'no credentials'].filter(Boolean);
      print(`Added server "${server.name}" (${details.join(', ')}).`);
      if (server.hasCredentials && isCleartext(server.url)) warn(cleartextWarning([server.name]));
      return 0;
    });
  },
};

const edit: Command = {
  name: 'servers edit',
  synopsis: 'NAME [--name NEW] [--url URL] [--site SITE] [--username USER --password-stdin] [--tls-fingerprint SHA256] [--keep-credentials]',
  help: `Changes a registered server; only the options given change.

  --name NEW       A new unique name.
  --url URL        A new address. Stored credentials belong to the address they were entered for:
                     with a new address they are removed, unless you give new ones
                     (--username with --password-stdin) or --keep-credentials.
  --site SITE      A new site ('' for none).
  --username USER  New credentials, with the password read from standard input (--password-stdin).
  --password-stdin
  --tls-fingerprint SHA256
                   Pin the https server's own certificate ('' to remove the pin).
  --keep-credentials
                   With --url: keep the stored credentials for the new address (you confirm that
                     the new address is the same server, or one that may have them).`,
  async run(args) {
    const { values, positionals } = parseCommand(args, { ...SERVER_FIELD_OPTIONS, 'keep-credentials': { type: 'boolean' } }, ['NAME']);
    const creds = await credentials(values.username, values['password-stdin']);
    if (values['keep-credentials'] && values.url === undefined) throw new UsageError('--keep-credentials goes with --url: it keeps the stored credentials for a new address.');
    if (values['keep-credentials'] && creds) throw new UsageError('Give new credentials or --keep-credentials, not both.');
    return withCore(values['data-dir'], async (core) => {
      const before = findServer(core, positionals[0]!);
      const changes = {
        ...(values.name !== undefined ? { name: values.name } : {}),
        ...(values.url !== undefined ? { url: values.url } : {}),
        ...(values.site !== undefined ? { site: values.site } : {}),
        ...(values['tls-fingerprint'] !== undefined ? { tlsFingerprint: values['tls-fingerprint'] || null } : {}),
        ...(creds ? { credentials: creds } : {}),
      };
      if (Object.keys(changes).length === 0) throw new UsageError('Nothing to change: give --name, --url, --site, --username with --password-stdin, or --tls-fingerprint.');
      const server = await core.registry.update(before.id, changes, { keepCredentials: values['keep-credentials'] });
      const dropped = before.hasCredentials && !server.hasCredentials;
      print(`Updated server "${server.name}" (${server.url}, ${server.hasCredentials ? 'with credentials' : 'no credentials'}).`);
      if (dropped) warn(`The stored credentials were entered for ${before.url} and were removed with the new address. Give them again with --username and --password-stdin, or use --keep-credentials.`);
      if (server.hasCredentials && isCleartext(server.url)) warn(cleartextWarning([server.name]));
      return 0;
    });
  },
};

const importCsv: Command = {
  name: 'servers import',
  synopsis: 'FILE [--sheet NAME]',
  help: `Registers the servers of a spreadsheet: an .xlsx workbook (its first sheet, or --sheet NAME)
or a CSV file separated by commas, semicolons or tabs (Excel's BOM and any line ends are fine).
The first row names the columns, in any order and any case:
  url (required)  or address, ip, ip address, host, hostname, server
  name            (optional: without it, each server is named after its address)
  site            or location, customer, premises
  username        or user, login
  password        or pass, pwd
  notes           or comment, description
  tls_fingerprint
Other columns are ignored, and said so. A bare address (10.0.0.5, 10.0.0.5:8080, cam-17.site.lan)
is read as http://, on port 80 unless it names one. In a workbook, a formula gives its cached
value (nothing is evaluated) and dates, numbers and links the text they show. Passwords go to the
OS keychain only. Prints how the file was read and what became of each row; refused rows are not
imported, the others are.

Exit status: 0 when every row was imported, 1 when any was refused, 2 when the file cannot be read.`,
  async run(args) {
    const { values, positionals } = parseCommand(args, { sheet: { type: 'string' } }, ['FILE']);
    const file = await readImportFile(positionals[0]!, values.sheet);
    if (values.sheet !== undefined && 'text' in file) throw new UsageError('--sheet names a sheet of an .xlsx workbook; this file is CSV text.');
    return withCore(values['data-dir'], async (core) => {
      const report = await core.registry.importFile(file);
      for (const note of importNotes(report)) print(note);
      const rows = report.rows.map((r) =>
        r.accepted
          ? [String(r.row), 'imported', r.name, r.url, [r.site && `site ${r.site}`, r.hasCredentials && 'with credentials', r.bareAddress && `from ${r.bareAddress}`].filter(Boolean).join(', ')]
          : [String(r.row), 'refused', r.name || '-', r.url || '-', r.reason],
      );
      if (rows.length) print(table(['ROW', 'RESULT', 'NAME', 'URL', 'DETAIL'], rows));
      print(`${report.accepted} imported, ${report.refused} refused.`);
      const cleartext = report.rows.filter((r) => r.accepted && r.hasCredentials && isCleartext(r.url)).map((r) => r.name);
      if (cleartext.length) warn(cleartextWarning(cleartext));
      return report.refused > 0 ? 1 : 0;
    });
  },
};

const list = listCommand({
  name: 'servers list',
  help: `Lists the registered servers, sorted by name. Passwords are never shown: only whether some
are stored.`,
  items: (core) => core.registry.list(),
  empty: 'No servers yet: add them with `bf-license servers add` or `bf-license servers import`.',
  headers: ['NAME', 'SITE', 'URL', 'CREDENTIALS', 'CERTIFICATE'],
  row: (s) => [s.name, s.site || '-', s.url, s.hasCredentials ? 'yes' : 'no', s.tlsFingerprint ? 'pinned' : '-'],
});

const remove: Command = {
  name: 'servers remove',
  synopsis: 'NAME',
  help: 'Removes a server, with its stored credentials and last known status.',
  async run(args) {
    const { values, positionals } = parseCommand(args, {}, ['NAME']);
    return withCore(values['data-dir'], async (core) => {
      const server = findServer(core, positionals[0]!);
      await core.registry.remove(server.id);
      print(`Removed server "${server.name}".`);
      return 0;
    });
  },
};

export const serverCommands = [add, edit, importCsv, list, remove];
