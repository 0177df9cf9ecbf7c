/**
 * The one notion of a control character: C0, DEL and C1 (Unicode's Cc). C1 matters as much as C0:
 * U+009B is a terminal's CSI, as ESC [ is.
 */
const CONTROL = /\p{Cc}/u;

/**
 * What untrusted text must not carry to a terminal or a screen: the control characters, and the
 * bidi embeddings, overrides (U+202A-U+202E) and isolates (U+2066-U+2069), which reorder how the
 * text around them is shown and so can disguise it.
 */
const UNSAFE = '\\p{Cc}\\u202A-\\u202E\\u2066-\\u2069';
const UNSAFE_RUNS = new RegExp(`[${UNSAFE}]+`, 'gu');
const UNSAFE_BUT_NEWLINE = `(?!\\n)[${UNSAFE}]`;
const UNSAFE_RUNS_BUT_NEWLINES = new RegExp(`(?:${UNSAFE_BUT_NEWLINE})+`, 'gu');
const UNSAFE_CHAR_BUT_NEWLINE = new RegExp(UNSAFE_BUT_NEWLINE, 'gu');

export function hasControlChars(text: string): boolean {
  return CONTROL.test(text);
}

/**
 * Each run of control characters and bidi controls becomes one space; the ends are trimmed.
 * With `lines`, line feeds are kept (and nothing is trimmed), for text of several lines.
 */
export function withoutControlChars(text: string, { lines = false } = {}): string {
  return lines ? text.replace(UNSAFE_RUNS_BUT_NEWLINES, ' ') : text.replace(UNSAFE_RUNS, ' ').trim();
}

/**
 * JSON text with each control character and bidi control but the line feed written as a \uXXXX
 * escape: JSON.stringify escapes C0 only, and leaves DEL, C1 and bidi controls raw. In its output
 * every such character stands inside a string, where the escape means the same; line feeds outside
 * strings are its layout, and inside them it has already escaped them.
 */
export function escapeControlChars(json: string): string {
  return json.replace(UNSAFE_CHAR_BUT_NEWLINE, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Case- and composition-insensitive identity of a name or label, for uniqueness checks. */
export function nameKey(name: string): string {
  return name.trim().normalize('NFC').toLowerCase();
}

/**
 * A short, printable, one-line excerpt of untrusted text: no control characters or bidi controls,
 * no floods. Everything a server chooses goes through this before the program keeps it.
 */
export function excerpt(text: string | null | undefined, max = 120): string {
  const flat = withoutControlChars(String(text ?? '')).replace(/\s+/g, ' ');
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}
