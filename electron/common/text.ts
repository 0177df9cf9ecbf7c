/**
 * The one notion of a control character: C0, DEL and C1 (Unicode's Cc). C1 matters as much as C0:
 * U+009B is a terminal's CSI, as ESC [ is.
 */
const CONTROL = /\p{Cc}/u;
const CONTROL_RUNS = /\p{Cc}+/gu;

export function hasControlChars(text: string): boolean {
  return CONTROL.test(text);
}

/** Each run of control characters becomes one space; the ends are trimmed. */
export function withoutControlChars(text: string): string {
  return text.replace(CONTROL_RUNS, ' ').trim();
}

/** Case- and composition-insensitive identity of a name or label, for uniqueness checks. */
export function nameKey(name: string): string {
  return name.trim().normalize('NFC').toLowerCase();
}

/** A short, printable, one-line excerpt of untrusted text: no control characters, no floods. */
export function excerpt(text: string | null | undefined, max = 120): string {
  const flat = withoutControlChars(String(text ?? '')).replace(/\s+/g, ' ');
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}
