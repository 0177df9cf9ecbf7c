import { z } from 'zod';
import { AppError } from '../../common/errors';
import { FIELD_LIMITS } from '../../common/limits';
import { normaliseFingerprint, normaliseServerUrl } from '../../common/server-url';
import { hasControlChars } from '../../common/text';
import type { Credentials, Server, ServerInput } from '../../common/types';
import { MAX_KEYCHAIN_SECRET_BYTES } from '../secrets/secret-store';

/** A server as the registry file stores it (see Server): never its credentials, only `hasCredentials`. */
export const serverSchema = z.object({
  id: z.uuid(),
  name: z.string().min(1),
  url: z.string(),
  site: z.string(),
  notes: z.string(),
  tlsFingerprint: z.string().nullable(),
  hasCredentials: z.boolean(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
}) satisfies z.ZodType<Server>;

/** The validated, normalised fields of a server that a user edits (credentials apart). */
export type ServerFields = Pick<Server, 'name' | 'url' | 'site' | 'notes' | 'tlsFingerprint'>;
export const EDITABLE_FIELDS = ['name', 'url', 'site', 'notes', 'tlsFingerprint'] as const satisfies readonly (keyof ServerFields)[];

function invalid(message: string): AppError {
  return new AppError('InvalidInput', message);
}

/** The one validator behind add, edit, CSV preview and import. Throws AppError (InvalidInput, or InvalidUrl from normaliseServerUrl). */
export function normaliseFields(draft: Omit<ServerInput, 'credentials'>): ServerFields {
  const name = draft.name.trim().normalize('NFC');
  if (!name) throw invalid('The server has no name: give it one, such as the customer and room it is in.');
  if (name.length > FIELD_LIMITS.name) throw invalid(`The name is ${name.length} characters long: shorten it to at most ${FIELD_LIMITS.name}.`);
  if (hasControlChars(name)) throw invalid('The name contains a line break or another control character: use plain text.');
  const url = normaliseServerUrl(draft.url);
  const site = (draft.site ?? '').trim();
  if (site.length > FIELD_LIMITS.site) throw invalid(`The site is ${site.length} characters long: shorten it to at most ${FIELD_LIMITS.site}.`);
  if (hasControlChars(site)) throw invalid('The site contains a line break or another control character: use plain text.');
  const notes = (draft.notes ?? '').trim();
  if (notes.length > FIELD_LIMITS.notes) throw invalid(`The notes are ${notes.length} characters long: shorten them to at most ${FIELD_LIMITS.notes}.`);
  return { name, url, site, notes, tlsFingerprint: normalisePin(draft.tlsFingerprint, url) };
}

function normalisePin(input: string | null | undefined, url: string): string | null {
  if (!input?.trim()) return null;
  let pin: string;
  try {
    pin = normaliseFingerprint(input);
  } catch {
    // normaliseFingerprint's own error is about a server's certificate; here the user typed it.
    throw invalid('The certificate fingerprint must be a SHA-256 fingerprint: 64 hexadecimal digits, optionally separated by colons.');
  }
  // Over plain http the pin would never be checked, which would look safer than it is.
  if (!url.startsWith('https:')) throw invalid('A certificate fingerprint only applies to an https:// address: change the address or clear the fingerprint.');
  return pin;
}

export function normaliseCredentials(input: Credentials): Credentials {
  const username = input.username.trim();
  const { password } = input;
  if (!username) throw invalid('The username is empty: enter the account name, or store no credentials.');
  if (!password) throw invalid('The password is empty: enter the password, or store no credentials.');
  if (username.length > FIELD_LIMITS.username) throw invalid(`The username is longer than ${FIELD_LIMITS.username} characters: check it.`);
  if (password.length > FIELD_LIMITS.password) throw invalid(`The password is longer than ${FIELD_LIMITS.password.toLocaleString('en')} characters: check it.`);
  const credentials = { username, password };
  // Windows' Credential Manager caps a secret in bytes; many multi-byte characters can pass the length caps.
  if (Buffer.byteLength(encodeCredentials(credentials), 'utf8') > MAX_KEYCHAIN_SECRET_BYTES) {
    throw invalid('The username and password together are too large for the OS keychain: use shorter ones.');
  }
  return credentials;
}

const credentialsSchema = z.object({ username: z.string(), password: z.string() });

/** The keychain value: JSON {username, password}. */
export function encodeCredentials(credentials: Credentials): string {
  return JSON.stringify({ username: credentials.username, password: credentials.password });
}

export function decodeCredentials(secret: string): Credentials | null {
  try {
    const parsed = credentialsSchema.safeParse(JSON.parse(secret));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export function duplicateNameError(existingName: string): AppError {
  return new AppError('DuplicateName', `A server named "${existingName}" already exists: choose another name, or edit that server instead.`);
}
