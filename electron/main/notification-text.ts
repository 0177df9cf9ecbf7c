/**
 * Text for a desktop notification. On Linux, notification daemons (libnotify, the Freedesktop
 * spec) render a subset of markup in the body, and some in the title: a server name from an
 * imported CSV such as `<a href="…">` or `<img src="…">` must show as text, not as markup.
 */

/** Escapes text for notification markup: &, <, > and both quotes become entities. */
export function escapeNotificationMarkup(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** The title and body to show, escaped where the platform reads markup (Linux); as they are elsewhere. */
export function notificationText(alert: { title: string; body: string }, platform: NodeJS.Platform): { title: string; body: string } {
  if (platform !== 'linux') return { title: alert.title, body: alert.body };
  return { title: escapeNotificationMarkup(alert.title), body: escapeNotificationMarkup(alert.body) };
}
