import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { AppError } from '../../common/errors';
import { assertKeychainWritable, type SecretStore } from './secret-store';

/**
 * Secrets too large for the keychain (license keys can be several KB; Windows' Credential Manager
 * takes at most 2,560 bytes): a random 256-bit data key per install lives in the keychain, and each
 * secret is sealed with it (AES-256-GCM, a fresh 96-bit nonce each time, the item's id as
 * associated data so a sealed blob cannot be swapped onto another item). Only the sealed blob
 * touches the disk; without the keychain it cannot be opened.
 */
const DATA_KEY_ACCOUNT = 'data-key-v1';
const FORMAT_VERSION = 1;

export class SealedStore {
  private dataKey: Promise<Buffer> | null = null;

  constructor(private readonly keychain: SecretStore) {}

  async seal(plaintext: string, itemId: string): Promise<Buffer> {
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
    const key = await this.key(false);
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, blob.subarray(1, 13));
      decipher.setAAD(Buffer.from(itemId, 'utf8'));
      decipher.setAuthTag(blob.subarray(13, 29));
      return Buffer.concat([decipher.update(blob.subarray(29)), decipher.final()]).toString('utf8');
    } catch {
      throw new AppError(
        'SecretUnreadable',
        "A stored secret cannot be decrypted: the keychain's data key for this app changed or the file was altered. Remove the key and add it again.",
      );
    }
  }

  private key(create: boolean): Promise<Buffer> {
    this.dataKey ??= this.loadKey(create).catch((err: unknown) => {
      this.dataKey = null;
      throw err;
    });
    return this.dataKey;
  }

  private async loadKey(create: boolean): Promise<Buffer> {
    const stored = await this.keychain.get(DATA_KEY_ACCOUNT);
    if (stored) return Buffer.from(stored, 'base64');
    if (!create) {
      await assertKeychainWritable(this.keychain); // a locked keychain, not a lost key
      throw new AppError('SecretUnreadable', "The keychain no longer holds this app's data key, so stored keys cannot be opened. Add the keys again.");
    }
    const fresh = randomBytes(32);
    await this.keychain.set(DATA_KEY_ACCOUNT, fresh.toString('base64'));
    return fresh;
  }
}
