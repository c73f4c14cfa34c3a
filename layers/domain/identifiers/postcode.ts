import { isValid, toNormalised, toOutcode } from 'postcode';
import * as z from 'zod';

/** A postcode without spaces, upper case: `sw1a 2aa` → `SW1A2AA` (what is compared and keyed). */
export function compactPostcode(raw: string): string {
  return raw.replace(/\s+/g, '').toUpperCase();
}

/** `sw1a2aa`, `SW1A  2AA` and `sw1a 2aa` all become `SW1A 2AA`; undefined when not a UK postcode. */
export function normalisePostcode(raw: string): string | undefined {
  const compact = compactPostcode(raw);
  return isValid(compact) ? (toNormalised(compact) ?? undefined) : undefined;
}

/** The outward code (`SW1A`) of a normalised postcode: agreement on it is weaker evidence than the full code. */
export function outwardCode(normalised: string): string {
  return toOutcode(normalised) ?? normalised.split(' ')[0] ?? normalised;
}

export const PostcodeSchema = z
  .string()
  .transform((raw, ctx) => {
    const normalised = normalisePostcode(raw);
    if (!normalised) {
      ctx.addIssue({ code: 'custom', message: 'is not a valid UK postcode' });
      return z.NEVER;
    }
    return normalised;
  })
  .meta({ description: 'UK postcode, any spacing or case', example: 'LS6 2AB' });
