import { BrowserWindow } from 'electron';

/**
 * The app's PDF of a report: the report's own self-contained HTML, loaded into a hidden window
 * with scripts off and printed with Electron's printToPDF. The page carries its own CSP
 * (default-src 'none'), loads nothing, and may not navigate or open windows.
 */
export async function printHtmlToPdf(html: string): Promise<Uint8Array> {
  const window = new BrowserWindow({
    show: false,
    webPreferences: {
      javascript: false,
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
      spellcheck: false,
      disableBlinkFeatures: 'Auxclick',
    },
  });
  try {
    const contents = window.webContents;
    contents.on('will-navigate', (event) => event.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
    await window.loadURL(`data:text/html;charset=utf-8,${encodeURIComponent(html)}`);
    // A4 is the shorter page and Letter the wider: the report's layout fits either.
    return await contents.printToPDF({ pageSize: 'A4', printBackground: true });
  } finally {
    window.destroy();
  }
}
