import type * as KeytarModule from 'keytar';
import { Sequencer } from '../../common/async';
import { AppError } from '../../common/errors';

/** The OS keychain, as the app uses it: small secrets under the app's own service name. */
export interface SecretStore {
  get(account: string): Promise<string | null>;
  set(account: string, secret: string): Promise<void>;
  /** True when something was deleted. */
  delete(account: string): Promise<boolean>;
}

export const KEYCHAIN_SERVICE = 'BrainFrame Fleet Licenses';
/** Another service name keeps a demo's or a test's secrets apart from the user's own. */
export const KEYCHAIN_SERVICE_ENV = 'BF_KEYCHAIN_SERVICE';

/** Windows' Credential Manager refuses secrets larger than this; nothing we store directly may exceed it. */
export const MAX_KEYCHAIN_SECRET_BYTES = 2560;

const HOW_TO_FIX =
  'On Linux, install and unlock a Secret Service (for example GNOME Keyring: apt-get install gnome-keyring libsecret-1-0) in your desktop session; ' +
  'on macOS unlock the login keychain; on Windows sign in to your account so Credential Manager is available. Nothing is saved without it.';
const HOW_TO_UNLOCK =
  'Unlock it, then try again: on Linux unlock the "Login" keyring (in Passwords and Keys, or by logging in to the desktop again); ' +
  'on macOS unlock the login keychain in Keychain Access. Nothing is saved while it is locked.';

export class KeychainUnavailableError extends AppError {
  constructor(detail: string) {
    const locked = /locked/i.test(detail); // libsecret: "…in a locked collection"; D-Bus: "…Error.IsLocked"
    super('KeychainUnavailable', locked ? `The OS keychain is locked (${detail.trim()}). ${HOW_TO_UNLOCK}` : `No OS keychain is available (${detail.trim()}). ${HOW_TO_FIX}`);
  }
}

const PROBE_ACCOUNT = 'keychain-probe';

/**
 * Throws KeychainUnavailableError unless the keychain takes a write. A locked keychain answers a
 * lookup with "nothing stored" and a delete with "nothing deleted", not with an error (libsecret,
 * when its unlock prompt cannot be shown or is dismissed): before a secret is reported gone, or a
 * delete is trusted, this tells a locked keychain from an empty one.
 */
export async function assertKeychainWritable(store: SecretStore): Promise<void> {
  await store.set(PROBE_ACCOUNT, 'probe');
  await store.delete(PROBE_ACCOUNT);
}

type Keytar = typeof KeytarModule;

/**
 * keytar calls run one at a time in this process. With the keychain locked, libsecret asks the
 * desktop to unlock it, and another call made while that prompt is open waits on it: for ever
 * where no prompt can be shown (gnome-keyring without a display), and on a desktop the user would
 * face a pile of prompts. One at a time, the first call's outcome (unlocked, or refused) settles the rest.
 */
const keychainCalls = new Sequencer();

/**
 * The real keychain through keytar (libsecret, Keychain Services, Credential Manager).
 * Any keychain failure is a KeychainUnavailableError: secrets never fall back to plain text.
 */
export class KeytarSecretStore implements SecretStore {
  private keytar: Promise<Keytar> | null = null;

  constructor(private readonly service: string = process.env[KEYCHAIN_SERVICE_ENV]?.trim() || KEYCHAIN_SERVICE) {}

  get(account: string): Promise<string | null> {
    return this.use((k) => k.getPassword(this.service, account));
  }

  async set(account: string, secret: string): Promise<void> {
    if (Buffer.byteLength(secret, 'utf8') > MAX_KEYCHAIN_SECRET_BYTES) {
      throw new AppError('SecretTooLarge', `A secret of ${Buffer.byteLength(secret)} bytes is over the keychain's ${MAX_KEYCHAIN_SECRET_BYTES}-byte limit.`);
    }
    return this.use((k) => k.setPassword(this.service, account, secret));
  }

  delete(account: string): Promise<boolean> {
    return this.use((k) => k.deletePassword(this.service, account));
  }

  private use<T>(action: (keytar: Keytar) => Promise<T>): Promise<T> {
    return keychainCalls.queue(() => this.call(action));
  }

  private async call<T>(action: (keytar: Keytar) => Promise<T>): Promise<T> {
    let keytar: Keytar;
    try {
      // Loaded on first use: a missing native library must be this clear error, not a crash at start-up.
      this.keytar ??= import('keytar').then((m) => ((m as { default?: Keytar }).default ?? m) as Keytar);
      keytar = await this.keytar;
    } catch (err) {
      this.keytar = null;
      throw new KeychainUnavailableError(`the keychain library could not be loaded: ${(err as Error).message}`);
    }
    try {
      return await action(keytar);
    } catch (err) {
      throw new KeychainUnavailableError((err as Error).message || String(err));
    }
  }
}
