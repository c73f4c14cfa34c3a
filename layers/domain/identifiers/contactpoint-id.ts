import * as z from 'zod';

/**
 * ContactPoint ID: `CP` + 8 payload characters + 1 check character, from a 31-character alphabet
 * (Crockford's base 32 without Z: no I, L, O or U, so 0/O and 1/I/L cannot be confused). The check
 * makes Σ (position × value) ≡ 0 (mod 31) over all nine characters. Because 31 is prime and larger
 * than any difference of two values, every single-character slip and every swap of two neighbouring
 * characters (the check character included) breaks the sum — so a mistyped ID is refused before any
 * lookup.
 */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXY';
const MODULUS = ALPHABET.length; // 31, prime
const PREFIX = 'CP';
const PAYLOAD_LENGTH = 8;
const CHECK_WEIGHT_INVERSE = 7; // the check sits at position 9, and 9 × 7 = 63 ≡ 1 (mod 31)

function checkCharacter(payload: string): string {
  let sum = 0;
  for (let i = 0; i < payload.length; i++) sum += (i + 1) * ALPHABET.indexOf(payload[i] as string);
  const value = (((MODULUS - (sum % MODULUS)) % MODULUS) * CHECK_WEIGHT_INVERSE) % MODULUS;
  return ALPHABET[value] as string;
}

/** Upper-cases and removes spaces and hyphens, so `cp 7k3m-9q2x a` reads as `CP7K3M9Q2XA`. */
export function normaliseContactPointId(raw: string): string {
  return raw.toUpperCase().replace(/[\s-]/g, '');
}

export function isValidContactPointId(raw: string): boolean {
  const id = normaliseContactPointId(raw);
  if (id.length !== PREFIX.length + PAYLOAD_LENGTH + 1 || !id.startsWith(PREFIX)) return false;
  const body = id.slice(PREFIX.length);
  if (![...body].every((c) => ALPHABET.includes(c))) return false;
  return checkCharacter(body.slice(0, PAYLOAD_LENGTH)) === body.slice(PAYLOAD_LENGTH);
}

/** Builds an ID from random bytes (the caller supplies randomness, keeping the domain pure). */
export function contactPointIdFrom(randomBytes: Uint8Array): string {
  if (randomBytes.length < PAYLOAD_LENGTH) throw new RangeError('need 8 random bytes');
  let payload = '';
  for (let i = 0; i < PAYLOAD_LENGTH; i++) payload += ALPHABET[(randomBytes[i] as number) % MODULUS];
  return `${PREFIX}${payload}${checkCharacter(payload)}`;
}

export const ContactPointIdSchema = z
  .string()
  .transform(normaliseContactPointId)
  .refine(isValidContactPointId, {
    message: 'is not a valid ContactPoint ID (check character does not match)',
  })
  .meta({ description: 'ContactPoint ID: CP, 8 characters and a check character', example: 'CP7M3K9P2XN' });
