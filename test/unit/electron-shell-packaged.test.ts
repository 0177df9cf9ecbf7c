import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { rmSync } from 'node:fs';
import { FakeWebContents, invokeFrom } from '../helpers/fake-electron';

// A packaged app started with ELECTRON_RENDERER_URL pointing elsewhere (a variable anyone with a foot
// in the user's environment can set): the shell must load its own renderer and trust only it.
const fake = await vi.hoisted(async () => {
  const { createFakeElectron } = await import('../helpers/fake-electron');
  const { mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  process.env.BF_FLEET_DATA_DIR = mkdtempSync(join(tmpdir(), 'bf-shell-packaged-'));
  process.env.ELECTRON_RENDERER_URL = 'http://attacker.example';
  return createFakeElectron(() => 'http://attacker.example/', { isPackaged: true });
});
vi.mock('electron', () => ({ ...fake.electron, default: fake.electron }));

const dataDir = process.env.BF_FLEET_DATA_DIR!;

beforeAll(async () => {
  await import('../../electron/main/index');
  await vi.waitFor(() => expect(fake.state.loaded).toHaveLength(1), { timeout: 10_000 });
});

afterAll(() => {
  delete process.env.ELECTRON_RENDERER_URL;
  rmSync(dataDir, { recursive: true, force: true });
});

describe('a packaged app with ELECTRON_RENDERER_URL set', () => {
  it('loads its own renderer, not the URL of the variable', () => {
    expect(fake.state.loaded).toHaveLength(1);
    expect(fake.state.loaded[0]).not.toContain('attacker.example');
  });

  it('refuses IPC from the page of the variable, and from any URL that merely starts with it', async () => {
    const ours = fake.windows[0]!.webContents;
    for (const url of ['http://attacker.example/', 'http://attacker.example.evil.net/']) {
      const result = await invokeFrom(fake, Object.assign(new FakeWebContents(url), { id: ours.id }), 'servers.list');
      expect(result, url).toMatchObject({ ok: false, error: { kind: 'Forbidden' } });
    }
  });

  it('refuses navigation to the page of the variable', () => {
    const contents = fake.windows[0]!.webContents;
    expect(contents.emitPreventable('will-navigate', 'http://attacker.example/')).toBe(true);
  });
});
