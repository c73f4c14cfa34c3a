import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type * as z from 'zod';

const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Cookie values only the console can read or make: AES-256-GCM under the session key, the cookie's name as
 * associated data (a value sealed for one cookie is refused in another). A value that does not open or
 * does not match its schema is treated as absent, never trusted in part.
 */
export class CookieSealer {
  readonly #key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== 32) throw new Error('The session key must be 32 bytes');
    this.#key = key;
  }

  seal(cookieName: string, value: unknown): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    cipher.setAAD(Buffer.from(cookieName));
    const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
  }

  open<S extends z.ZodType>(
    cookieName: string,
    sealed: string | undefined,
    schema: S,
  ): z.output<S> | undefined {
    if (!sealed) return undefined;
    try {
      const raw = Buffer.from(sealed, 'base64url');
      if (raw.length <= IV_BYTES + TAG_BYTES) return undefined;
      const decipher = createDecipheriv('aes-256-gcm', this.#key, raw.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(cookieName));
      decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      const text = Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
      const parsed = schema.safeParse(JSON.parse(text.toString('utf8')));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }
}
