/**
 * Looks for secrets where they must never be: the files of a data folder, command output, CSV
 * exports, logs, and anything the renderer can hold (the IPC handlers' answers and events here;
 * a page's state in the browser tests). Each secret is looked for as given and in the forms it
 * takes on its way out: URL- and JSON-escaped, and for credentials the HTTP Basic header.
 * Framework-free, so any test runner can assert on `findings`.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Shorter needles would match by chance. */
const MIN_NEEDLE = 8;
/** A key is looked for by slices of this length, so a part of it is found as well as the whole. */
const KEY_SLICE = 40;

export class SecretScan {
  private readonly needles = new Map<string, string>();
  private readonly found: string[] = [];

  /** A password or other secret text; returns it, so a test can write `scan.add(\`pw-${uuid}\`)`. */
  add(secret: string, what = 'a secret'): string {
    for (const form of [secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)]) {
      if (form.length < MIN_NEEDLE) throw new Error(`a secret to scan for needs at least ${MIN_NEEDLE} characters: ${what}`);
      this.needles.set(form, what);
    }
    return secret;
  }

  /** A username and password, also as the Basic header a client would send. */
  addCredentials(credentials: { username: string; password: string }): { username: string; password: string } {
    this.add(credentials.password, `the password of ${credentials.username}`);
    this.needles.set(Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64'), `the Basic header of ${credentials.username}`);
    return credentials;
  }

  /** A license key's text: its whole and slices of it, since only a part may leak. */
  addKey(text: string): string {
    const key = text.replace(/\s+/g, '');
    if (key.length < KEY_SLICE * 2) throw new Error('a key to scan for is expected to be longer than two slices');
    const middle = Math.floor(key.length / 2 - KEY_SLICE / 2);
    for (const at of [0, middle, key.length - KEY_SLICE]) this.needles.set(key.slice(at, at + KEY_SLICE), 'a license key');
    return text;
  }

  /** Where a secret was found, as "<where>: <what>". Empty when clean. */
  get findings(): readonly string[] {
    return this.found;
  }

  text(where: string, text: string): void {
    const found = new Set<string>();
    for (const [needle, what] of this.needles) if (text.includes(needle)) found.add(what);
    for (const what of found) this.found.push(`${where}: ${what}`);
  }

  /** Any value as the renderer would hold it (JSON-like data; Maps, Sets and errors included). */
  value(where: string, value: unknown): void {
    this.text(where, serialise(value));
  }

  /** Every file below a folder, hidden ones, backups and set-aside copies included. */
  async folder(dir: string): Promise<void> {
    const entries = await readdir(dir, { withFileTypes: true, recursive: true });
    for (const entry of entries) {
      if (!entry.isFile()) continue;
      const path = join(entry.parentPath, entry.name);
      this.text(path, await readFile(path, 'latin1'));
    }
  }
}

function serialise(value: unknown): string {
  const seen = new WeakSet<object>();
  return (
    JSON.stringify(value, (_key, v: unknown) => {
      if (typeof v === 'bigint') return v.toString();
      if (v instanceof Error) return { name: v.name, message: v.message, stack: v.stack };
      if (v instanceof Map) return [...v.entries()];
      if (v instanceof Set) return [...v.values()];
      if (typeof v === 'object' && v !== null) {
        if (seen.has(v)) return '[circular]';
        seen.add(v);
      }
      return v;
    }) ?? String(value)
  );
}
