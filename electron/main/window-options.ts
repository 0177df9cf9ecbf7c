import type { BrowserWindowConstructorOptions, Rectangle } from 'electron';

const DEFAULT_SIZE = { width: 1280, height: 800 };
const MIN_SIZE = { width: 900, height: 560 };

/**
 * The main window's frame: size, title, colour. Its webPreferences (the security-relevant part) are
 * written as a literal at the `new BrowserWindow(...)` call in index.ts, where a reviewer and
 * Electronegativity read them without following a helper.
 */
export function mainWindowFrame(bounds: Partial<Rectangle>, dark: boolean): Omit<BrowserWindowConstructorOptions, 'webPreferences'> {
  return {
    ...DEFAULT_SIZE,
    ...bounds,
    minWidth: MIN_SIZE.width,
    minHeight: MIN_SIZE.height,
    show: false,
    title: 'BrainFrame Fleet Licenses',
    backgroundColor: dark ? '#16181d' : '#f6f7f9',
  };
}

/**
 * Saved window bounds, if they still show on one of the current displays (a laptop taken off
 * its dock must not open the window off-screen); otherwise the default size, centred.
 */
export function restoreBounds(saved: Rectangle | null, workAreas: Rectangle[]): Partial<Rectangle> {
  if (!saved) return {};
  const visible = workAreas.some(
    (area) =>
      saved.x < area.x + area.width - 50 &&
      saved.x + saved.width > area.x + 50 &&
      saved.y >= area.y - 10 &&
      saved.y < area.y + area.height - 50,
  );
  if (!visible) return { width: saved.width, height: saved.height };
  return saved;
}

const POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  // No 'unsafe-inline': the built renderer's CSS is a file, and Vue's :style bindings (virtual rows,
  // column templates) set CSSOM properties, which CSP does not govern. Only style attributes in
  // markup and <style> elements are refused, and the app has neither.
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'", // the renderer never talks to BrainFrame servers: the main process does
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
];

/**
 * The Content-Security-Policy of every page: only the app's own code, no remote anything. Sent as
 * a header on every app:// response (app-protocol.ts) and on the dev server's (index.ts).
 */
export const CONTENT_SECURITY_POLICY = POLICY.join('; ');

/**
 * The same policy as a <meta> tag, which the build puts into index.html (electron.vite.config.ts)
 * in case the page is ever loaded without the header. frame-ancestors is left out: browsers ignore
 * it in a meta tag (and say so in the console).
 */
export const META_CONTENT_SECURITY_POLICY = POLICY.filter((d) => !d.startsWith('frame-ancestors')).join('; ');

/**
 * In development only, on electron-vite's dev server: Vite injects the styles as <style> elements
 * (and swaps them on hot reload), which needs 'unsafe-inline'. Never used by a packaged app.
 */
export const DEVELOPMENT_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'");

/** Links the app may hand to the OS browser: https only, and only to these hosts. */
const EXTERNAL_HOSTS = new Set(['aotu.ai', 'www.aotu.ai', 'docs.aotu.ai']);

export function isVettedExternalUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' && !parsed.username && !parsed.password && EXTERNAL_HOSTS.has(parsed.hostname);
  } catch {
    return false;
  }
}
