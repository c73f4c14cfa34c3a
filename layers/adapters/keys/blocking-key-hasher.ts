import { createHmac, createSecretKey, type KeyObject, randomBytes } from 'node:crypto';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import * as z from 'zod';
import { BLOCKING_SCHEME } from '#domain/matching/blocking.ts';
import { logger } from '#runtime/logger.ts';
import { ConfigurationError, readSettings, type Settings } from '#runtime/settings.ts';
import { keyringEntry } from './local-keyring.ts';

/**
 * The blocking-key secrets: a current one that every write uses, and, while a re-keying migration runs,
 * the previous ones that searches still read. In AWS a Secrets Manager secret encrypted with its own KMS
 * key, read at cold start and again every five minutes; locally the keyring file under .local/.
 */
export const BlockingSecretsSchema = z
  .object({ current: z.string().regex(/^k\d+$/) })
  .catchall(z.string().min(32))
  .transform((raw, ctx) => {
    const keys = Object.fromEntries(Object.entries(raw).filter(([id]) => /^k\d+$/.test(id)));
    if (keys[raw.current] === undefined) {
      ctx.addIssue({ code: 'custom', message: `the current key ${raw.current} is not in the secret` });
      return z.NEVER;
    }
    return { current: raw.current, keys };
  });
/** As stored: `{ "current": "k2", "k2": "<secret>", "k1": "<secret, kept while re-keying>" }`. */
export type StoredBlockingSecrets = z.input<typeof BlockingSecretsSchema>;
export type BlockingSecrets = z.output<typeof BlockingSecretsSchema>;

/** A generation names what a key item was written with: the key design and the secret. */
export const generationOf = (keyId: string) => `${BLOCKING_SCHEME}.${keyId}`;

/**
 * Key material in, keyed hash out (HMAC-SHA-256, 128 bits, base64url): equal material gives equal keys,
 * and without the secret a key says nothing about the name, date, postcode or identifier behind it.
 */
export class BlockingKeyHasher {
  readonly generation: string;
  readonly readGenerations: string[];
  private readonly current: KeyObject;
  private readonly previous: KeyObject[];

  constructor(secrets: StoredBlockingSecrets) {
    const parsed = BlockingSecretsSchema.parse(secrets);
    this.generation = generationOf(parsed.current);
    // Imported once: an HMAC keyed by a KeyObject skips re-importing the secret for every key.
    this.current = createSecretKey(Buffer.from(parsed.keys[parsed.current] as string, 'utf8'));
    const others = Object.entries(parsed.keys).filter(([id]) => id !== parsed.current);
    this.previous = others.map(([, secret]) => createSecretKey(Buffer.from(secret, 'utf8')));
    this.readGenerations = [this.generation, ...others.map(([id]) => generationOf(id))];
  }

  /** The key a write uses. */
  keyOf(material: string): string {
    return hmac(this.current, material);
  }

  /** Every key a read must try: the current one first, then those of records not yet re-keyed. */
  keysToRead(material: string): string[] {
    return [this.keyOf(material), ...this.previous.map((secret) => hmac(secret, material))];
  }
}

function hmac(secret: KeyObject, material: string): string {
  return createHmac('sha256', secret)
    .update(`${BLOCKING_SCHEME}|${material}`, 'utf8')
    .digest()
    .subarray(0, 16)
    .toString('base64url');
}

/** The keyring file's blocking secrets, created (k1) on first use. */
export function localBlockingSecrets(path: string): StoredBlockingSecrets {
  return keyringEntry<StoredBlockingSecrets>(path, 'blockingKeys', () => ({
    current: 'k1',
    k1: randomBytes(32).toString('base64url'),
  }));
}

async function secretsManagerSecrets(region: string, secretId: string): Promise<StoredBlockingSecrets> {
  const client = new SecretsManagerClient({ region });
  const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
  if (!SecretString) throw new ConfigurationError('The blocking-key secret has no value');
  try {
    return JSON.parse(SecretString) as StoredBlockingSecrets;
  } catch {
    // Not the parser's message: it quotes the start of the text, which would put the secret in a log.
    throw new ConfigurationError('The blocking-key secret is not JSON of the form {"current":"k1","k1":"…"}');
  }
}

/** How long a function keeps the secret it read before reading it again. */
const SECRET_REFRESH_MS = 5 * 60_000;
/** After a failed re-read, how long before the next try (requests meanwhile use the secret held). */
const SECRET_RETRY_MS = 60_000;

/**
 * The hasher of a function that declares the `searchKeys` settings, loaded once (the first call waits for
 * Secrets Manager; later calls reuse it). A function that does not declare them cannot key anything.
 */
export function blockingKeyHasherFrom(
  env: Record<string, string | undefined> = process.env,
): () => Promise<BlockingKeyHasher> {
  let config: Settings<'searchKeys'> | undefined;
  let failure: unknown;
  try {
    config = readSettings('searchKeys', env);
  } catch (error) {
    failure = error;
  }
  let loaded: { hasher: BlockingKeyHasher; at: number } | undefined;
  let loading: Promise<BlockingKeyHasher> | undefined;
  const load = (settings: Settings<'searchKeys'>) =>
    (loading ??= (
      'BLOCKING_KEY_SECRET_ID' in settings
        ? secretsManagerSecrets(settings.AWS_REGION, settings.BLOCKING_KEY_SECRET_ID)
        : Promise.resolve().then(() => localBlockingSecrets(settings.LOCAL_KEYRING_FILE))
    )
      .then((secrets) => {
        const hasher = new BlockingKeyHasher(secrets);
        loaded = { hasher, at: Date.now() };
        return hasher;
      })
      .finally(() => {
        loading = undefined;
      }));
  return async () => {
    if (!config) throw failure;
    if (!loaded) return load(config);
    // Re-read now and then, so a warm function follows a rotation within minutes (see the operator guide).
    // A failed re-read keeps the secret already held: an outage of Secrets Manager stops no search.
    if (Date.now() - loaded.at > SECRET_REFRESH_MS) {
      const held = loaded.hasher;
      return load(config).catch((error: unknown) => {
        logger.warn('blocking-key secret not re-read; keeping the one held', {
          error: (error as Error).name,
        });
        loaded = { hasher: held, at: Date.now() - SECRET_REFRESH_MS + SECRET_RETRY_MS };
        return held;
      });
    }
    return loaded.hasher;
  };
}

/** The hasher of the local keyring file, for local tools (seeding, the benchmark's loader, re-keying). */
export function localBlockingKeyHasher(keyringFile: string): () => Promise<BlockingKeyHasher> {
  return blockingKeyHasherFrom({ LOCAL_KEYRING_FILE: keyringFile });
}
