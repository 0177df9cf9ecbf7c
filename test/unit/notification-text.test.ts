import { describe, expect, it } from 'vitest';
import { escapeNotificationMarkup, notificationText } from '../../electron/main/notification-text';

describe('notification text', () => {
  it('escapes &, <, > and both quotes, & first so nothing is escaped twice', () => {
    expect(escapeNotificationMarkup(`<b>A&B</b> "x" 'y'`)).toBe('&lt;b&gt;A&amp;B&lt;/b&gt; &quot;x&quot; &#39;y&#39;');
    expect(escapeNotificationMarkup('&lt;')).toBe('&amp;lt;');
    expect(escapeNotificationMarkup('cam-01: the license expires in 3 days (2030-01-01).')).toBe('cam-01: the license expires in 3 days (2030-01-01).');
    expect(escapeNotificationMarkup('')).toBe('');
  });

  it('escapes title and body on Linux only, where the daemon renders markup', () => {
    const alert = { title: 'License <i>expired</i>', body: '<img src="file:///x">: expired' };
    expect(notificationText(alert, 'linux')).toEqual({ title: 'License &lt;i&gt;expired&lt;/i&gt;', body: '&lt;img src=&quot;file:///x&quot;&gt;: expired' });
    expect(notificationText(alert, 'win32')).toEqual(alert);
    expect(notificationText(alert, 'darwin')).toEqual(alert);
  });
});
