import type { BrowserWindowConstructorOptions, Rectangle } from 'electron';

export const DEFAULT_SIZE = { width: 1280, height: 800 };
export const MIN_SIZE = { width: 900, height: 560 };

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

/** The Content-Security-Policy of every page: only the app's own code, no remote anything. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'", // Vue and the component kit set inline styles (virtual rows, positions)
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'", // the renderer never talks to BrainFrame servers: the main process does
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

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
