import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { GenerateMacCommand, type KMSClient, VerifyMacCommand } from '@aws-sdk/client-kms';
import type { Hasher, MacKey } from '#domain/audit/seal.ts';
import { keyringEntry } from '../keys/local-keyring.ts';

export const sha256Hasher: Hasher = {
  sha256: (text) => createHash('sha256').update(text, 'utf8').digest('hex'),
};

/** The audit HMAC key in KMS (HMAC_SHA_256): the key material never leaves KMS. */
export class KmsMacKey implements MacKey {
  constructor(
    private readonly kms: KMSClient,
    private readonly keyId: string,
  ) {}

  async sign(message: string): Promise<string> {
    const { Mac } = await this.kms.send(
      new GenerateMacCommand({
        KeyId: this.keyId,
        MacAlgorithm: 'HMAC_SHA_256',
        Message: Buffer.from(message),
      }),
    );
    if (!Mac) throw new Error('KMS returned no MAC');
    return Buffer.from(Mac).toString('hex');
  }

  async verify(message: string, mac: string): Promise<boolean> {
    const { MacValid } = await this.kms.send(
      new VerifyMacCommand({
        KeyId: this.keyId,
        MacAlgorithm: 'HMAC_SHA_256',
        Message: Buffer.from(message),
        Mac: Buffer.from(mac, 'hex'),
      }),
    );
    return MacValid === true;
  }
}

/** The local stand-in for the KMS HMAC key: a random key in a file under .local/, created on first use. */
export class LocalKeyringMacKey implements MacKey {
  private readonly key: Buffer;

  constructor(path: string) {
    this.key = Buffer.from(
      keyringEntry(path, 'auditMacKey', () => randomBytes(32).toString('base64')),
      'base64',
    );
  }

  async sign(message: string): Promise<string> {
    return createHmac('sha256', this.key).update(message).digest('hex');
  }

  async verify(message: string, mac: string): Promise<boolean> {
    const expected = Buffer.from(await this.sign(message), 'hex');
    const given = Buffer.from(mac, 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}
