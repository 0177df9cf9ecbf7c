/**
 * Sizes and lengths the core enforces and the renderer's forms announce: one number each, so a
 * form can never accept what the core refuses.
 */

/** Server fields, in characters (the password too). */
export const FIELD_LIMITS = { name: 100, site: 100, notes: 2000, username: 200, password: 1000 } as const;

/** A key's label, in characters. */
export const MAX_LABEL_CHARS = 100;

/** A server address, in characters. */
export const MAX_URL_LENGTH = 2048;

/** Keys are a few KB of base64; anything much larger is the wrong file, and is never read whole. */
export const MAX_KEY_FILE_BYTES = 64 * 1024;

/** The largest server list read from a CSV file: 5,000 servers take well under 1 MiB. */
export const MAX_CSV_BYTES = 20 * 1024 * 1024;

/** An .xlsx file of MAX_CSV_BYTES, as the base64 text it crosses IPC in. */
export const MAX_XLSX_BASE64_CHARS = Math.ceil(MAX_CSV_BYTES / 3) * 4;

/**
 * An .xlsx workbook is a zip: at most MAX_CSV_BYTES on disk, like a CSV file, and at most this
 * much once unpacked (its declared sizes, checked before anything is inflated) in at most
 * MAX_XLSX_ENTRIES parts. A list of 5,000 servers unpacks to a few MiB; ExcelJS holds a workbook
 * in memory at many times its XML's size, so the cap is kept to ten times that.
 */
export const MAX_XLSX_UNPACKED_BYTES = 32 * 1024 * 1024;
export const MAX_XLSX_ENTRIES = 1000;
