/**
 * Which URL the window loads, and which URLs are the app's own: the answer to "may this frame
 * talk to the main process, may the window navigate there". Pure, so it is tested without Electron.
 */

/**
 * electron-vite's dev server, in development only. A packaged app ignores ELECTRON_RENDERER_URL
 * (anyone who can set a variable in the user's environment could otherwise point the app, its
 * preload and its IPC at a page of theirs), as it ignores anything but http(s).
 */
export function devServerUrl(value: string | undefined, isPackaged: boolean): string | null {
  if (isPackaged || !value) return null;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/**
 * Whether a URL is the app's: with a dev server, any page of exactly its origin (scheme, host and
 * port; `http://localhost:5173.evil.net` is not `http://localhost:5173`); otherwise exactly the
 * app's page (scheme, host, path and query; only the #fragment may differ).
 */
export function appUrlMatcher(app: { devServerUrl: string | null; pageUrl: string }): (url: string) => boolean {
  if (app.devServerUrl) {
    const origin = new URL(app.devServerUrl).origin;
    return (url) => {
      const parsed = parse(url);
      return !!parsed && parsed.origin !== 'null' && parsed.origin === origin && !parsed.username && !parsed.password;
    };
  }
  const page = new URL(app.pageUrl);
  return (url) => {
    const parsed = parse(url);
    return (
      !!parsed &&
      parsed.protocol === page.protocol &&
      parsed.host === page.host &&
      parsed.pathname === page.pathname &&
      parsed.search === page.search &&
      !parsed.username &&
      !parsed.password
    );
  };
}
