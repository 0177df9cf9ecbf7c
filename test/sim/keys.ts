// License keys the simulator mints and accepts.
//
// A key is base64 text of `payload JSON bytes || HMAC-SHA256(payload)`. The real key format is not
// public; this one only has to behave like a real key: opaque text that the server validates, so
// arbitrary base64 is rejected and each minted key differs. Nothing outside test/sim may decode it.
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';

/** License terms as the server reports them in LicenseInfo.terms. */
export interface Terms {
  online_checkin: boolean;
  max_streams: number;
  /** Seconds. */
  journal_max_allowed_age: number;
  /** YYYY-MM-DD, or null for a perpetual license. */
  expiration_date: string | null;
}

export interface MintKeyOptions {
  /** Default 4. */
  maxStreams?: number;
  /** YYYY-MM-DD; default one year from today (UTC) unless perpetual. */
  expires?: string;
  perpetual?: boolean;
  /** Default false. */
  onlineCheckin?: boolean;
  /** Default 30. */
  journalDays?: number;
  /** Signed validly but with an expiration date in the past (30 days ago unless `expires` is given). */
  expired?: boolean;
  /** Looks like a key but its signature is broken. */
  corrupt?: boolean;
  /** License id inside the payload; default a random UUID. */
  id?: string;
  /** Adds this many random bytes inside the payload, for keys bigger than a keychain entry. */
  padding?: number;
}

export type KeyVerdict =
  | { kind: 'valid'; terms: Terms }
  | { kind: 'expired'; terms: Terms }
  | { kind: 'invalid' };

interface Payload {
  v: 1;
  id: string;
  nonce: string;
  terms: Terms;
  pad?: string;
}

// A test tool's secret: it only keeps keys from being forgeable by accident, not by intent.
const SIM_SECRET = 'bf-license-sim/test-only-signing-secret/v1';
const MAC_BYTES = 32;
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
const CANONICAL_BASE64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Today's date in UTC as YYYY-MM-DD: the simulator judges expiry in UTC. */
export function todayUtc(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}

/** `days` after (or, negative, before) today in UTC, as YYYY-MM-DD. */
export function utcDateFromToday(days: number): string {
  const d = new Date();
  d.setUTCDate(d.getUTCDate() + days);
  return todayUtc(d);
}

function isIsoDate(text: string): boolean {
  if (!DATE_RE.test(text)) return false;
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text;
}

export function isExpired(terms: Terms): boolean {
  return terms.expiration_date !== null && terms.expiration_date < todayUtc();
}

/** Builds the terms a key minted with these options carries; throws on contradictory options. */
export function termsFromOptions(opts: MintKeyOptions): Terms {
  const maxStreams = opts.maxStreams ?? 4;
  const journalDays = opts.journalDays ?? 30;
  if (!Number.isSafeInteger(maxStreams) || maxStreams < 0) throw new Error('maxStreams must be a whole number of at least 0');
  if (!Number.isFinite(journalDays) || journalDays < 0) throw new Error('journalDays must be a number of at least 0');
  if (opts.perpetual && opts.expires !== undefined) throw new Error('a key cannot be both perpetual and expire');
  if (opts.perpetual && opts.expired) throw new Error('a perpetual key cannot be expired');
  if (opts.expires !== undefined && !isIsoDate(opts.expires)) throw new Error(`expires must be a date as YYYY-MM-DD, not "${opts.expires}"`);

  let expiration: string | null;
  if (opts.perpetual) expiration = null;
  else if (opts.expired) {
    expiration = opts.expires ?? utcDateFromToday(-30);
    if (expiration >= todayUtc()) throw new Error(`an expired key needs an expiry date before today, not ${expiration}`);
  } else expiration = opts.expires ?? utcDateFromToday(365);

  return {
    online_checkin: opts.onlineCheckin ?? false,
    max_streams: maxStreams,
    journal_max_allowed_age: journalDays * 86_400,
    expiration_date: expiration,
  };
}

function mac(payload: Buffer): Buffer {
  return createHmac('sha256', SIM_SECRET).update(payload).digest();
}

/** Signs a key for exactly these terms (the server uses it to hold keys for given initial terms). */
export function keyForTerms(terms: Terms, opts: { id?: string; padding?: number; corrupt?: boolean } = {}): string {
  const padding = opts.padding ?? 0;
  if (!Number.isSafeInteger(padding) || padding < 0) throw new Error('padding must be a whole number of bytes, at least 0');
  const payload: Payload = { v: 1, id: opts.id ?? randomUUID(), nonce: randomBytes(12).toString('hex'), terms };
  if (padding > 0) payload.pad = randomBytes(padding).toString('base64');
  const body = Buffer.from(JSON.stringify(payload), 'utf8');
  const signature = mac(body);
  // Flipping a bit keeps the text well-formed base64 of the right length: only the signature fails.
  if (opts.corrupt) signature[0] = (signature[0] ?? 0) ^ 0x01;
  return Buffer.concat([body, signature]).toString('base64');
}

/** Mints a key signed by the simulator. Throws on contradictory options. */
export function mintKey(opts: MintKeyOptions = {}): string {
  return keyForTerms(termsFromOptions(opts), { id: opts.id, padding: opts.padding, corrupt: opts.corrupt });
}

function isTerms(value: unknown): value is Terms {
  if (typeof value !== 'object' || value === null) return false;
  const t = value as Record<string, unknown>;
  return (
    typeof t.online_checkin === 'boolean' &&
    typeof t.max_streams === 'number' && Number.isSafeInteger(t.max_streams) && t.max_streams >= 0 &&
    typeof t.journal_max_allowed_age === 'number' && Number.isFinite(t.journal_max_allowed_age) &&
    (t.expiration_date === null || (typeof t.expiration_date === 'string' && isIsoDate(t.expiration_date)))
  );
}

/**
 * Judges key text as the simulated server does: strict canonical base64 (no surrounding
 * whitespace: trimming is the client's job), a good signature, well-formed terms, and expiry
 * against today's UTC date.
 */
export function verifyKey(text: string): KeyVerdict {
  if (text.length === 0 || !CANONICAL_BASE64_RE.test(text)) return { kind: 'invalid' };
  const raw = Buffer.from(text, 'base64');
  if (raw.length <= MAC_BYTES) return { kind: 'invalid' };
  const body = raw.subarray(0, raw.length - MAC_BYTES);
  if (!timingSafeEqual(mac(body), raw.subarray(raw.length - MAC_BYTES))) return { kind: 'invalid' };

  let payload: unknown;
  try {
    payload = JSON.parse(body.toString('utf8'));
  } catch {
    return { kind: 'invalid' };
  }
  if (typeof payload !== 'object' || payload === null) return { kind: 'invalid' };
  const terms = (payload as { terms?: unknown }).terms;
  if (!isTerms(terms)) return { kind: 'invalid' };
  const clean: Terms = {
    online_checkin: terms.online_checkin,
    max_streams: terms.max_streams,
    journal_max_allowed_age: terms.journal_max_allowed_age,
    expiration_date: terms.expiration_date,
  };
  return isExpired(clean) ? { kind: 'expired', terms: clean } : { kind: 'valid', terms: clean };
}
