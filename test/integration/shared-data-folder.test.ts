/**
 * The desktop app and the command line share one data folder: a change saved by one process is
 * taken in by the other before its next change, never overwritten, and shown when it lists.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetCore } from '../../electron/core/fleet-core';
import type { SecretStore } from '../../electron/core/secrets/secret-store';
import { mintKey } from '../sim/keys';
import { tempDir, testKeychain } from '../helpers/keyring';

let dir: Awaited<ReturnType<typeof tempDir>>;
let secrets: SecretStore;
let app: FleetCore;
let cli: FleetCore;

beforeAll(async () => {
  dir = await tempDir('bf-shared-');
  secrets = testKeychain();
  // Both open before either changes anything, as an app left running while a script works.
  app = await FleetCore.open({ dataDir: dir.path, secrets });
  cli = await FleetCore.open({ dataDir: dir.path, secrets });
});

afterAll(async () => {
  app.dispose();
  cli.dispose();
  await dir.remove();
});

describe('two processes on one data folder', () => {
  it('keeps both sides’ servers when each adds one', async () => {
    await app.registry.add({ name: 'from-app', url: 'http://10.0.0.1', credentials: { username: 'admin', password: 'app-pass' } });
    await cli.registry.add({ name: 'from-cli', url: 'http://10.0.0.2' });
    expect(cli.registry.list().map((s) => s.name)).toEqual(['from-app', 'from-cli']);

    let told = 0;
    const subscription = app.registry.onDidChange(() => told++);
    await app.registry.reloadIfChanged();
    subscription.dispose();
    expect(app.registry.list().map((s) => s.name)).toEqual(['from-app', 'from-cli']);
    expect(told).toBe(1);

    const reopened = await FleetCore.open({ dataDir: dir.path, secrets });
    expect(reopened.registry.list().map((s) => s.name)).toEqual(['from-app', 'from-cli']);
    expect(await reopened.registry.credentials(reopened.registry.findByName('from-app')!.id)).toEqual({ username: 'admin', password: 'app-pass' });
    reopened.dispose();
  });

  it('sees the other side’s names before deciding a duplicate, and its servers before removing', async () => {
    await app.registry.add({ name: 'gate-7', url: 'http://10.0.0.7' });
    await expect(cli.registry.add({ name: 'GATE-7', url: 'http://10.0.0.8' })).rejects.toMatchObject({ kind: 'DuplicateName' });
    await cli.registry.reloadIfChanged();
    await cli.registry.remove(cli.registry.findByName('gate-7')!.id);
    await app.registry.reloadIfChanged();
    expect(app.registry.findByName('gate-7')).toBeUndefined();
  });

  it('keeps both sides’ keys, and knows the other side’s key as a duplicate', async () => {
    const first = mintKey();
    await app.vault.addText(first, 'added in the app');
    await cli.vault.addText(mintKey(), 'added by a script');
    await expect(cli.vault.addText(first)).rejects.toMatchObject({ kind: 'DuplicateKey' });
    await app.vault.reloadIfChanged();
    expect(app.vault.list().map((k) => k.label).sort()).toEqual(['added by a script', 'added in the app']);
    expect(await cli.vault.keyText(app.vault.findByLabel('added in the app')!.id)).toBe(first);
  });
});
