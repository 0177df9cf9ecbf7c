import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { rmSync } from 'node:fs';
import { FakeWebContents, invokeFrom } from '../helpers/fake-electron';

// Development: electron-vite's dev server. Its origin is the app's, and exactly its origin.
const fake = await vi.hoisted(async () => {
  const { createFakeElectron } = await import('../helpers/fake-electron');
  const { mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  process.env.BF_FLEET_DATA_DIR = mkdtempSync(join(tmpdir(), 'bf-shell-dev-'));
  process.env.ELECTRON_RENDERER_URL = 'http://localhost:5173';
  return createFakeElectron(() => 'http://localhost:5173/', { isPackaged: false });
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

describe('the shell in development, on the dev server', () => {
  it('loads the dev server', () => {
    expect(fake.state.loaded).toHaveLength(1);
    expect(fake.state.loaded[0]).toMatch(/^url:http:\/\/localhost:5173\/?$/);
  });

  it('answers the dev server’s page, and refuses a host that merely starts with it', async () => {
    const ours = fake.windows[0]!.webContents;
    expect(await invokeFrom(fake, ours, 'servers.list')).toEqual({ ok: true, value: [] });
    for (const url of ['http://localhost:5173.evil.net/', 'http://localhost:51730/', 'https://localhost:5173/']) {
      const result = await invokeFrom(fake, Object.assign(new FakeWebContents(url), { id: ours.id }), 'servers.list');
      expect(result, url).toMatchObject({ ok: false, error: { kind: 'Forbidden' } });
    }
    expect(ours.emitPreventable('will-navigate', 'http://localhost:5173.evil.net/')).toBe(true);
    expect(ours.emitPreventable('will-navigate', 'http://localhost:5173/#/keys')).toBe(false);
  });
});
