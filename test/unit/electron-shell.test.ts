import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { readFileSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CONTENT_SECURITY_POLICY } from '../../electron/main/window-options';
import { COMMAND_CHANNELS } from '../../electron/ipc/contract';
import { FakeWebContents, invokeFrom } from '../helpers/fake-electron';
import { startFleet } from '../sim/fleet';

// The shell's own module computes its data folder at load: set it up first.
const fake = await vi.hoisted(async () => {
  const { createFakeElectron } = await import('../helpers/fake-electron');
  const { mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  process.env.BF_FLEET_DATA_DIR = mkdtempSync(join(tmpdir(), 'bf-shell-'));
  delete process.env.ELECTRON_RENDERER_URL;
  return createFakeElectron(() => 'app://renderer/index.html');
});
vi.mock('electron', () => ({ ...fake.electron, default: fake.electron }));

const appUrl = 'app://renderer/index.html';
const dataDir = process.env.BF_FLEET_DATA_DIR!;

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

  it('serves the renderer from its own privileged app:// scheme, never from file://', async () => {
    // Registered before ready, as Electron requires; standard and secure, nothing that bypasses the CSP.
    expect(fake.state.privilegedSchemes).toEqual([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
    expect(fake.state.loaded).toEqual([`url:${appUrl}`]);
    const contents = fake.windows[0]!.webContents;
    const builtPage = pathToFileURL(resolve('electron/renderer/index.html')).href;
    expect(contents.emitPreventable('will-navigate', builtPage)).toBe(true);
    expect(contents.emitPreventable('will-navigate', 'app://renderer/other.html')).toBe(true);
    expect(contents.emitPreventable('will-navigate', 'app://renderer.evil/index.html')).toBe(true);
    expect(contents.emitPreventable('will-navigate', `${appUrl}#/keys`)).toBe(false);
  });

  it('answers app:// with the CSP on every response, and nothing outside the renderer folder', async () => {
    const handler = fake.state.protocolHandlers.get('app')!;
    expect(handler).toBeTypeOf('function');
    // The shell serves electron/renderer here (out/renderer when built): the source files beside it are out of reach.
    for (const url of ['app://renderer/%2e%2e/main/index.ts', 'app://renderer/..%2fmain%2findex.ts', 'app://renderer/index.html']) {
      const response = await handler(new Request(url));
      expect(response.status, url).toBe(404);
      expect(response.headers.get('content-security-policy'), url).toBe(CONTENT_SECURITY_POLICY);
    }
  });

  it('answers the app’s own frame', async () => {
    const result = await invokeFrom(fake, fake.windows[0]!.webContents, 'servers.list');
    expect(result).toEqual({ ok: true, value: [] });
  });

  it('refuses messages from any other sender', async () => {
    const ours = fake.windows[0]!.webContents;
    const stranger = new FakeWebContents(appUrl);
    const refusals = await Promise.all([
      invokeFrom(fake, stranger, 'servers.list'),
      invokeFrom(fake, ours, 'servers.list', undefined, { url: appUrl }), // a subframe: not the main frame object
      invokeFrom(fake, Object.assign(new FakeWebContents('https://evil.example/'), { id: ours.id }), 'servers.list'),
    ]);
    for (const result of refusals) expect(result).toMatchObject({ ok: false, error: { kind: 'Forbidden' } });
  });

  it('refuses bad input before doing any work', async () => {
    const result = await invokeFrom(fake, fake.windows[0]!.webContents, 'servers.add', { name: 'x', url: 'http://10.0.0.1', password: 'sneaky' });
    expect(result).toMatchObject({ ok: false, error: { kind: 'InvalidInput' } });
  });

  it('forwards core events to the window', async () => {
    const contents = fake.windows[0]!.webContents;
    await invokeFrom(fake, contents, 'servers.add', { name: 'cam-01', url: 'http://127.0.0.1:9' });
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
    expect(headers['Content-Security-Policy']![0]).toBe(CONTENT_SECURITY_POLICY);
    expect(CONTENT_SECURITY_POLICY).toMatch(/default-src 'none'.*script-src 'self'.*style-src 'self';.*connect-src 'self'/);
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-inline');
  });

  it('shows license alerts with the server name as text, not markup, on Linux', async () => {
    const fleet = await startFleet({ count: 1, state: 'invalid' });
    try {
      const contents = fake.windows[0]!.webContents;
      const name = '<b>Lobby</b> & <a href="https://evil.example/">"HQ"</a>';
      const added = (await invokeFrom(fake, contents, 'servers.add', { name, url: fleet.urls[0]! })) as { ok: boolean; value?: { id: string } };
      expect(added.ok).toBe(true);
      await invokeFrom(fake, contents, 'fleet.refresh', { serverIds: [added.value!.id] });
      await vi.waitFor(() => expect(fake.state.notifications).toHaveLength(1), { timeout: 10_000 });
      const shown = fake.state.notifications[0]!;
      if (process.platform === 'linux') {
        expect(shown.body).toContain('&lt;b&gt;Lobby&lt;/b&gt; &amp; &lt;a href=&quot;https://evil.example/&quot;&gt;&quot;HQ&quot;&lt;/a&gt;:');
        expect(shown.body).not.toMatch(/[<>]/);
      } else {
        expect(shown.body).toContain(name);
      }
    } finally {
      await fleet.close();
    }
  });

  it('saves a report as PDF printed by a hidden window without scripts, then closes that window', async () => {
    const out = join(dataDir, 'report.pdf');
    const asked: unknown[] = [];
    fake.electron.dialog.showSaveDialog = async (...args: unknown[]) => (asked.push(args.at(-1)), { canceled: false, filePath: out });
    const result = await invokeFrom(fake, fake.windows[0]!.webContents, 'report.save', { serverIds: null, scope: 'all servers', format: 'pdf' });
    expect(result).toEqual({ ok: true, value: { path: out } });
    expect(asked[0]).toMatchObject({ defaultPath: expect.stringMatching(/license-report-\d{4}-\d\d-\d\d\.pdf$/), filters: [{ name: 'PDF', extensions: ['pdf'] }] });
    const printer = fake.windows.at(-1)!;
    expect(fake.windows).toHaveLength(2);
    expect(printer.options).toMatchObject({ show: false, webPreferences: { javascript: false, sandbox: true, contextIsolation: true, nodeIntegration: false } });
    const loaded = decodeURIComponent(fake.state.loaded.at(-1)!.replace(/^url:data:text\/html;charset=utf-8,/, ''));
    expect(loaded).toMatch(/^<!DOCTYPE html>[\s\S]*<h1>License report: all servers<\/h1>/);
    expect(printer.webContents.printed).toEqual([{ pageSize: 'A4', printBackground: true }]);
    expect(printer.isDestroyed()).toBe(true);
    expect(readFileSync(out, 'utf8')).toBe('%PDF-1.4 stand-in\n');
    expect(statSync(out).mode & 0o777).toBe(0o600);
  });

  it('sends menu commands to the renderer', () => {
    const template = fake.state.menuTemplate as Array<{ label?: string; submenu?: Array<{ label?: string; accelerator?: string; registerAccelerator?: boolean; click?: () => void }> }>;
    const items = template.flatMap((m) => m.submenu ?? []);
    const refresh = items.find((i) => i.label === 'Refresh All')!;
    expect(refresh.accelerator).toBe('F5');
    // The window handles F5 itself: the menu shows the key but does not take it (one press, one refresh).
    expect(refresh.registerAccelerator).toBe(false);
    expect(items.find((i) => i.label === 'Add Server…')!.registerAccelerator).toBeUndefined();
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
