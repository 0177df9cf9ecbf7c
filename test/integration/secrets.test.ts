import { spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SealedStore } from '../../electron/core/secrets/sealed-store';
import { KeychainUnavailableError, KeytarSecretStore, MAX_KEYCHAIN_SECRET_BYTES, type SecretStore } from '../../electron/core/secrets/secret-store';
import { tempDir, testKeychain } from '../helpers/keyring';

const DATA_KEY_ACCOUNT = 'data-key-v1';
const stores: KeytarSecretStore[] = [];
/** The data folder the sealed stores lock the data key's creation in. */
let dir: Awaited<ReturnType<typeof tempDir>>;

beforeAll(async () => {
  dir = await tempDir('bf-sealed-');
});

afterAll(async () => {
  await dir.remove();
});

function keychain(): KeytarSecretStore {
  const store = testKeychain();
  stores.push(store);
  return store;
}

afterEach(async () => {
  for (const store of stores.splice(0)) await store.delete(DATA_KEY_ACCOUNT);
});

describe('KeytarSecretStore on the real keychain', () => {
  it('sets, gets and deletes a secret', async () => {
    const store = keychain();
    const account = `server-${randomUUID()}`;
    expect(await store.get(account)).toBeNull();

    await store.set(account, 'pässwörd 1');
    expect(await store.get(account)).toBe('pässwörd 1');
    await store.set(account, 'second');
    expect(await store.get(account)).toBe('second');

    expect(await store.delete(account)).toBe(true);
    expect(await store.get(account)).toBeNull();
    expect(await store.delete(account)).toBe(false);
  });

  it("keeps services apart, so one app's secrets are not another's", async () => {
    const a = keychain();
    const b = keychain();
    await a.set('shared-account', 'from a');
    expect(await b.get('shared-account')).toBeNull();
    await a.delete('shared-account');
  });

  it("refuses a secret over Windows' 2,560-byte limit and stores nothing", async () => {
    const store = keychain();
    const atLimit = 'x'.repeat(MAX_KEYCHAIN_SECRET_BYTES);
    await store.set('at-limit', atLimit);
    expect(await store.get('at-limit')).toBe(atLimit);
    await store.delete('at-limit');

    // Multi-byte characters count as bytes, not characters.
    const over = 'é'.repeat(MAX_KEYCHAIN_SECRET_BYTES / 2 + 1);
    await expect((async () => store.set('too-big', over))()).rejects.toMatchObject({ kind: 'SecretTooLarge' });
    expect(await store.get('too-big')).toBeNull();
  });
});

describe('SealedStore', () => {
  const bigKey = randomBytes(6 * 1024).toString('base64'); // 8 KB of text: far over the keychain limit

  it('round-trips a secret larger than a keychain entry, keeping only a small data key in the keychain', async () => {
    const store = keychain();
    const sealed = new SealedStore(store, dir.path);
    expect(bigKey.length).toBeGreaterThan(MAX_KEYCHAIN_SECRET_BYTES);

    const blob = await sealed.seal(bigKey, 'item-1');
    expect(blob.includes(Buffer.from(bigKey.slice(0, 64)))).toBe(false);
    expect(await sealed.open(blob, 'item-1')).toBe(bigKey);

    const dataKey = await store.get(DATA_KEY_ACCOUNT);
    expect(Buffer.from(dataKey ?? '', 'base64')).toHaveLength(32);
    // A second store over the same keychain (the app restarted) opens it too.
    expect(await new SealedStore(store, dir.path).open(blob, 'item-1')).toBe(bigKey);
  });

  it('seals the same text differently each time (fresh nonce)', async () => {
    const sealed = new SealedStore(keychain(), dir.path);
    const a = await sealed.seal('QUJD', 'item');
    const b = await sealed.seal('QUJD', 'item');
    expect(a.equals(b)).toBe(false);
  });

  it('cannot open a blob sealed for one item as another', async () => {
    const sealed = new SealedStore(keychain(), dir.path);
    const blob = await sealed.seal(bigKey, 'item-1');
    await expect(sealed.open(blob, 'item-2')).rejects.toMatchObject({ kind: 'SecretUnreadable' });
  });

  it('refuses a tampered blob', async () => {
    const sealed = new SealedStore(keychain(), dir.path);
    const blob = await sealed.seal(bigKey, 'item-1');
    const flipped = Buffer.from(blob);
    flipped[flipped.length - 1] = (flipped[flipped.length - 1] ?? 0) ^ 0x01;
    await expect(sealed.open(flipped, 'item-1')).rejects.toMatchObject({ kind: 'SecretUnreadable' });
    await expect(sealed.open(blob.subarray(0, 20), 'item-1')).rejects.toMatchObject({ kind: 'SecretUnreadable' });
  });

  it("cannot open anything once the keychain's data key is gone", async () => {
    const store = keychain();
    const blob = await new SealedStore(store, dir.path).seal('QUJD', 'item');
    await store.delete(DATA_KEY_ACCOUNT);
    await expect(new SealedStore(store, dir.path).open(blob, 'item')).rejects.toMatchObject({ kind: 'SecretUnreadable' });
  });
});

describe("the data key, shared by the app and the command line", () => {
  /** Another process's view of one keychain service: its own SecretStore and SealedStore, so its own cached data key. */
  function sharedKeychain(): { store: KeytarSecretStore; process: () => SealedStore } {
    const service = `bf-fleet-test-${randomUUID()}`;
    const store = new KeytarSecretStore(service);
    stores.push(store);
    return { store, process: () => new SealedStore(new KeytarSecretStore(service), dir.path) };
  }

  it('is created once when two processes seal their first key at the same moment: both keys open afterwards', async () => {
    const shared = sharedKeychain();
    const [app, cli] = [shared.process(), shared.process()];
    const [fromApp, fromCli] = await Promise.all([app.seal('QXBw', 'key-app'), cli.seal('Q2xp', 'key-cli')]);

    const restarted = shared.process();
    expect(await restarted.open(fromApp, 'key-app')).toBe('QXBw');
    expect(await restarted.open(fromCli, 'key-cli')).toBe('Q2xp');
    // And each side still opens the other's, with what it holds in memory.
    expect(await app.open(fromCli, 'key-cli')).toBe('Q2xp');
    expect(await cli.open(fromApp, 'key-app')).toBe('QXBw');
  });

  it('is read again when a key will not open with the one held in memory, and a seal uses the current one', async () => {
    const { store, process } = sharedKeychain();
    const app = process();
    await app.seal('b2xk', 'old'); // the app now holds the first data key in memory
    // The data key is replaced meanwhile (removed, then created again by the command line).
    await store.delete(DATA_KEY_ACCOUNT);
    const fromCli = await process().seal('Q2xp', 'key-cli');

    expect(await app.open(fromCli, 'key-cli')).toBe('Q2xp');
    const fromApp = await app.seal('QXBw', 'key-app');
    expect(await process().open(fromApp, 'key-app')).toBe('QXBw');
  });

  it('is never written over while a locked keychain hides it: the write that unlocks it finds it', async () => {
    const store = keychain();
    const blob = await new SealedStore(store, dir.path).seal('QUJD', 'item');
    const before = await store.get(DATA_KEY_ACCOUNT);
    // Locked until the first write, as a desktop keychain whose unlock prompt that write brings up.
    let locked = true;
    const unlockedByWrite: SecretStore = {
      get: async (account) => (locked ? null : store.get(account)),
      set: async (account, secret) => {
        locked = false;
        await store.set(account, secret);
      },
      delete: async (account) => !locked && store.delete(account),
    };

    const sealed = new SealedStore(unlockedByWrite, dir.path);
    const next = await sealed.seal('REVG', 'item-2');
    expect(await store.get(DATA_KEY_ACCOUNT)).toBe(before);
    expect(await new SealedStore(store, dir.path).open(blob, 'item')).toBe('QUJD');
    expect(await new SealedStore(store, dir.path).open(next, 'item-2')).toBe('REVG');
  });

  it('is never written over by a locked keychain that hides it and refuses writes: KeychainUnavailable', async () => {
    const store = keychain();
    const blob = await new SealedStore(store, dir.path).seal('QUJD', 'item');
    const before = await store.get(DATA_KEY_ACCOUNT);
    const writes: string[] = [];
    // As libsecret with the collection locked and no prompt: lookups find nothing, writes fail.
    const locked: SecretStore = {
      get: async () => null,
      set: async (account) => {
        writes.push(account);
        throw new KeychainUnavailableError('Cannot create an item in a locked collection');
      },
      delete: async () => false,
    };

    const sealed = new SealedStore(locked, dir.path);
    await expect(sealed.seal('REVG', 'item-2')).rejects.toMatchObject({ kind: 'KeychainUnavailable', message: expect.stringMatching(/locked/) });
    await expect(sealed.open(blob, 'item')).rejects.toMatchObject({ kind: 'KeychainUnavailable' });
    expect(writes).not.toContain(DATA_KEY_ACCOUNT);
    expect(await store.get(DATA_KEY_ACCOUNT)).toBe(before);
  });
});

describe('without a Secret Service', () => {
  it('fails with KeychainUnavailable and says how to fix it', () => {
    // A fresh process: libsecret keeps its first D-Bus connection, so this one must never have had one.
    const module = pathToFileURL(fileURLToPath(new URL('../../electron/core/secrets/secret-store.ts', import.meta.url))).href;
    const script = `
      const { KeytarSecretStore } = await import(${JSON.stringify(module)});
      const store = new KeytarSecretStore('bf-fleet-test-no-keychain');
      const results = [];
      for (const attempt of [() => store.get('a'), () => store.set('a', 'secret')]) {
        try { await attempt(); results.push({ ok: true }); }
        catch (err) { results.push({ name: err.constructor.name, kind: err.kind, message: err.message }); }
      }
      console.log(JSON.stringify(results));`;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '--eval', script], {
      env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(child.status, child.stderr).toBe(0);
    const results = JSON.parse(child.stdout.trim().split('\n').pop() ?? '[]') as { name?: string; kind?: string; message?: string }[];
    expect(results).toHaveLength(2);
    for (const result of results) {
      expect(result).toMatchObject({ name: 'KeychainUnavailableError', kind: 'KeychainUnavailable' });
      expect(result.message).toMatch(/^No OS keychain is available/);
      expect(result.message).toContain('gnome-keyring');
      expect(result.message).toContain('Nothing is saved without it');
    }
  });
});
