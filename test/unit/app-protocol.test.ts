import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { APP_PAGE_URL, mimeType, rendererFilePath, serveRenderer } from '../../electron/main/app-protocol';
import { CONTENT_SECURITY_POLICY } from '../../electron/main/window-options';
import { tempDir } from '../helpers/keyring';

let dir: Awaited<ReturnType<typeof tempDir>>;
let root: string;

beforeAll(async () => {
  dir = await tempDir('bf-app-protocol-');
  root = join(dir.path, 'out', 'renderer');
  await mkdir(join(root, 'assets'), { recursive: true });
  await writeFile(join(root, 'index.html'), '<!doctype html><title>app</title>');
  await writeFile(join(root, 'assets', 'index-abc.js'), 'console.log(1)');
  await writeFile(join(root, 'assets', 'index-abc.css'), 'body{}');
  await writeFile(join(root, 'assets', 'blob.bin'), 'x');
  await writeFile(join(dir.path, 'out', 'secret.txt'), 'secret');
  await writeFile(join(dir.path, 'out', 'renderer-evil.txt'), 'secret');
  await symlink(join(dir.path, 'out', 'secret.txt'), join(root, 'assets', 'link.txt'));
});

afterAll(() => dir.remove());

const get = (url: string, method = 'GET') => serveRenderer({ url, method }, root, CONTENT_SECURITY_POLICY);

describe('the app:// scheme', () => {
  it('serves the built renderer with the right types and the CSP on every response', async () => {
    for (const [url, type, body] of [
      [APP_PAGE_URL, 'text/html; charset=utf-8', '<!doctype html><title>app</title>'],
      ['app://renderer/', 'text/html; charset=utf-8', '<!doctype html><title>app</title>'],
      ['app://renderer/assets/index-abc.js', 'text/javascript; charset=utf-8', 'console.log(1)'],
      ['app://renderer/assets/index-abc.css?v=1#x', 'text/css; charset=utf-8', 'body{}'],
      ['app://renderer/assets/blob.bin', 'application/octet-stream', 'x'],
    ] as const) {
      const response = await get(url);
      expect(response.status, url).toBe(200);
      expect(response.headers.get('content-type'), url).toBe(type);
      expect(response.headers.get('content-security-policy'), url).toBe(CONTENT_SECURITY_POLICY);
      expect(response.headers.get('x-content-type-options'), url).toBe('nosniff');
      expect(await response.text(), url).toBe(body);
    }
  });

  it('refuses every path out of the renderer folder, and other hosts and schemes', async () => {
    for (const url of [
      'app://renderer/../secret.txt', // normalised by the URL parser to /secret.txt: absent, 404
      'app://renderer/%2e%2e/secret.txt',
      'app://renderer/..%2fsecret.txt',
      'app://renderer/assets/..%2f..%2fsecret.txt',
      'app://renderer/..%5csecret.txt',
      'app://renderer/%2e%2e%5csecret.txt',
      `app://renderer/${encodeURIComponent(join(dir.path, 'out', 'secret.txt'))}`,
      'app://renderer/%2e%2e/renderer-evil.txt',
      'app://renderer/index.html%00.png',
      'app://renderer/%E0%A4%A', // a malformed escape
      'app://renderer/assets/link.txt', // a symbolic link pointing out of the folder
      'app://renderer/assets', // a folder
      'app://renderer/missing.js',
      'app://other/index.html',
      'app://user@renderer/index.html',
      'file:///etc/passwd',
      'https://renderer/index.html',
    ]) {
      const response = await get(url);
      expect(response.status, url).toBe(404);
      expect(response.headers.get('content-security-policy'), url).toBe(CONTENT_SECURITY_POLICY);
      expect(await response.text(), url).toBe('');
    }
  });

  it('answers only GET and HEAD', async () => {
    expect((await get(APP_PAGE_URL, 'POST')).status).toBe(405);
    const head = await get(APP_PAGE_URL, 'HEAD');
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    expect(head.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
  });

  it('maps URLs to files inside the folder only', () => {
    expect(rendererFilePath('app://renderer/assets/a.js', root)).toBe(join(root, 'assets', 'a.js'));
    expect(rendererFilePath('app://renderer/', root)).toBe(join(root, 'index.html'));
    expect(rendererFilePath('app://renderer/%2e%2e/x', root)).toBe(join(root, 'x')); // the URL parser resolves %2e%2e as ..: still inside
    expect(rendererFilePath('app://renderer/a%2f..%2f..%2fx', root)).toBeNull();
    expect(mimeType('A.CSS')).toBe('text/css; charset=utf-8');
    expect(mimeType('x.woff2')).toBe('font/woff2');
  });
});
