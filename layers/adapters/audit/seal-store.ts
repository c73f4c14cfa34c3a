import * as fs from 'node:fs';
import { join } from 'node:path';
import {
  GetObjectCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { AuditEvent } from '#domain/audit/event.ts';
import type { ReplacedObject, Seal, SealStore } from '#domain/audit/seal.ts';
import { PreconditionFailedError } from '#domain/errors.ts';
import { AUDIT_SEAL_HEAD_KEY, AUDIT_SEAL_PREFIX } from './seal-objects.ts';

const name = (sequence: number) => `${String(sequence).padStart(12, '0')}.json`;
const SEAL_NAME = /^(\d{12})\.json$/;
/** The local store's head hint. */
const HEAD_FILE = 'head.json';
/** Where the events of each seal are kept, beside the seals. */
const EVENTS = 'events/';

interface Hint {
  sequence: number;
}

/**
 * The newest seal, wherever the store keeps it: start at the hint's seal (if it names one that exists),
 * then probe the next sequence numbers until one is absent. A stale or missing hint only costs probes.
 */
async function headFrom(
  hint: Hint | undefined,
  get: (sequence: number) => Promise<Seal | undefined>,
  exists: (sequence: number) => Promise<boolean>,
): Promise<Seal | undefined> {
  let current = hint && hint.sequence > 0 ? await get(hint.sequence) : undefined;
  let sequence = current?.sequence ?? 0;
  while (await exists(sequence + 1)) sequence++;
  if (sequence !== (current?.sequence ?? 0)) current = await get(sequence);
  return current;
}

/**
 * The Object Lock bucket (compliance mode): a seal and its kept events can be neither deleted nor
 * overwritten in place; the bucket policy refuses any write under the prefix without If-None-Match, and
 * the verifier fails on any object there with more than one version. The head hint lives outside the
 * prefix, overwritable: it only says where to start looking.
 */
export class S3SealStore implements SealStore {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
    private readonly prefix = AUDIT_SEAL_PREFIX,
    private readonly headKey = AUDIT_SEAL_HEAD_KEY,
  ) {}

  async head(): Promise<Seal | undefined> {
    return headFrom(
      await this.readJson<Hint>(this.headKey),
      (sequence) => this.get(sequence),
      (sequence) => this.exists(`${this.prefix}${name(sequence)}`),
    );
  }

  async all(): Promise<Seal[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.s3.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: this.prefix, ContinuationToken: token }),
      );
      keys.push(
        ...(page.Contents ?? []).flatMap((o) =>
          o.Key && SEAL_NAME.test(o.Key.slice(this.prefix.length)) ? [o.Key] : [],
        ),
      );
      token = page.NextContinuationToken;
    } while (token);
    return Promise.all(keys.sort().map(async (key) => (await this.readJson<Seal>(key)) as Seal));
  }

  async keepEvents(sequence: number, events: AuditEvent[]): Promise<AuditEvent[]> {
    const key = `${this.prefix}${EVENTS}${name(sequence)}`;
    if (await this.putOnce(key, JSON.stringify(events))) return events;
    if (await this.exists(`${this.prefix}${name(sequence)}`))
      throw new PreconditionFailedError(`Seal ${sequence} already exists`);
    return (await this.readJson<AuditEvent[]>(key)) ?? [];
  }

  async create(seal: Seal): Promise<void> {
    if (!(await this.putOnce(`${this.prefix}${name(seal.sequence)}`, JSON.stringify(seal))))
      throw new PreconditionFailedError(`Seal ${seal.sequence} already exists`);
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: this.headKey,
        Body: JSON.stringify({ sequence: seal.sequence } satisfies Hint),
        ContentType: 'application/json',
      }),
    );
  }

  keptEvents(sequence: number): Promise<AuditEvent[] | undefined> {
    return this.readJson<AuditEvent[]>(`${this.prefix}${EVENTS}${name(sequence)}`);
  }

  async replacedObjects(): Promise<ReplacedObject[]> {
    const versions = new Map<string, number>();
    let keyMarker: string | undefined;
    let versionIdMarker: string | undefined;
    do {
      const page = await this.s3.send(
        new ListObjectVersionsCommand({
          Bucket: this.bucket,
          Prefix: this.prefix,
          KeyMarker: keyMarker,
          VersionIdMarker: versionIdMarker,
        }),
      );
      // A delete marker hides a seal as surely as a new version replaces it: both count.
      for (const version of [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])]) {
        if (version.Key) versions.set(version.Key, (versions.get(version.Key) ?? 0) + 1);
      }
      keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
      versionIdMarker = page.IsTruncated ? page.NextVersionIdMarker : undefined;
    } while (keyMarker);
    return [...versions]
      .filter(([, count]) => count > 1)
      .map(([key, count]) => ({ key, sequence: sequenceOf(key), versions: count }))
      .sort((a, b) => (a.key < b.key ? -1 : 1));
  }

  get(sequence: number): Promise<Seal | undefined> {
    return this.readJson<Seal>(`${this.prefix}${name(sequence)}`);
  }

  /** Whether an object exists: a listing of its exact key (ListBucket is granted on this prefix only). */
  private async exists(key: string): Promise<boolean> {
    const page = await this.s3.send(
      new ListObjectsV2Command({ Bucket: this.bucket, Prefix: key, MaxKeys: 1 }),
    );
    return page.Contents?.[0]?.Key === key;
  }

  /** Writes once (If-None-Match: *); false when the object already exists. */
  private async putOnce(key: string, body: string): Promise<boolean> {
    try {
      await this.s3.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: body,
          ContentType: 'application/json',
          IfNoneMatch: '*',
        }),
      );
      return true;
    } catch (error) {
      const { name: errorName } = error as Error;
      if (errorName === 'PreconditionFailed' || errorName === 'ConditionalRequestConflict') return false;
      throw error;
    }
  }

  /** The object's JSON, or undefined when there is none (the head hint before the first seal). */
  private async readJson<T>(key: string): Promise<T | undefined> {
    try {
      const { Body } = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return JSON.parse((await Body?.transformToString()) ?? 'null') as T;
    } catch (error) {
      const { name: errorName } = error as Error;
      if (errorName === 'NoSuchKey') return undefined;
      // Without ListBucket on the key, S3 answers a missing object with 403: look before concluding.
      if (errorName === 'AccessDenied' && !(await this.exists(key))) return undefined;
      throw error;
    }
  }
}

function sequenceOf(key: string): number {
  return Number(/(\d{12})\.json/.exec(key)?.[1] ?? 0);
}

/** The file operations the local store makes; a test may wrap them to count what sealing costs. */
export type SealFiles = Pick<
  typeof fs,
  'existsSync' | 'mkdirSync' | 'readdirSync' | 'readFileSync' | 'renameSync' | 'writeFileSync'
>;

/**
 * The local stand-in: files under .local/, created exclusively so a seal is never overwritten. The
 * head hint is `head.json`; kept events are under `events/`. The bucket's versions are modelled as
 * files beside the object: a second version of `000000000001.json` is `000000000001.json.v2`.
 */
export class FileSealStore implements SealStore {
  constructor(
    private readonly dir: string,
    private readonly files: SealFiles = fs,
  ) {
    files.mkdirSync(join(dir, EVENTS), { recursive: true });
  }

  async head(): Promise<Seal | undefined> {
    return headFrom(
      this.readJson<Hint>(HEAD_FILE),
      (sequence) => this.get(sequence),
      async (sequence) => this.files.existsSync(join(this.dir, name(sequence))),
    );
  }

  async all(): Promise<Seal[]> {
    return this.files
      .readdirSync(this.dir)
      .filter((f) => SEAL_NAME.test(f))
      .sort()
      .map((f) => JSON.parse(this.files.readFileSync(join(this.dir, f), 'utf8')) as Seal);
  }

  async keepEvents(sequence: number, events: AuditEvent[]): Promise<AuditEvent[]> {
    const path = join(this.dir, EVENTS, name(sequence));
    try {
      this.files.writeFileSync(path, JSON.stringify(events), { flag: 'wx', mode: 0o444 });
      return events;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (this.files.existsSync(join(this.dir, name(sequence))))
      throw new PreconditionFailedError(`Seal ${sequence} already exists`);
    return JSON.parse(this.files.readFileSync(path, 'utf8')) as AuditEvent[];
  }

  async create(seal: Seal): Promise<void> {
    try {
      this.files.writeFileSync(join(this.dir, name(seal.sequence)), JSON.stringify(seal, null, 2), {
        flag: 'wx',
        mode: 0o444,
      });
    } catch (error) {
      throw new PreconditionFailedError(`Seal ${seal.sequence} already exists`, { cause: error });
    }
    const hint = join(this.dir, HEAD_FILE);
    this.files.writeFileSync(`${hint}.tmp`, JSON.stringify({ sequence: seal.sequence } satisfies Hint));
    this.files.renameSync(`${hint}.tmp`, hint);
  }

  async keptEvents(sequence: number): Promise<AuditEvent[] | undefined> {
    return this.readJson<AuditEvent[]>(join(EVENTS, name(sequence)));
  }

  async replacedObjects(): Promise<ReplacedObject[]> {
    const versions = new Map<string, number>();
    for (const folder of ['', EVENTS]) {
      for (const file of this.files.readdirSync(join(this.dir, folder)) as string[]) {
        const match = /^(\d{12}\.json)\.v\d+$/.exec(file);
        if (match?.[1]) {
          const key = `${folder}${match[1]}`;
          versions.set(key, (versions.get(key) ?? 1) + 1);
        }
      }
    }
    return [...versions]
      .map(([key, count]) => ({ key, sequence: sequenceOf(key), versions: count }))
      .sort((a, b) => (a.key < b.key ? -1 : 1));
  }

  /**
   * Test only: what anyone with s3:PutObject could do to a versioned bucket without the bucket policy —
   * add a newer version of a seal (or of kept events, with `events/`), which a reader of the latest
   * version would take for the original.
   */
  addVersionForTest(key: string, body: string): void {
    let n = 2;
    while (this.files.existsSync(join(this.dir, `${key}.v${n}`))) n++;
    this.files.writeFileSync(join(this.dir, `${key}.v${n}`), body, { flag: 'wx' });
  }

  async get(sequence: number): Promise<Seal | undefined> {
    return this.readJson<Seal>(name(sequence));
  }

  /** A file's JSON, or undefined when there is none (the head hint before the first seal). */
  private readJson<T>(file: string): T | undefined {
    const path = join(this.dir, file);
    return this.files.existsSync(path) ? (JSON.parse(this.files.readFileSync(path, 'utf8')) as T) : undefined;
  }
}
