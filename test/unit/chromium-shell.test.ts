/**
 * The Chromium shell's own decisions, without a browser page: which routed URLs reach the
 * renderer's files (only its origin, and then only what serveRenderer allows for app://), when a
 * window can be shown, and where the host services write the files the app saves.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { findChromium } from '../../electron/core/report/chromium-pdf';
import { serveRenderer } from '../../electron/main/app-protocol';
import { CONTENT_SECURITY_POLICY } from '../../electron/main/window-options';
import { hasDisplay } from '../../scripts/chromium-shell/app';
import { appUrlFor, folderHostServices } from '../../scripts/chromium-shell/shell';
import { tempDir } from '../helpers/keyring';

let dir: Awaited<ReturnType<typeof tempDir>>;
let root: string;

beforeAll(async () => {
  dir = await tempDir('bf-chromium-shell-');
  root = join(dir.path, 'out', 'renderer');
  await mkdir(join(root, 'assets'), { recursive: true });
  await writeFile(join(root, 'index.html'), '<!doctype html><title>app</title>');
  await writeFile(join(root, 'assets', 'index-abc.js'), 'console.log(1)');
  await writeFile(join(dir.path, 'out', 'secret.txt'), 'secret');
});

afterAll(() => dir.remove());

/** What the shell's routing answers for a URL the page asked for: null when it aborts the request. */
async function routed(url: string): Promise<{ status: number; body: string } | null> {
  const appUrl = appUrlFor(url);
  if (!appUrl) return null;
  const response = await serveRenderer({ url: appUrl, method: 'GET' }, root, CONTENT_SECURITY_POLICY);
  expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
  return { status: response.status, body: await response.text() };
}

describe("the shell's routing", () => {
  it("maps its origin's paths and queries onto the app:// scheme", () => {
    expect(appUrlFor('http://127.0.0.1:1/index.html')).toBe('app://renderer/index.html');
    expect(appUrlFor('http://127.0.0.1:1/assets/index-abc.js?v=2#x')).toBe('app://renderer/assets/index-abc.js?v=2');
  });

  it('serves the built renderer from its origin only', async () => {
    expect(await routed('http://127.0.0.1:1/index.html')).toEqual({ status: 200, body: '<!doctype html><title>app</title>' });
    expect(await routed('http://127.0.0.1:1/assets/index-abc.js')).toEqual({ status: 200, body: 'console.log(1)' });
    for (const url of [
      'http://127.0.0.1:2/index.html',
      'https://127.0.0.1:1/index.html',
      'http://localhost:1/index.html',
      'http://127.0.0.2:1/index.html',
      'http://user:pw@127.0.0.1:1/index.html',
      'http://example.com/index.html',
      'data:text/html,<p>x</p>',
      'not a url',
    ]) {
      expect(await routed(url), url).toBeNull();
    }
  });

  it("refuses paths out of the renderer folder as the app:// scheme does", async () => {
    for (const url of [
      'http://127.0.0.1:1/../secret.txt',
      'http://127.0.0.1:1/%2e%2e/secret.txt',
      'http://127.0.0.1:1/..%2fsecret.txt',
      'http://127.0.0.1:1/assets/..%2f..%2fsecret.txt',
      'http://127.0.0.1:1/..%5csecret.txt',
      'http://127.0.0.1:1//secret.txt',
      'http://127.0.0.1:1/missing.js',
    ]) {
      expect((await routed(url))?.status, url).toBe(404);
    }
  });
});

describe('a window', () => {
  it('shows on macOS and Windows, and elsewhere where an X or Wayland display is set', () => {
    expect(hasDisplay({}, 'darwin')).toBe(true);
    expect(hasDisplay({}, 'win32')).toBe(true);
    expect(hasDisplay({}, 'linux')).toBe(false);
    expect(hasDisplay({ DISPLAY: '' }, 'linux')).toBe(false);
    expect(hasDisplay({ DISPLAY: ':0' }, 'linux')).toBe(true);
    expect(hasDisplay({ WAYLAND_DISPLAY: 'wayland-0' }, 'freebsd')).toBe(true);
  });
});

describe("the shell's host services", () => {
  it('save into the folder under the suggested name, never over a file, private to this account', async () => {
    const folder = join(dir.path, 'exports');
    const saved: string[] = [];
    const host = folderHostServices({ appVersion: 't', folder, chromiumPath: '/nonexistent', onSaved: (path) => saved.push(path) });
    const first = await host.saveFile('results.csv', 'a,b\r\n');
    const second = await host.saveFile('results.csv', 'c,d\r\n');
    const escaped = await host.saveFile('../../outside.csv', 'e\r\n');
    expect([first, second, escaped]).toEqual([join(folder, 'results.csv'), join(folder, 'results-2.csv'), join(folder, 'outside.csv')]);
    expect(saved).toEqual([first, second, escaped]);
    expect(await readFile(first!, 'utf8')).toBe('a,b\r\n');
    expect(await readFile(second!, 'utf8')).toBe('c,d\r\n');
    if (process.platform !== 'win32') {
      expect((await stat(first!)).mode & 0o777).toBe(0o600);
      expect((await stat(folder)).mode & 0o777).toBe(0o700);
    }
  });

  it('print PDFs with the Chromium they are given', async () => {
    const host = folderHostServices({ appVersion: 't', folder: join(dir.path, 'pdf'), chromiumPath: findChromium({ needs: 'This test needs' }) });
    const path = await host.savePdf!('report.pdf', '<!doctype html><title>r</title><h1>Fleet report</h1>');
    expect(path).toBe(join(dir.path, 'pdf', 'report.pdf'));
    expect((await readFile(path!)).subarray(0, 5).toString('latin1')).toBe('%PDF-');
  }, 30_000);
});
