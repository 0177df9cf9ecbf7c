import { spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { SealedStore } from '../../electron/core/secrets/sealed-store';
import { type KeytarSecretStore, MAX_KEYCHAIN_SECRET_BYTES } from '../../electron/core/secrets/secret-store';
import { testKeychain } from '../helpers/keyring';

const DATA_KEY_ACCOUNT = 'data-key-v1';
const stores: KeytarSecretStore[] = [];

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
    const sealed = new SealedStore(store);
    expect(bigKey.length).toBeGreaterThan(MAX_KEYCHAIN_SECRET_BYTES);

    const blob = await sealed.seal(bigKey, 'item-1');
    expect(blob.includes(Buffer.from(bigKey.slice(0, 64)))).toBe(false);
    expect(await sealed.open(blob, 'item-1')).toBe(bigKey);

    const dataKey = await store.get(DATA_KEY_ACCOUNT);
    expect(Buffer.from(dataKey ?? '', 'base64')).toHaveLength(32);
    // A second store over the same keychain (the app restarted) opens it too.
    expect(await new SealedStore(store).open(blob, 'item-1')).toBe(bigKey);
  });

  it('seals the same text differently each time (fresh nonce)', async () => {
    const sealed = new SealedStore(keychain());
    const a = await sealed.seal('QUJD', 'item');
    const b = await sealed.seal('QUJD', 'item');
    expect(a.equals(b)).toBe(false);
  });

  it('cannot open a blob sealed for one item as another', async () => {
    const sealed = new SealedStore(keychain());
    const blob = await sealed.seal(bigKey, 'item-1');
    await expect(sealed.open(blob, 'item-2')).rejects.toMatchObject({ kind: 'SecretUnreadable' });
  });

  it('refuses a tampered blob', async () => {
    const sealed = new SealedStore(keychain());
    const blob = await sealed.seal(bigKey, 'item-1');
    const flipped = Buffer.from(blob);
    flipped[flipped.length - 1] = (flipped[flipped.length - 1] ?? 0) ^ 0x01;
    await expect(sealed.open(flipped, 'item-1')).rejects.toMatchObject({ kind: 'SecretUnreadable' });
    await expect(sealed.open(blob.subarray(0, 20), 'item-1')).rejects.toMatchObject({ kind: 'SecretUnreadable' });
  });

  it("cannot open anything once the keychain's data key is gone", async () => {
    const store = keychain();
    const blob = await new SealedStore(store).seal('QUJD', 'item');
    await store.delete(DATA_KEY_ACCOUNT);
    await expect(new SealedStore(store).open(blob, 'item')).rejects.toMatchObject({ kind: 'SecretUnreadable' });
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
