import * as z from 'zod';

/**
 * Unique Pupil Number (DfE): a check letter then 12 characters — LA number (3 digits), establishment
 * (4), year of allocation (2), serial (3); a temporary UPN ends in a letter. The check letter is the
 * sum of characters 2–13 weighted 2..13, modulo 23, read from the DfE's 23-letter alphabet (letters
 * in the last position count by their place in that same alphabet).
 */
const CHECK_ALPHABET = 'ABCDEFGHJKLMNPQRTUVWXYZ';

export function normaliseUpn(raw: string): string {
  return raw.toUpperCase().replace(/[\s-]/g, '');
}

export function upnCheckLetter(body12: string): string {
  let sum = 0;
  for (let i = 0; i < 12; i++) {
    const c = body12[i] as string;
    const value = /\d/.test(c) ? Number(c) : CHECK_ALPHABET.indexOf(c);
    sum += value * (i + 2);
  }
  return CHECK_ALPHABET[sum % 23] as string;
}

export function isValidUpn(raw: string): boolean {
  const upn = normaliseUpn(raw);
  if (!/^[A-Z]\d{11}[0-9ABCDEFGHJKLMNPQRTUVWXYZ]$/.test(upn)) return false;
  return upnCheckLetter(upn.slice(1)) === upn[0];
}

export const UpnSchema = z
  .string()
  .transform(normaliseUpn)
  .refine(isValidUpn, { message: 'is not a valid Unique Pupil Number (check letter does not match)' })
  .meta({ description: 'Unique Pupil Number: check letter and 12 characters', example: 'H801200001001' });
