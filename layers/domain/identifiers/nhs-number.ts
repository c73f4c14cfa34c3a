import * as z from 'zod';

/** Removes spaces and hyphens: NHS numbers are often written 943 476 5919. */
export function normaliseNhsNumber(raw: string): string {
  return raw.replace(/[\s-]/g, '');
}

/** Modulus 11 check: weights 10..2 over the first nine digits; a check value of 10 is never issued. */
export function isValidNhsNumber(raw: string): boolean {
  const n = normaliseNhsNumber(raw);
  if (!/^\d{10}$/.test(n)) return false;
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(n[i]) * (10 - i);
  const check = 11 - (sum % 11);
  if (check === 10) return false;
  return (check === 11 ? 0 : check) === Number(n[9]);
}

export const NhsNumberSchema = z
  .string()
  .transform(normaliseNhsNumber)
  .refine(isValidNhsNumber, { message: 'is not a valid NHS number (modulus 11 check failed)' })
  .meta({ description: 'NHS number, 10 digits with a modulus 11 check digit', example: '9434765919' });
