/**
 * The renderer's own scheme, app://renderer/…: the built renderer (out/renderer) served by the main
 * process with the Content-Security-Policy header on every response. Unlike file://, a custom
 * scheme gets response headers (webRequest's CSP does not apply to file://), an origin of its own
 * instead of the whole disk, and lets the file protocol's extra privileges be fused off.
 * Plain Node (fs and the global Response): tested without Electron.
 */
import { readFile, realpath, stat } from 'node:fs/promises';
import { extname, isAbsolute, relative, resolve, sep } from 'node:path';

export const APP_SCHEME = 'app';
const APP_HOST = 'renderer';
/** The origin every file of the renderer is served from (a custom scheme's origin, which URL's `origin` reports as "null"). */
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
/** The one page of the app. */
export const APP_PAGE_URL = `${APP_ORIGIN}/index.html`;
/**
 * What protocol.registerSchemesAsPrivileged gets, before ready: a standard scheme (an origin,
 * relative URLs) that is secure (like https: no mixed-content downgrade) and can use fetch. No
 * bypassCSP, no service workers, no CORS opening.
 */
export const APP_SCHEME_PRIVILEGES = { standard: true, secure: true, supportFetchAPI: true } as const;

const MIME_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
};

/** The type a file is served as: known types only, anything else as opaque bytes (and nosniff). */
export function mimeType(path: string): string {
  return MIME_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/**
 * The file under `root` an app:// URL names, or null when it names none: another scheme or host,
 * a path that leaves the folder (`..`, encoded `%2e%2e` or `%2f`), a backslash, a NUL, bad escapes.
 * `/` is index.html. Symbolic links are followed by serveRenderer, which checks again.
 */
export function rendererFilePath(url: string, root: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST || parsed.username || parsed.password) return null;
  let path: string;
  try {
    path = decodeURIComponent(parsed.pathname);
  } catch {
    return null;
  }
  if (path.includes('\\') || path.includes('\0') || !path.startsWith('/')) return null;
  if (path.split('/').some((segment) => segment === '..')) return null;
  const file = resolve(root, `.${path === '/' ? '/index.html' : path}`);
  return inside(resolve(root), file) && file !== resolve(root) ? file : null;
}

/**
 * The response to one app:// request: the file with its type, or an error status; every response,
 * errors included, carries the Content-Security-Policy and nosniff.
 */
export async function serveRenderer(request: { url: string; method: string }, root: string, contentSecurityPolicy: string): Promise<Response> {
  const headers = { 'Content-Security-Policy': contentSecurityPolicy, 'X-Content-Type-Options': 'nosniff' };
  const fail = (status: number) => new Response(null, { status, headers: { ...headers, 'Content-Type': 'text/plain; charset=utf-8' } });
  if (request.method !== 'GET' && request.method !== 'HEAD') return fail(405);
  const file = rendererFilePath(request.url, root);
  if (!file) return fail(404);
  try {
    // A link inside out/renderer that points outside it is refused like a `..`.
    const [realRoot, realFile] = await Promise.all([realpath(root), realpath(file)]);
    if (!inside(realRoot, realFile) || !(await stat(realFile)).isFile()) return fail(404);
    const body = request.method === 'HEAD' ? null : await readFile(realFile);
    return new Response(body, { status: 200, headers: { ...headers, 'Content-Type': mimeType(realFile) } });
  } catch {
    return fail(404);
  }
}

