import { z } from 'zod';
import { LICENSE_STATES, type LicenseInfo, type LicenseTerms } from '../../common/license';
import { excerpt } from '../../common/text';

/** BrainFrame's plain `YYYY-MM-DD`, a real calendar date. */
export const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a YYYY-MM-DD date')
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), 'not a calendar date');

/** Strict about types, lenient about extra fields: a newer server may add some (they are dropped). */
export const licenseTermsSchema = z.object({
  online_checkin: z.boolean(),
  max_streams: z.number().int().nonnegative(),
  journal_max_allowed_age: z.number().nonnegative().finite(),
  expiration_date: isoDate.nullable(),
}) satisfies z.ZodType<LicenseTerms>;

export const licenseInfoSchema = z.object({
  state: z.enum(LICENSE_STATES),
  // An absent `terms` means the same as null: no license loaded.
  terms: licenseTermsSchema.nullable().optional().transform((t) => t ?? null),
}) satisfies z.ZodType<LicenseInfo, unknown>;

/**
 * Text the server chooses, as the program keeps it: printable, one line, short (see excerpt). It is
 * shown in the grid, printed on terminals and stored with every status and history line, so escape
 * sequences and bidi controls in it must never get that far. Text that is nothing else is refused.
 */
function serverText(max: number) {
  return z
    .string()
    .transform((text) => excerpt(text, max))
    .pipe(z.string().min(1, 'no printable text'));
}

export const versionSchema = z.string().min(1).max(100).pipe(serverText(100));

/**
 * BrainFrame's error body: branch on `title`, show `description` to people. An unknown title
 * becomes the error's kind, so it is shown: as printable text, capped like a label.
 */
export const errorBodySchema = z.object({
  title: z.string().min(1).max(200).pipe(serverText(100)),
  description: z
    .string()
    .max(10_000)
    .optional()
    .nullable()
    .transform((text) => (text ? excerpt(text, 500) : null)),
});
