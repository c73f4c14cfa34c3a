import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BlockingKeyHasher, blockingKeyHasherFrom } from '#adapters/keys/blocking-key-hasher.ts';

const secrets = mockClient(SecretsManagerClient);
const env = { AWS_REGION: 'eu-west-2', BLOCKING_KEY_SECRET_ID: 'arn:secret' };
const K1 = 'k1-secret-value-long-enough-0123456789';
const K2 = 'k2-secret-value-long-enough-0123456789';

beforeEach(() => {
  secrets.reset();
  vi.useFakeTimers({ now: new Date('2026-12-06T10:00:00Z'), toFake: ['Date'] });
});
afterEach(() => vi.useRealTimers());

describe('the blocking-key hasher', () => {
  it('keys equal material alike, as 22 characters that say nothing of it, and differently under another secret', () => {
    const one = new BlockingKeyHasher({ current: 'k1', k1: K1 });
    const two = new BlockingKeyHasher({ current: 'k2', k2: K2, k1: K1 });
    expect(one.keyOf('D#o#2016-04-09')).toBe(one.keyOf('D#o#2016-04-09'));
    expect(one.keyOf('D#o#2016-04-09')).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(two.keyOf('D#o#2016-04-09')).not.toBe(one.keyOf('D#o#2016-04-09'));
    expect(two.keysToRead('D#o#2016-04-09')).toEqual([
      two.keyOf('D#o#2016-04-09'),
      one.keyOf('D#o#2016-04-09'),
    ]);
    expect(two.readGenerations).toEqual(['b3.k2', 'b3.k1']);
  });

  it('refuses a secret that is not JSON without quoting any of it', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: `current=k1 k1=${K1}` });
    const error = await blockingKeyHasherFrom(env)().catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(Error);
    expect(`${(error as Error).message} ${String((error as Error).cause ?? '')}`).not.toContain('k1-secret');
  });

  it('reads the secret once, re-reads it after five minutes, and keeps the one held when the re-read fails', async () => {
    const answers: (() => Promise<{ SecretString: string }>)[] = [
      async () => ({ SecretString: JSON.stringify({ current: 'k1', k1: K1 }) }),
      async () => {
        throw new Error('Secrets Manager unavailable');
      },
      async () => ({ SecretString: JSON.stringify({ current: 'k2', k2: K2, k1: K1 }) }),
    ];
    secrets.on(GetSecretValueCommand).callsFake(() => (answers.shift() as () => Promise<unknown>)());
    const hasher = blockingKeyHasherFrom(env);
    expect((await hasher()).generation).toBe('b3.k1');
    expect((await hasher()).generation).toBe('b3.k1');
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);

    vi.setSystemTime(new Date('2026-12-06T10:06:00Z'));
    expect((await hasher()).generation).toBe('b3.k1');
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(2);

    vi.setSystemTime(new Date('2026-12-06T10:06:30Z'));
    expect((await hasher()).generation).toBe('b3.k1');
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(2);

    vi.setSystemTime(new Date('2026-12-06T10:07:01Z'));
    expect((await hasher()).generation).toBe('b3.k2');
  });

  it('cannot key anything in a function that does not declare the searchKeys settings', async () => {
    await expect(blockingKeyHasherFrom({})()).rejects.toThrow(/searchKeys/);
  });
});
