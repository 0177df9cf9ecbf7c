/** Formatting of numbers and times, shared by the grid, dialogs, exports and the command line. */

const NUMBER = new Intl.NumberFormat('en');

/** 5000 → "5,000". */
export function count(n: number): string {
  return NUMBER.format(n);
}

/** "1 server", "3 servers". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${count(n)} ${n === 1 ? one : many}`;
}

/** "just now", "3 min ago", "5 h ago", "12 d ago"; "never" for null. Future times read "just now". */
export function relativeTime(iso: string | null, now: number): string {
  if (!iso) return 'never';
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return 'unknown';
  const seconds = Math.max(0, Math.round((now - at) / 1000));
  if (seconds < 45) return 'just now';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.round(hours / 24)} d ago`;
}

/** An ISO time as "2025-03-01 14:05" in local time (with `:07` seconds when asked), for titles and tables. */
export function localTime(iso: string | null, { seconds = false } = {}): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, '0');
  const time = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
  return seconds ? `${time}:${pad(d.getSeconds())}` : time;
}

/** Today's local date as YYYY-MM-DD, for file names. */
export function isoDay(now: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}
