/**
 * Tests that use the real OS keychain run inside `npm test`, which provides a private, unlocked
 * gnome-keyring on a private D-Bus session (scripts/test.mjs). Each test uses its own service
 * name so runs never see each other's secrets.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KeytarSecretStore } from '../../electron/core/secrets/secret-store';

export function testKeychain(): KeytarSecretStore {
  return new KeytarSecretStore(`bf-fleet-test-${randomUUID()}`);
}

export async function tempDir(prefix = 'bf-fleet-'): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, remove: () => rm(path, { recursive: true, force: true, maxRetries: 5 }) };
}
