import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { join } from 'node:path';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectVersionsCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { ChildArchive } from '#domain/ports.ts';
import type { ArchivedChild } from '#domain/retention/archive.ts';
import { londonDay } from '#domain/retention/rule.ts';
import { keyringEntry } from '../keys/local-keyring.ts';

/** Where archived records live in the archive bucket (and the prefix its grants name). */
export const ARCHIVE_PREFIX = 'children/';

/** An archive still under its retention (Object Lock) cannot be destroyed. */
export class ArchiveLockedError extends Error {
  override readonly name = 'ArchiveLockedError';
  constructor(options?: ErrorOptions) {
    super('The archive is kept until its purge day', options);
  }
}

const objectKey = (childId: string) => `${ARCHIVE_PREFIX}${childId}.json`;

/**
 * R7 in AWS: one object per child in the archive bucket, encrypted with the archive's KMS key (SSE-KMS, the
 * bucket's default too) and locked in compliance mode until its purge day, so nobody — root included — can
 * delete or overwrite it sooner. Writing a child again adds a version; destroying removes every version.
 */
export class S3ChildArchive implements ChildArchive {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
    private readonly kmsKeyId: string,
  ) {}

  async get(childId: string): Promise<ArchivedChild | undefined> {
    try {
      const { Body } = await this.s3.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: objectKey(childId) }),
      );
      return JSON.parse((await Body?.transformToString()) ?? 'null') as ArchivedChild;
    } catch (error) {
      if ((error as Error).name === 'NoSuchKey') return undefined;
      throw error;
    }
  }

  async put(archived: ArchivedChild): Promise<void> {
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: objectKey(archived.childId),
        Body: JSON.stringify(archived),
        ContentType: 'application/json',
        ServerSideEncryption: 'aws:kms',
        SSEKMSKeyId: this.kmsKeyId,
        BucketKeyEnabled: true,
        ObjectLockMode: 'COMPLIANCE',
        ObjectLockRetainUntilDate: new Date(`${archived.purgeOn}T00:00:00Z`),
        // Object Lock needs an integrity checksum on every put.
        ChecksumAlgorithm: 'SHA256',
      }),
    );
  }

  async destroy(childId: string): Promise<void> {
    const key = objectKey(childId);
    const { Versions = [], DeleteMarkers = [] } = await this.s3.send(
      new ListObjectVersionsCommand({ Bucket: this.bucket, Prefix: key }),
    );
    for (const version of [...Versions, ...DeleteMarkers]) {
      if (version.Key !== key || !version.VersionId) continue;
      try {
        await this.s3.send(
          new DeleteObjectCommand({ Bucket: this.bucket, Key: key, VersionId: version.VersionId }),
        );
      } catch (error) {
        if ((error as Error).name === 'AccessDenied') throw new ArchiveLockedError({ cause: error });
        throw error;
      }
    }
  }
}

/** The file operations the local archive makes. */
export type ArchiveFiles = Pick<
  typeof fs,
  'existsSync' | 'mkdirSync' | 'readFileSync' | 'renameSync' | 'writeFileSync' | 'rmSync'
>;

interface Envelope {
  /** Kept in clear so the lock can be checked without the key, as S3 does. */
  retainUntil: string;
  iv: string;
  tag: string;
  data: string;
}

/**
 * The local stand-in (`.local/archive/`): one file per child, encrypted with AES-256-GCM under the archive
 * key of the local keyring (the stand-in for KMS), bound to the child's ID. An earlier version is kept
 * beside it (`<id>.json.enc.v2`, …) as S3 keeps versions, and destroying before the purge day is refused,
 * as Object Lock refuses it.
 */
export class FileChildArchive implements ChildArchive {
  private readonly key: Buffer;

  constructor(
    private readonly dir: string,
    keyringPath: string,
    private readonly now: () => Date,
    private readonly files: ArchiveFiles = fs,
  ) {
    this.key = Buffer.from(
      keyringEntry(keyringPath, 'archiveKey', () => randomBytes(32).toString('base64')),
      'base64',
    );
    files.mkdirSync(dir, { recursive: true });
  }

  private path(childId: string): string {
    return join(this.dir, `${childId}.json.enc`);
  }

  async get(childId: string): Promise<ArchivedChild | undefined> {
    const path = this.path(childId);
    if (!this.files.existsSync(path)) return undefined;
    const envelope = JSON.parse(this.files.readFileSync(path, 'utf8')) as Envelope;
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(envelope.iv, 'base64'));
    decipher.setAAD(Buffer.from(childId, 'utf8'));
    decipher.setAuthTag(Buffer.from(envelope.tag, 'base64'));
    const plain = Buffer.concat([decipher.update(Buffer.from(envelope.data, 'base64')), decipher.final()]);
    return JSON.parse(plain.toString('utf8')) as ArchivedChild;
  }

  async put(archived: ArchivedChild): Promise<void> {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(archived.childId, 'utf8'));
    const data = Buffer.concat([cipher.update(JSON.stringify(archived), 'utf8'), cipher.final()]);
    const envelope: Envelope = {
      retainUntil: archived.purgeOn,
      iv: iv.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
      data: data.toString('base64'),
    };
    const path = this.path(archived.childId);
    if (this.files.existsSync(path)) {
      let n = 2;
      while (this.files.existsSync(`${path}.v${n}`)) n++;
      this.files.renameSync(path, `${path}.v${n}`);
    }
    const temporary = `${path}.${process.pid}.tmp`;
    this.files.writeFileSync(temporary, JSON.stringify(envelope), { mode: 0o400 });
    this.files.renameSync(temporary, path);
  }

  async destroy(childId: string): Promise<void> {
    const path = this.path(childId);
    const versions: string[] = [];
    // Versions are numbered from 2 without gaps (see put), so probing finds them all without listing the folder.
    if (this.files.existsSync(path)) versions.push(path);
    for (let n = 2; this.files.existsSync(`${path}.v${n}`); n++) versions.push(`${path}.v${n}`);
    const today = londonDay(this.now());
    for (const file of versions) {
      const envelope = JSON.parse(this.files.readFileSync(file, 'utf8')) as Envelope;
      if (today < envelope.retainUntil) throw new ArchiveLockedError();
    }
    for (const file of versions) this.files.rmSync(file, { force: true });
  }
}
