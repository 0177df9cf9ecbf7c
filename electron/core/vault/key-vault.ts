import { createHash, randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { z } from 'zod';
import { AppError } from '../../common/errors';
import type { AuditInput, AuditLog } from '../audit/audit-log';
import type { AuditEntry, KeyApplication, KeyInfo } from '../../common/types';
import { FIELD_LIMITS, MAX_KEY_FILE_BYTES, MAX_LABEL_CHARS } from '../../common/limits';
import { hasControlChars, nameKey, withoutControlChars } from '../../common/text';
import { normaliseKeyText } from '../brainframe/key-text';
import { BrainFrameError } from '../../common/errors';
import { Emitter } from '../../common/events';
import { onUnexpectedError } from '../../common/unexpected';
import { SealedStore } from '../secrets/sealed-store';
import type { SecretStore } from '../secrets/secret-store';
import { JsonFile, JsonFileChanges } from '../storage/json-file';
import { writeFileDurably } from '../storage/durable-write';
import { readKeyFile } from './key-file';
import { licenseTermsSchema } from '../brainframe/license';
import type { LearnedTerms } from '../../common/guards';

const SHORT_FINGERPRINT_CHARS = 12;

// The id names the sealed file, so a hand-edited keys.json must not smuggle in a path.
const keyRecordSchema = z.object({
  id: z.uuid(),
  label: z.string().min(1).max(MAX_LABEL_CHARS),
  fingerprint: z.string().regex(/^[0-9a-f]{64}$/),
  addedAt: z.iso.datetime(),
  bytes: z.number().int().positive(),
  // Absent in files written before keys learned their terms.
  learned: z
    .object({ terms: licenseTermsSchema, server: z.string().min(1).max(FIELD_LIMITS.name), at: z.iso.datetime() })
    .nullable()
    .optional()
    .transform((l) => l ?? null),
}) satisfies z.ZodType<KeyRecord, unknown>;
type KeyRecord = Omit<KeyInfo, 'shortFingerprint'>;

const keysFileSchema = z.object({ version: z.literal(1), keys: z.array(keyRecordSchema) });


export interface KeyVaultOptions {
  dataDir: string;
  secrets: SecretStore;
  audit: AuditLog;
}

/** Enough to tell keys apart on screen; the full fingerprint stays the identity. */
export function shortFingerprint(fingerprint: string): string {
  return fingerprint.slice(0, SHORT_FINGERPRINT_CHARS);
}

/**
 * The license keys the user has added. Key text is kept only sealed (SealedStore) in
 * `keys/<id>.sealed`; `keys.json` holds the metadata. Writes are ordered so a crash leaves at
 * worst an unreferenced sealed file, never metadata without its key.
 */
export class KeyVault {
  private readonly changed = new Emitter<KeyInfo[]>();
  /** Fires with the new listing after every saved add or remove. */
  readonly onDidChange = this.changed.event;
  /** Changes run one at a time, so two adds of the same key cannot both pass the duplicate check. */
  private readonly changes: JsonFileChanges<typeof keysFileSchema>;

  private constructor(
    private readonly keysDir: string,
    private readonly file: JsonFile<typeof keysFileSchema>,
    private readonly sealed: SealedStore,
    private readonly audit: AuditLog,
    private keys: KeyRecord[],
    /** Set when keys.json was unusable at start-up: what happened, for the user. */
    readonly recovered: string | null,
  ) {
    // Another process (the command line, or the app) may have changed the library meanwhile.
    this.changes = new JsonFileChanges(file, (fresh) => {
      this.keys = fresh.keys;
      this.changed.fire(this.list());
    });
  }

  static async open({ dataDir, secrets, audit }: KeyVaultOptions): Promise<KeyVault> {
    const file = new JsonFile(join(dataDir, 'keys.json'), keysFileSchema, () => ({ version: 1 as const, keys: [] }));
    const { value, recovered } = await file.load();
    return new KeyVault(join(dataDir, 'keys'), file, new SealedStore(secrets, dataDir), audit, value.keys, recovered);
  }

  list(): KeyInfo[] {
    return this.keys.map(toInfo);
  }

  get(id: string): KeyInfo | null {
    const record = this.keys.find((k) => k.id === id);
    return record ? toInfo(record) : null;
  }

  findByLabel(label: string): KeyInfo | null {
    const wanted = nameKey(label);
    const record = this.keys.find((k) => nameKey(k.label) === wanted);
    return record ? toInfo(record) : null;
  }

  /** The entry holding this key text, if the vault has it (the same key however it was wrapped). */
  findByText(text: string): KeyInfo | null {
    const fingerprint = fingerprintOf(normaliseKeyText(text));
    const record = this.keys.find((k) => k.fingerprint === fingerprint);
    return record ? toInfo(record) : null;
  }

  /**
   * Pasted text, or a file's content read elsewhere (the renderer reads dropped files). A blank or
   * absent label comes from the file's name, else becomes `key-<short fingerprint>`.
   */
  async addText(text: string, label?: string, fileName?: string): Promise<KeyInfo> {
    if (text.length > MAX_KEY_FILE_BYTES) {
      throw BrainFrameError.of('InvalidKeyText', `the text is longer than ${MAX_KEY_FILE_BYTES / 1024} KiB, far more than any license key`);
    }
    const key = normaliseKeyText(text);
    const fromName = fileName ? cleanLabel(basename(fileName.replace(/\\/g, '/'), extname(fileName))).slice(0, MAX_LABEL_CHARS).trim() : '';
    return this.add(key, label, fromName || `key-${shortFingerprint(fingerprintOf(key))}`);
  }

  /** A file whose whole content is the key; a blank or absent label comes from the file name. */
  async addFile(path: string, label?: string): Promise<KeyInfo> {
    return this.addText(await readKeyFile(path), label, path);
  }

  remove(id: string): Promise<void> {
    return this.changes.queue(async () => {
      const record = this.record(id);
      const rest = this.keys.filter((k) => k !== record);
      // Metadata first: a crash between the two leaves an orphaned sealed file, not a listed key without text.
      await this.file.save({ version: 1, keys: rest });
      this.keys = rest;
      await fs.rm(this.blobPath(id), { force: true });
      await this.commit({ action: 'key.remove', key: auditKey(record) });
    });
  }

  /** The key's text, for applying it. Main process only: it must never cross to the renderer. */
  async keyText(id: string): Promise<string> {
    const path = this.blobPath(this.record(id).id);
    let blob: Buffer;
    try {
      blob = await fs.readFile(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      throw new AppError('SecretUnreadable', `The sealed file of this key (${path}) is missing. Remove the key and add it again.`);
    }
    return this.sealed.open(blob, id);
  }

  /**
   * Records the terms a server reported when this key was applied to it: shown in the library and
   * the apply preview, and what the guards of later applies judge by. The key's text is untouched.
   * Terms equal to those already known keep the first server that taught them (no write); a key
   * removed meanwhile is no error.
   */
  learn(id: string, learned: LearnedTerms): Promise<void> {
    return this.changes.queue(async () => {
      const record = this.keys.find((k) => k.id === id);
      if (!record || (record.learned && sameTerms(record.learned.terms, learned.terms))) return;
      const next = this.keys.map((k) => (k === record ? { ...k, learned: { ...learned, terms: { ...learned.terms } } } : k));
      await this.file.save({ version: 1, keys: next });
      this.keys = next;
      this.changed.fire(this.list());
    });
  }

  /** Where each key was applied and with what result, newest first, by key id: one read of the history. */
  async applications(): Promise<Record<string, KeyApplication[]>> {
    const byKey: Record<string, KeyApplication[]> = {};
    for (const { key, server, time, outcome } of await this.audit.query({ actions: ['license.apply'] })) {
      if (key && server) (byKey[key.id] ??= []).push({ time, server, outcome });
    }
    return byKey;
  }

  private async add(key: string, label: string | undefined, defaultLabel: string): Promise<KeyInfo> {
    const given = label?.trim() ? checkLabel(label) : null;
    const fingerprint = fingerprintOf(key);
    return this.changes.queue(async () => {
      const same = this.keys.find((k) => k.fingerprint === fingerprint);
      if (same) throw new AppError('DuplicateKey', `This key is already in the vault as “${same.label}”.`);
      const taken = given && this.findByLabel(given);
      if (taken) throw new AppError('DuplicateLabel', `A key labelled “${taken.label}” already exists. Choose another label.`);
      const record: KeyRecord = {
        id: randomUUID(),
        label: given ?? this.unusedLabel(defaultLabel),
        fingerprint,
        addedAt: new Date().toISOString(),
        bytes: Buffer.byteLength(key),
        learned: null,
      };
      // Sealing needs the keychain: without one this throws before anything touches the disk.
      const blob = await this.sealed.seal(key, record.id);
      await writeFileDurably(join(this.keysDir, `${record.id}.sealed`), blob);
      const next = [...this.keys, record];
      try {
        await this.file.save({ version: 1, keys: next });
      } catch (err) {
        // The save error is the one to report to the caller; a sealed file left behind is only logged.
        await fs.rm(this.blobPath(record.id), { force: true }).catch((e) => onUnexpectedError('removing the sealed file of a key whose save failed', e));
        throw err;
      }
      this.keys = next;
      await this.commit({ action: 'key.add', key: auditKey(record) });
      return toInfo(record);
    });
  }

  /** Default labels never clash: a taken one gets " (2)", " (3)", … */
  private unusedLabel(base: string): string {
    for (let n = 1; ; n++) {
      const suffix = n === 1 ? '' : ` (${n})`;
      const candidate = base.slice(0, MAX_LABEL_CHARS - suffix.length) + suffix;
      if (!this.findByLabel(candidate)) return candidate;
    }
  }

  private record(id: string): KeyRecord {
    const record = this.keys.find((k) => k.id === id);
    if (!record) throw new AppError('KeyNotFound', 'That key is no longer in the vault. Refresh the list of keys.');
    return record;
  }

  private blobPath(id: string): string {
    return join(this.keysDir, `${id}.sealed`);
  }

  /** Audits a change already saved, then tells listeners even if the audit write failed. */
  private async commit(entry: AuditInput): Promise<void> {
    try {
      await this.audit.append(entry);
    } finally {
      this.changed.fire(this.list());
    }
  }

  /** Takes in what another process saved since; the app runs it when the window asks for the list. */
  reloadIfChanged(): Promise<void> {
    return this.changes.reloadIfChanged();
  }
}

function sameTerms(a: LearnedTerms['terms'], b: LearnedTerms['terms']): boolean {
  return a.online_checkin === b.online_checkin && a.max_streams === b.max_streams && a.journal_max_allowed_age === b.journal_max_allowed_age && a.expiration_date === b.expiration_date;
}

function toInfo(record: KeyRecord): KeyInfo {
  return { ...record, shortFingerprint: shortFingerprint(record.fingerprint) };
}

function auditKey({ id, fingerprint, label }: KeyRecord): AuditEntry['key'] {
  return { id, fingerprint, label };
}

function fingerprintOf(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** Labels compare case-insensitively and by Unicode form, as people read them. */
/** A file name as a label: its control characters (legal in names on Linux) become spaces. */
function cleanLabel(name: string): string {
  return withoutControlChars(name).normalize('NFC');
}

function checkLabel(label: string): string {
  const clean = label.trim().normalize('NFC');
  if (hasControlChars(clean)) throw new AppError('InvalidLabel', 'A label may not contain line breaks, tabs or other control characters.');
  if (clean.length > MAX_LABEL_CHARS) throw new AppError('InvalidLabel', `A label is at most ${MAX_LABEL_CHARS} characters; this one has ${clean.length}.`);
  return clean;
}
