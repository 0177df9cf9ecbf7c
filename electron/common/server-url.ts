/** The rules of a server's address and of a pinned certificate fingerprint, shared by every form, import and client. */
import { BrainFrameError } from './errors';
import { MAX_URL_LENGTH } from './limits';

/**
 * A server's base URL as BrainFrame's clients use it: the origin alone (`http(s)://host[:port]`),
 * host lower-cased, no credentials, path, query, fragment or trailing slash. Paths such as
 * `/api/license` are appended to it as they are.
 * With `bare`, an address without a scheme (`10.0.0.5`, `10.0.0.5:8080`, `cam-17.site.lan`, as
 * spreadsheets hold them) is read as http, on BrainFrame's default port 80 unless it names one;
 * the other rules still apply to it, and messages quote it as it was written.
 */
export function normaliseServerUrl(input: string, options: { bare?: boolean } = {}): string {
  const text = input.trim();
  // Messages repeat the address, never a password typed into it.
  const shown = redactUrl(text).slice(0, 100);
  const fail = (why: string) => BrainFrameError.of('InvalidUrl', `"${shown}" ${why}`);
  if (text.length === 0) throw BrainFrameError.of('InvalidUrl', 'the address is empty');
  if (text.length > MAX_URL_LENGTH) throw fail(`is longer than ${MAX_URL_LENGTH} characters`);
  const bare = !hasScheme(text);
  if (bare && !options.bare) throw fail('has no scheme: start it with http:// or https://');
  let url: URL;
  try {
    url = new URL(bare ? `http://${text}` : text);
  } catch {
    throw fail('is not a valid address');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw fail(`uses ${url.protocol} but only http and https are allowed`);
  if (url.username || url.password) throw fail('contains credentials: store the username and password separately, in the keychain');
  if (!url.hostname) throw fail('has no host');
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) {
    throw fail('has a path, query or fragment: give only the server (the app adds /api/...)');
  }
  // URL already lower-cases the host and drops default ports; `origin` has no trailing slash.
  return url.origin;
}

/** Whether an address starts with a scheme (`http://`, `ftp://`…); `10.0.0.5:8080` has none. */
export function hasScheme(text: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(text.trim());
}

/**
 * An address as it may be shown to people. Whatever comes before its last "@" may be a password,
 * whatever the rest looks like (a password may hold "/", "@" or "#", and the scheme may be missing),
 * so all of it up to there goes, the scheme apart.
 */
export function redactUrl(text: string): string {
  const at = text.lastIndexOf('@');
  if (at < 0) return text;
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(text)?.[0] ?? '';
  return `${scheme}…${text.slice(at)}`;
}

/** True for a plain-http address: credentials and key texts sent there travel unencrypted. */
export function isCleartext(url: string): boolean {
  return /^http:/i.test(url.trim());
}

/** The one warning about plain http, with the names of the servers it applies to (at most five shown). */
export function cleartextWarning(names: readonly string[]): string {
  const shown = names.slice(0, 5).map((n) => `"${n}"`).join(', ') + (names.length > 5 ? ` and ${names.length - 5} more` : '');
  const subject = names.length === 1 ? `${shown} uses` : `${names.length} servers use`;
  return `${subject} http://${names.length > 1 ? ` (${shown})` : ''}: usernames, passwords and license keys sent there travel unencrypted on the network. Use https:// where the server offers it.`;
}

/** `AA:BB:…` upper-case, as Node's X509Certificate.fingerprint256 prints it; accepts any case, with or without colons. */
export function normaliseFingerprint(input: string): string {
  const hex = input.trim().replace(/^sha256[:=]?/i, '').replace(/[:\s]/g, '').toUpperCase();
  if (!/^[0-9A-F]{64}$/.test(hex)) {
    throw BrainFrameError.of('TlsError', 'a SHA-256 fingerprint is 64 hexadecimal digits, optionally separated by colons');
  }
  return hex.match(/../g)!.join(':');
}
