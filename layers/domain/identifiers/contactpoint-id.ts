import { z } from 'zod';

/**
 * ContactPoint ID: `CP` + 8 payload characters + 1 check character, all from Crockford's base-32
 * alphabet (no I, L, O or U, so 0/O and 1/I/L cannot be confused). The check character is Luhn mod N
 * over the payload: it catches every single-character slip and every swap of two adjacent characters,
 * so a mistyped ID is refused before any lookup.
 */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const N = ALPHABET.length;
const PREFIX = 'CP';
const PAYLOAD_LENGTH = 8;

function luhnModN(payload: string): string {
  let factor = 2;
  let sum = 0;
  for (let i = payload.length - 1; i >= 0; i--) {
    const codePoint = ALPHABET.indexOf(payload[i] as string);
    let addend = factor * codePoint;
    factor = factor === 2 ? 1 : 2;
    addend = Math.floor(addend / N) + (addend % N);
    sum += addend;
  }
  return ALPHABET[(N - (sum % N)) % N] as string;
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
  return luhnModN(body.slice(0, PAYLOAD_LENGTH)) === body.slice(PAYLOAD_LENGTH);
}

/** Builds an ID from random bytes (the caller supplies randomness, keeping the domain pure). */
export function contactPointIdFrom(randomBytes: Uint8Array): string {
  if (randomBytes.length < PAYLOAD_LENGTH) throw new RangeError('need 8 random bytes');
  let payload = '';
  for (let i = 0; i < PAYLOAD_LENGTH; i++) payload += ALPHABET[(randomBytes[i] as number) % N];
  return `${PREFIX}${payload}${luhnModN(payload)}`;
}

export const ContactPointIdSchema = z
  .string()
  .transform(normaliseContactPointId)
  .refine(isValidContactPointId, { message: 'is not a valid ContactPoint ID (check character does not match)' })
  .meta({ description: 'ContactPoint ID: CP, 8 characters and a check character', example: 'CP7M3K9P2XK' });
