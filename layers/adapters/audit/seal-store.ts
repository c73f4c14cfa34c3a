import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { Seal, SealStore } from '#domain/audit/seal.ts';
import { PreconditionFailedError } from '#domain/errors.ts';

const name = (sequence: number) => `${String(sequence).padStart(12, '0')}.json`;

/** The Object Lock bucket (compliance mode): a seal can be neither overwritten nor deleted. */
export class S3SealStore implements SealStore {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
    private readonly prefix = 'audit-seals/',
  ) {}

  async all(): Promise<Seal[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.s3.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: this.prefix, ContinuationToken: token }),
      );
      keys.push(...(page.Contents ?? []).flatMap((o) => (o.Key ? [o.Key] : [])));
      token = page.NextContinuationToken;
    } while (token);
    return Promise.all(keys.sort().map((key) => this.read(key)));
  }

  async latest(): Promise<Seal | undefined> {
    return (await this.all()).at(-1);
  }

  async create(seal: Seal): Promise<void> {
    try {
      await this.s3.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: `${this.prefix}${name(seal.sequence)}`,
          Body: JSON.stringify(seal),
          ContentType: 'application/json',
          IfNoneMatch: '*',
        }),
      );
    } catch (error) {
      if ((error as Error).name === 'PreconditionFailed')
        throw new PreconditionFailedError('Seal already exists', { cause: error });
      throw error;
    }
  }

  private async read(key: string): Promise<Seal> {
    const { Body } = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    return JSON.parse((await Body?.transformToString()) ?? 'null') as Seal;
  }
}

/** The local stand-in: files under .local/, created exclusively so a seal is never overwritten. */
export class FileSealStore implements SealStore {
  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  async all(): Promise<Seal[]> {
    return readdirSync(this.dir)
      .filter((f) => f.endsWith('.json'))
      .sort()
      .map((f) => JSON.parse(readFileSync(join(this.dir, f), 'utf8')) as Seal);
  }

  async latest(): Promise<Seal | undefined> {
    return (await this.all()).at(-1);
  }

  async create(seal: Seal): Promise<void> {
    const path = join(this.dir, name(seal.sequence));
    if (existsSync(path)) throw new PreconditionFailedError('Seal already exists');
    try {
      writeFileSync(path, JSON.stringify(seal, null, 2), { flag: 'wx', mode: 0o444 });
    } catch (error) {
      throw new PreconditionFailedError('Seal already exists', { cause: error });
    }
  }
}
