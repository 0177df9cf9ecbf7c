import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../../electron/core/audit/audit-log';
import { KeychainUnavailableError, type KeytarSecretStore, MAX_KEYCHAIN_SECRET_BYTES, type SecretStore } from '../../electron/core/secrets/secret-store';
import { KeyVault } from '../../electron/core/vault/key-vault';
import { tempDir, testKeychain } from '../helpers/keyring';
import { MAX_KEY_FILE_BYTES } from '../../electron/common/limits';

// Every key text a test hands the vault, so the last check can prove none reached the disk.
const usedKeys: string[] = [];
function newKey(bytes = 600): string {
  const key = randomBytes(bytes).toString('base64');
  usedKeys.push(key);
  return key;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function wrap(key: string, width = 64): string {
  return key.match(new RegExp(`.{1,${width}}`, 'g'))?.join('\r\n') ?? key;
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

let data: { path: string; remove(): Promise<void> };
let inbox: { path: string; remove(): Promise<void> };
let keychain: KeytarSecretStore;
let audit: AuditLog;
let vault: KeyVault;

const openVault = (secrets: SecretStore = keychain) => KeyVault.open({ dataDir: data.path, secrets, audit });

async function keyFile(name: string, content: string | Buffer): Promise<string> {
  const path = join(inbox.path, name);
  await fs.writeFile(path, content);
  return path;
}

beforeAll(async () => {
  data = await tempDir('bf-vault-data-');
  inbox = await tempDir('bf-vault-inbox-');
  keychain = testKeychain();
  audit = new AuditLog(join(data.path, 'audit.jsonl'));
  vault = await openVault();
});

afterAll(async () => {
  await keychain.delete('data-key-v1');
  await data.remove();
  await inbox.remove();
});

describe('KeyVault', () => {
  it('adds pasted text, normalised from lines and surrounding whitespace', async () => {
    const key = newKey();
    const info = await vault.addText(`\n   ${wrap(key)}\t\n\n`, 'Site A');

    expect(info).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      label: 'Site A',
      fingerprint: sha256(key),
      shortFingerprint: sha256(key).slice(0, 12),
      addedAt: expect.any(String),
      bytes: key.length,
      learned: null,
    });
    expect(Date.parse(info.addedAt)).toBeGreaterThan(Date.now() - 60_000);
    expect(await vault.keyText(info.id)).toBe(key);
    expect(vault.get(info.id)).toEqual(info);
    expect(vault.findByLabel('  site a ')).toEqual(info);
    expect(vault.findByLabel('site')).toBeNull();
  });

  it('labels pasted text key-<short fingerprint> when no label is given', async () => {
    const key = newKey();
    const info = await vault.addText(key);
    expect(info.label).toBe(`key-${sha256(key).slice(0, 12)}`);
    const blank = await vault.addText(newKey(), '   ');
    expect(blank.label).toMatch(/^key-[0-9a-f]{12}$/);
  });

  it('adds a file whose whole content is the key, whatever its extension, labelled from its name', async () => {
    const key = newKey();
    const path = await keyFile('customer-7.lic', `\uFEFF${wrap(key, 76)}\r\n`);
    const info = await vault.addFile(path);
    expect(info.label).toBe('customer-7');
    expect(info.fingerprint).toBe(sha256(key));
    expect(await vault.keyText(info.id)).toBe(key);

    const labelled = await vault.addFile(await keyFile('noext', newKey()), 'Warehouse');
    expect(labelled.label).toBe('Warehouse');
  });

  it('reads a UTF-16 key file, as Windows PowerShell writes one', async () => {
    const key = newKey();
    const path = await keyFile('ps.txt', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${key}\r\n`, 'utf16le')]));
    expect(await vault.keyText((await vault.addFile(path)).id)).toBe(key);
  });

  it('gives a default label that is taken a numbered suffix', async () => {
    const first = await vault.addFile(await keyFile('depot.key', newKey()));
    const again = await keyFile('depot.txt', newKey());
    expect(first.label).toBe('depot');
    expect((await vault.addFile(again)).label).toBe('depot (2)');
  });

  it('reports the same key added twice as a duplicate of the existing label, stored once', async () => {
    const key = newKey();
    await vault.addText(key, 'Original');
    const before = vault.list().length;
    const blobsBefore = await fs.readdir(join(data.path, 'keys'));

    await expect(vault.addText(`  ${wrap(key, 40)} `, 'Copy')).rejects.toMatchObject({
      kind: 'DuplicateKey',
      message: expect.stringContaining('“Original”'),
    });
    await expect(vault.addFile(await keyFile('copy.key', key))).rejects.toMatchObject({ kind: 'DuplicateKey' });
    // Concurrent adds of one key: exactly one wins.
    const twin = newKey();
    const results = await Promise.allSettled([vault.addText(twin, 'Twin A'), vault.addText(twin, 'Twin B')]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);

    expect(vault.list()).toHaveLength(before + 1);
    expect(await fs.readdir(join(data.path, 'keys'))).toHaveLength(blobsBefore.length + 1);
  });

  it('refuses a label already used, whatever its case or surrounding spaces', async () => {
    await vault.addText(newKey(), 'North Gate');
    await expect(vault.addText(newKey(), '  north gate ')).rejects.toMatchObject({
      kind: 'DuplicateLabel',
      message: expect.stringContaining('“North Gate”'),
    });
    await expect(vault.addFile(await keyFile('x.key', newKey()), 'NORTH GATE')).rejects.toMatchObject({ kind: 'DuplicateLabel' });
  });

  it('refuses labels that are too long or hold control characters', async () => {
    const count = vault.list().length;
    await expect(vault.addText(newKey(), 'x'.repeat(101))).rejects.toMatchObject({ kind: 'InvalidLabel' });
    await expect(vault.addText(newKey(), 'two\nlines')).rejects.toMatchObject({ kind: 'InvalidLabel' });
    expect((await vault.addText(newKey(), `  ${'y'.repeat(100)}  `)).label).toBe('y'.repeat(100));
    expect(vault.list()).toHaveLength(count + 1);
  });

  it('refuses empty and non-base64 text with InvalidKeyText', async () => {
    const count = vault.list().length;
    for (const text of ['', '  \n\t ', 'not a key!', 'QUJD$', 'QUJ', '=QUJD']) {
      await expect(vault.addText(text, 'bad')).rejects.toMatchObject({ kind: 'InvalidKeyText' });
    }
    await expect(vault.addFile(await keyFile('empty.key', ''))).rejects.toMatchObject({ kind: 'InvalidKeyText' });
    await expect(vault.addFile(await keyFile('note.txt', 'Dear customer, your key follows.'))).rejects.toMatchObject({ kind: 'InvalidKeyText' });
    await expect(vault.addText('A'.repeat(MAX_KEY_FILE_BYTES + 4))).rejects.toMatchObject({ kind: 'InvalidKeyText' });
    expect(vault.list()).toHaveLength(count);
  });

  it('refuses binary, oversized, missing and directory "files" with a clear message', async () => {
    const count = vault.list().length;
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]), randomBytes(200)]);
    await expect(vault.addFile(await keyFile('photo.png', png))).rejects.toMatchObject({
      kind: 'InvalidKeyFile',
      message: expect.stringMatching(/“photo\.png” is not a text file/),
    });
    // Base64 text with a NUL in it is still not a text file.
    await expect(vault.addFile(await keyFile('nul.key', `${newKey()}\0`))).rejects.toMatchObject({ kind: 'InvalidKeyFile' });

    const huge = await keyFile('huge.key', 'A'.repeat(MAX_KEY_FILE_BYTES + 4));
    await expect(vault.addFile(huge)).rejects.toMatchObject({ kind: 'InvalidKeyFile', message: expect.stringMatching(/“huge\.key” is 65 KiB/) });
    // Exactly at the cap is still read (and judged as text).
    const atCap = newKey((MAX_KEY_FILE_BYTES / 4) * 3);
    expect((await vault.addFile(await keyFile('cap.key', atCap))).bytes).toBe(MAX_KEY_FILE_BYTES);

    await expect(vault.addFile(join(inbox.path, 'absent.key'))).rejects.toMatchObject({ kind: 'KeyFileUnreadable' });
    await expect(vault.addFile(inbox.path)).rejects.toMatchObject({ kind: 'InvalidKeyFile', message: expect.stringContaining('is not a file') });
    expect(vault.list()).toHaveLength(count + 1);
  });

  it('round-trips a key over the keychain limit, also after reopening', async () => {
    const key = newKey(8 * 1024);
    expect(key.length).toBeGreaterThan(MAX_KEYCHAIN_SECRET_BYTES);
    const info = await vault.addText(wrap(key), 'Big');
    expect(info.bytes).toBe(key.length);
    expect(await vault.keyText(info.id)).toBe(key);

    const reopened = await openVault();
    expect(reopened.recovered).toBeNull();
    expect(reopened.list()).toEqual(vault.list());
    expect(await reopened.keyText(info.id)).toBe(key);
  });

  it('learns the terms a server reported for a key, keeps them across a reopen, and never touches the key text', async () => {
    const key = newKey();
    const info = await vault.addText(key, 'Learner');
    const sealed = await fs.readFile(join(data.path, 'keys', `${info.id}.sealed`));
    const terms = { online_checkin: true, max_streams: 8, journal_max_allowed_age: 2_592_000, expiration_date: '2027-12-31' };
    await vault.learn(info.id, { terms, server: 'cam-17', at: '2026-12-01T03:00:00.000Z' });
    // The same terms from another server keep the first that taught them; new terms replace them.
    await vault.learn(info.id, { terms: { ...terms }, server: 'cam-18', at: '2026-12-01T04:00:00.000Z' });
    expect(vault.get(info.id)!.learned).toEqual({ terms, server: 'cam-17', at: '2026-12-01T03:00:00.000Z' });

    const reopened = await openVault();
    expect(reopened.get(info.id)!.learned).toEqual({ terms, server: 'cam-17', at: '2026-12-01T03:00:00.000Z' });
    expect(await reopened.keyText(info.id)).toBe(key);
    expect(await fs.readFile(join(data.path, 'keys', `${info.id}.sealed`))).toEqual(sealed);
    expect(await fs.readFile(join(data.path, 'keys.json'), 'utf8')).not.toContain(key);

    const perpetual = { ...terms, max_streams: 4, expiration_date: null };
    await reopened.learn(info.id, { terms: perpetual, server: 'cam-18', at: '2026-12-01T05:00:00.000Z' });
    expect(reopened.get(info.id)!.learned).toEqual({ terms: perpetual, server: 'cam-18', at: '2026-12-01T05:00:00.000Z' });
    // A key removed meanwhile is no error.
    await expect(reopened.learn('00000000-0000-4000-8000-000000000000', { terms, server: 'x', at: '2026-12-01T05:00:00.000Z' })).resolves.toBeUndefined();
  });

  it('keeps key text only sealed: the listing and keys.json hold metadata only', async () => {
    const info = await vault.addText(newKey(), 'Listed');
    for (const entry of vault.list()) {
      expect(Object.keys(entry).sort()).toEqual(['addedAt', 'bytes', 'fingerprint', 'id', 'label', 'learned', 'shortFingerprint']);
    }
    const sealedPath = join(data.path, 'keys', `${info.id}.sealed`);
    expect((await fs.stat(sealedPath)).mode & 0o777).toBe(0o600);

    const file = JSON.parse(await fs.readFile(join(data.path, 'keys.json'), 'utf8')) as { version: number; keys: { id: string }[] };
    expect(file.version).toBe(1);
    expect(file.keys.find((k) => k.id === info.id)).toEqual({
      id: info.id,
      label: 'Listed',
      fingerprint: info.fingerprint,
      addedAt: info.addedAt,
      bytes: info.bytes,
      learned: null,
    });
    // No temp files are left behind.
    expect((await fs.readdir(join(data.path, 'keys'))).every((name) => /^[0-9a-f-]{36}\.sealed$/.test(name))).toBe(true);
  });

  it('opens only the sealed blob of the asked key, and refuses one swapped from another key', async () => {
    const a = await vault.addText(newKey(), 'Swap A');
    const b = await vault.addText(newKey(), 'Swap B');
    await fs.copyFile(join(data.path, 'keys', `${a.id}.sealed`), join(data.path, 'keys', `${b.id}.sealed`));
    await expect(vault.keyText(b.id)).rejects.toMatchObject({ kind: 'SecretUnreadable' });
    await fs.rm(join(data.path, 'keys', `${b.id}.sealed`));
    await expect(vault.keyText(b.id)).rejects.toMatchObject({ kind: 'SecretUnreadable', message: expect.stringContaining('missing') });
    await vault.remove(b.id);
  });

  it('removes a key: metadata, sealed file and its text are gone, also after reopening', async () => {
    const key = newKey();
    const info = await vault.addText(key, 'Doomed');
    const sealedPath = join(data.path, 'keys', `${info.id}.sealed`);
    await fs.access(sealedPath);

    await vault.remove(info.id);
    await expect(fs.access(sealedPath)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(vault.get(info.id)).toBeNull();
    expect(vault.findByLabel('Doomed')).toBeNull();
    await expect(vault.keyText(info.id)).rejects.toMatchObject({ kind: 'KeyNotFound' });
    await expect(vault.remove(info.id)).rejects.toMatchObject({ kind: 'KeyNotFound' });
    expect((await openVault()).get(info.id)).toBeNull();

    // The label and the key are free again.
    expect((await vault.addText(key, 'Doomed')).label).toBe('Doomed');
  });

  it('audits adds and removes with id, fingerprint and label only', async () => {
    const info = await vault.addText(newKey(), 'Audited');
    await vault.remove(info.id);
    const entries = (await audit.query({ keyId: info.id })).reverse();
    expect(entries.map((e) => e.action)).toEqual(['key.add', 'key.remove']);
    for (const entry of entries) {
      expect(entry.key).toEqual({ id: info.id, fingerprint: info.fingerprint, label: 'Audited' });
      expect(entry.outcome.ok).toBe(true);
    }
  });

  it('shows where a key was applied, newest first, from the audit log', async () => {
    const info = await vault.addText(newKey(), 'Applied');
    const other = await vault.addText(newKey(), 'Not applied');
    const key = { id: info.id, fingerprint: info.fingerprint, label: info.label };
    const s1 = { id: 's1', name: 'Lobby', url: 'http://10.0.0.5' };
    const s2 = { id: 's2', name: 'Dock', url: 'https://10.0.0.6:8443' };
    await audit.append({ action: 'license.apply', key, server: s1, outcome: { ok: true, state: 'valid' } });
    await audit.append({ action: 'license.apply', key: { ...key, id: other.id }, server: s1, outcome: { ok: true, state: 'valid' } });
    await new Promise((resolve) => setTimeout(resolve, 5)); // distinct timestamps
    await audit.appendMany([
      { action: 'license.apply', key, server: s2, outcome: { ok: false, state: 'invalid', error: { kind: 'LicenseInvalidError', message: 'Key invalid.' } } },
      { action: 'server.update', server: s2 },
    ]);

    const byKey = await vault.applications();
    const applied = byKey[info.id]!;
    expect(applied).toEqual([
      { time: expect.any(String), server: s2, outcome: { ok: false, state: 'invalid', error: { kind: 'LicenseInvalidError', message: 'Key invalid.' } } },
      { time: expect.any(String), server: s1, outcome: { ok: true, state: 'valid', error: null } },
    ]);
    expect(Date.parse(applied[0]?.time ?? '')).toBeGreaterThan(Date.parse(applied[1]?.time ?? ''));
    expect(byKey[other.id]).toHaveLength(1);
    expect(Object.keys(byKey).sort()).toEqual([info.id, other.id].sort());
  });

  it('tells listeners of every change until disposed', async () => {
    const seen: string[][] = [];
    const subscription = vault.onDidChange((keys) => seen.push(keys.map((k) => k.label)));
    const info = await vault.addText(newKey(), 'Watched');
    await vault.remove(info.id);
    await expect(vault.addText(newKey(), 'Watched ')).resolves.toBeTruthy();
    subscription.dispose();
    await vault.remove(vault.findByLabel('watched')?.id ?? '');

    expect(seen).toHaveLength(3);
    expect(seen[0]).toContain('Watched');
    expect(seen[1]).not.toContain('Watched');
    expect(seen[2]).toContain('Watched');
  });

  it('saves nothing when the keychain is unavailable', async () => {
    const noKeychain: SecretStore = {
      get: () => Promise.reject(new KeychainUnavailableError('test: no Secret Service')),
      set: () => Promise.reject(new KeychainUnavailableError('test: no Secret Service')),
      delete: () => Promise.reject(new KeychainUnavailableError('test: no Secret Service')),
    };
    const isolated = await openVault(noKeychain);
    const before = await snapshot(data.path);

    await expect(isolated.addText(newKey(), 'No keychain')).rejects.toBeInstanceOf(KeychainUnavailableError);
    await expect(isolated.addFile(await keyFile('k.key', newKey()))).rejects.toMatchObject({ kind: 'KeychainUnavailable' });
    expect(isolated.findByLabel('No keychain')).toBeNull();
    expect(await snapshot(data.path)).toEqual(before);
  });

  it('removes the sealed file again when the metadata cannot be saved', async () => {
    const dataDir = join(data.path, 'unsaveable');
    const unsaveable = await KeyVault.open({ dataDir, secrets: keychain, audit });
    await fs.mkdir(join(dataDir, 'keys.json'), { recursive: true }); // a directory where the file should be

    await expect(unsaveable.addText(newKey(), 'Unsaved')).rejects.toMatchObject({ code: 'EISDIR' });
    expect(unsaveable.list()).toEqual([]);
    expect(await fs.readdir(join(dataDir, 'keys'))).toEqual([]);
  });

  it('recovers from a damaged keys.json using its backup, with a notice', async () => {
    // Inside the data folder, so the final scan covers it too.
    const dataDir = join(data.path, 'recovery');
    const first = await KeyVault.open({ dataDir, secrets: keychain, audit });
    const kept = await first.addText(newKey(), 'Kept');
    const alsoKept = await first.addText(newKey(), 'Also kept'); // the backup holds the latest version: both
    await fs.writeFile(join(dataDir, 'keys.json'), '{"version":1,"keys":[{"id":"../../etc/passwd"');

    const reopened = await KeyVault.open({ dataDir, secrets: keychain, audit });
    expect(reopened.recovered).toMatch(/^keys\.json could not be read .* moved to .*keys\.json\.corrupt-.* the last good version was loaded/);
    expect(reopened.list()).toEqual([kept, alsoKept]);
    expect(await reopened.keyText(kept.id)).toBe(await first.keyText(kept.id));
    // A key path smuggled into keys.json is never trusted.
    await fs.writeFile(join(dataDir, 'keys.json'), JSON.stringify({ version: 1, keys: [{ ...kept, id: '../../escape' }] }));
    expect((await KeyVault.open({ dataDir, secrets: keychain, audit })).recovered).toMatch(/does not match the expected format/);
  });

  it('leaves no key text anywhere in the data folder, backups and audit log included', async () => {
    const files = await filesUnder(data.path);
    expect(files.some((f) => f.endsWith('keys.json.bak'))).toBe(true);
    expect(files.some((f) => f.endsWith('audit.jsonl'))).toBe(true);
    expect(files.some((f) => f.endsWith('.sealed'))).toBe(true);
    expect(usedKeys.length).toBeGreaterThan(20);

    for (const file of files) {
      const bytes = await fs.readFile(file);
      for (const key of usedKeys) {
        // Any 24-character stretch would show the key stored whole or wrapped; the decoded bytes, stored raw.
        for (let i = 0; i + 24 <= key.length; i += 24) {
          expect(bytes.includes(key.slice(i, i + 24)), `${file} holds key text`).toBe(false);
        }
        expect(bytes.includes(Buffer.from(key, 'base64').subarray(0, 18)), `${file} holds decoded key bytes`).toBe(false);
      }
    }
  });
});

async function snapshot(dir: string): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  for (const file of await filesUnder(dir)) result[file] = sha256((await fs.readFile(file)).toString('base64'));
  return result;
}
