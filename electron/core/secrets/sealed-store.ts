import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { AppError } from '../../common/errors';
import { withFileLock } from '../storage/file-lock';
import { assertKeychainWritable, KeychainUnavailableError, type SecretStore } from './secret-store';

/**
 * Secrets too large for the keychain (license keys can be several KB; Windows' Credential Manager
 * takes at most 2,560 bytes): a random 256-bit data key per install lives in the keychain, and each
 * secret is sealed with it (AES-256-GCM, a fresh 96-bit nonce each time, the item's id as
 * associated data so a sealed blob cannot be swapped onto another item). Only the sealed blob
 * touches the disk; without the keychain it cannot be opened.
 *
 * The data key is created once for every process sharing the data folder (the app and the command
 * line): never over one the keychain holds but a locked keychain hides, never twice at once (a lock
 * in the data folder), and always the one the keychain ends up holding.
 */
const DATA_KEY_ACCOUNT = 'data-key-v1';
const FORMAT_VERSION = 1;

export class SealedStore {
  private dataKey: Promise<Buffer> | null = null;

  /** `dataDir`: the data folder whose secrets this seals, where creating the data key is locked. */
  constructor(
    private readonly keychain: SecretStore,
    private readonly dataDir: string,
  ) {}

  async seal(plaintext: string, itemId: string): Promise<Buffer> {
    // Sealing is rare (adding a key): it takes the keychain's key as it is now, so a key another
    // process replaced since is never sealed with a stale copy nobody else can open.
    this.dataKey = null;
    const key = await this.key(true);
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(itemId, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.from([FORMAT_VERSION]), iv, cipher.getAuthTag(), body]);
  }

  async open(blob: Buffer, itemId: string): Promise<string> {
    if (blob.length < 29 || blob[0] !== FORMAT_VERSION) {
      throw new AppError('SecretUnreadable', 'A stored secret is damaged or in an unknown format. Remove it and add it again.');
    }
    const loaded = this.key(false);
    const opened = unseal(await loaded, blob, itemId);
    if (opened !== null) return opened;
    // The key held in memory may be stale (the other process replaced it): read it again, once.
    if (this.dataKey === loaded) this.dataKey = null;
    const reopened = unseal(await this.key(false), blob, itemId);
    if (reopened !== null) return reopened;
    throw new AppError(
      'SecretUnreadable',
      "A stored secret cannot be decrypted: the keychain's data key for this app changed or the file was altered. Remove the key and add it again.",
    );
  }

  private key(create: boolean): Promise<Buffer> {
    this.dataKey ??= this.loadKey(create).catch((err: unknown) => {
      this.dataKey = null;
      throw err;
    });
    return this.dataKey;
  }

  private async loadKey(create: boolean): Promise<Buffer> {
    const stored = await this.storedKey();
    if (stored) return stored;
    // A locked keychain answers "nothing stored": this write fails on it (or unlocks it at the
    // desktop's prompt), so a key hidden by the lock is neither reported lost nor written over.
    await assertKeychainWritable(this.keychain);
    const unlocked = await this.storedKey();
    if (unlocked) return unlocked;
    if (!create) throw new AppError('SecretUnreadable', "The keychain no longer holds this app's data key, so stored keys cannot be opened. Add the keys again.");
    return withFileLock(join(this.dataDir, DATA_KEY_ACCOUNT), async () => {
      const created = await this.storedKey(); // by the other process, while this one waited for the lock
      if (created) return created;
      await this.keychain.set(DATA_KEY_ACCOUNT, randomBytes(32).toString('base64'));
      // Whatever the keychain holds now is the key everyone will use (a process without the lock may have written too).
      const kept = await this.storedKey();
      if (!kept) throw new KeychainUnavailableError('the data key just stored cannot be read back');
      return kept;
    });
  }

  private async storedKey(): Promise<Buffer | null> {
    const stored = await this.keychain.get(DATA_KEY_ACCOUNT);
    return stored ? Buffer.from(stored, 'base64') : null;
  }
}

/** The plaintext, or null when the key does not open the blob (a wrong key, or an altered blob). */
function unseal(key: Buffer, blob: Buffer, itemId: string): string | null {
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, blob.subarray(1, 13));
    decipher.setAAD(Buffer.from(itemId, 'utf8'));
    decipher.setAuthTag(blob.subarray(13, 29));
    return Buffer.concat([decipher.update(blob.subarray(29)), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}
