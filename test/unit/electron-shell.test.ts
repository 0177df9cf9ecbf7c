import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { IpcMainInvokeEvent } from 'electron';
import { COMMAND_CHANNELS } from '../../electron/ipc/contract';
import { FakeWebContents } from '../helpers/fake-electron';

// The shell's own module computes its data folder and app URL at load: set both up first.
const fake = await vi.hoisted(async () => {
  const { createFakeElectron } = await import('../helpers/fake-electron');
  const { mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join, resolve } = await import('node:path');
  const { pathToFileURL } = await import('node:url');
  process.env.BF_FLEET_DATA_DIR = mkdtempSync(join(tmpdir(), 'bf-shell-'));
  return createFakeElectron(() => pathToFileURL(resolve('electron/renderer/index.html')).href);
});
vi.mock('electron', () => ({ ...fake.electron, default: fake.electron }));

const appUrl = pathToFileURL(resolve('electron/renderer/index.html')).href;
const dataDir = process.env.BF_FLEET_DATA_DIR!;

function invokeFrom(contents: FakeWebContents, channel: string, input?: unknown, frame: { url: string } = contents.mainFrame) {
  const handler = fake.handlers.get(channel);
  if (!handler) throw new Error(`no handler for ${channel}`);
  return handler({ sender: contents, senderFrame: frame } as unknown as IpcMainInvokeEvent, input) as Promise<{ ok: boolean; error?: { kind: string } }>;
}

beforeAll(async () => {
  await import('../../electron/main/index');
  await vi.waitFor(() => expect(fake.windows).toHaveLength(1), { timeout: 10_000 });
});

afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the Electron shell, run against a double of the electron module', () => {
  it('registers exactly the contract’s command channels', () => {
    expect([...fake.handlers.keys()].sort()).toEqual([...COMMAND_CHANNELS].sort());
  });

  it('opens the window locked down', () => {
    // The options the shell actually passed to BrowserWindow.
    const { webPreferences, ...frame } = fake.windows[0]!.options as { webPreferences: Record<string, unknown> };
    expect(frame).toMatchObject({ show: false, title: 'BrainFrame Fleet Licenses', minWidth: 900, minHeight: 560 });
    expect(webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      disableBlinkFeatures: 'Auxclick', // no middle-click opening links in new windows
    });
    expect(String(webPreferences.preload)).toMatch(/preload[\\/]index\.cjs$/);
  });

  it('answers the app’s own frame', async () => {
    const result = await invokeFrom(fake.windows[0]!.webContents, 'servers.list');
    expect(result).toEqual({ ok: true, value: [] });
  });

  it('refuses messages from any other sender', async () => {
    const ours = fake.windows[0]!.webContents;
    const stranger = new FakeWebContents(appUrl);
    const refusals = await Promise.all([
      invokeFrom(stranger, 'servers.list'),
      invokeFrom(ours, 'servers.list', undefined, { url: appUrl }), // a subframe: not the main frame object
      invokeFrom(Object.assign(new FakeWebContents('https://evil.example/'), { id: ours.id }), 'servers.list'),
    ]);
    for (const result of refusals) expect(result).toMatchObject({ ok: false, error: { kind: 'Forbidden' } });
  });

  it('refuses bad input before doing any work', async () => {
    const result = await invokeFrom(fake.windows[0]!.webContents, 'servers.add', { name: 'x', url: 'http://10.0.0.1', password: 'sneaky' });
    expect(result).toMatchObject({ ok: false, error: { kind: 'InvalidInput' } });
  });

  it('forwards core events to the window', async () => {
    const contents = fake.windows[0]!.webContents;
    await invokeFrom(contents, 'servers.add', { name: 'cam-01', url: 'http://127.0.0.1:9' });
    await vi.waitFor(() => expect(contents.sent.map(([c]) => c)).toContain('servers.changed'));
  });

  it('denies navigation away from the app and every new window', () => {
    const contents = fake.windows[0]!.webContents;
    expect(contents.emitPreventable('will-navigate', 'https://evil.example/')).toBe(true);
    expect(contents.emitPreventable('will-navigate', appUrl)).toBe(false);
    expect(contents.emitPreventable('will-attach-webview')).toBe(true);
    expect(contents.windowOpenHandler!({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    expect(contents.windowOpenHandler!({ url: 'https://aotu.ai/docs' })).toEqual({ action: 'deny' });
    expect(fake.state.externalOpened).toEqual(['https://aotu.ai/docs']);
  });

  it('denies permission requests and sets the Content-Security-Policy on responses', () => {
    let granted: boolean | null = null;
    fake.state.permissionHandler!(null, 'media', (ok) => (granted = ok));
    expect(granted).toBe(false);
    let headers: Record<string, string[]> = {};
    fake.state.headersHandler!({ responseHeaders: {} }, (r) => (headers = (r as { responseHeaders: typeof headers }).responseHeaders));
    expect(headers['Content-Security-Policy']![0]).toMatch(/default-src 'none'.*script-src 'self'.*connect-src 'self'/);
  });

  it('sends menu commands to the renderer', () => {
    const template = fake.state.menuTemplate as Array<{ label?: string; submenu?: Array<{ label?: string; accelerator?: string; click?: () => void }> }>;
    const refresh = template.flatMap((m) => m.submenu ?? []).find((i) => i.label === 'Refresh All')!;
    expect(refresh.accelerator).toBe('F5');
    refresh.click!();
    expect(fake.windows[0]!.webContents.sent).toContainEqual(['menu.command', 'refresh-all']);
  });

  it('shuts down cleanly: the first quit is held until the core is closed', async () => {
    let prevented = false;
    fake.electron.app.emit('before-quit', { preventDefault: () => (prevented = true) });
    expect(prevented).toBe(true);
    await vi.waitFor(() => expect(fake.state.quitCalled).toBe(1));
    // Handlers are gone with the shell.
    expect(fake.handlers.size).toBe(0);
  });
});
