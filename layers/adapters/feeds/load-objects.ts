import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { FEED_NAMES, type FeedName } from '#domain/feeds/feed.ts';
import type { Settings } from '#runtime/settings.ts';

/**
 * Where feed files and their loads live in the feeds bucket, named once here: the functions build keys with
 * these and the CDK grants each function exactly its prefixes from the same names.
 *
 * incoming/<feed>/<file>.csv          what a feed's supplier (or an operator) uploads
 * loads/<loadId>/chunks/<n>.json      the file's rows, N at a time, with their line numbers
 * loads/<loadId>/manifest.json        the chunks' keys: the Distributed Map's items
 * loads/<loadId>/results/…            the Distributed Map's own results (ResultWriter)
 * loads/<loadId>/rejects/<n>.json     a chunk's rejects when too many to return through the state
 * loads/<loadId>/report.json          the load's report
 */
export const INCOMING_PREFIX = 'incoming/';
export const LOADS_PREFIX = 'loads/';
export const LOAD_OBJECTS = {
  chunks: 'chunks/',
  manifest: 'manifest.json',
  results: 'results/',
  rejects: 'rejects/',
  report: 'report.json',
} as const;

const INCOMING = /^incoming\/([a-z-]+)\/[^/]+\.csv$/;
const CHUNK = /^loads\/([a-z-]+-[0-9a-f]{24})\/chunks\/(\d{6})\.json$/;
const LOAD_ID = /^[a-z-]+-[0-9a-f]{24}$/;

/** The feed a key is uploaded for (incoming/<feed>/….csv), if it is one of the four. */
export function feedOfKey(key: string): FeedName | undefined {
  const feed = INCOMING.exec(key)?.[1];
  return FEED_NAMES.find((f) => f === feed);
}

/**
 * One load per uploaded version: the same upload (key and version, or ETag where there is no version)
 * always gives the same load, so a repeated event or a restarted execution reuses its chunks.
 */
export function loadIdOf(key: string, version: string): string {
  const folder = /^incoming\/([a-z-]+)\//.exec(key)?.[1] ?? 'unknown';
  return `${folder}-${createHash('sha256').update(`${key}\n${version}`).digest('hex').slice(0, 24)}`;
}

export function isLoadId(value: string): boolean {
  return LOAD_ID.test(value);
}

/** The keys of one load's objects. */
export function loadKeys(loadId: string) {
  const base = `${LOADS_PREFIX}${loadId}/`;
  return {
    chunk: (n: number) => `${base}${LOAD_OBJECTS.chunks}${String(n).padStart(6, '0')}.json`,
    manifest: `${base}${LOAD_OBJECTS.manifest}`,
    /** Without the trailing slash: Step Functions adds its own. */
    results: `${base}${LOAD_OBJECTS.results.slice(0, -1)}`,
    rejects: (chunkNumber: string) => `${base}${LOAD_OBJECTS.rejects}${chunkNumber}.json`,
    report: `${base}${LOAD_OBJECTS.report}`,
  };
}

/** A chunk's load and number, if the key is a chunk's. */
export function chunkOfKey(key: string): { loadId: string; number: string } | undefined {
  const match = CHUNK.exec(key);
  return match ? { loadId: match[1] as string, number: match[2] as string } : undefined;
}

/** An uploaded feed file, opened as a stream, with the version actually read. */
export interface OpenedFeedFile {
  body: Readable;
  versionId?: string | undefined;
  etag?: string | undefined;
}

/** The feeds bucket: feed files streamed in, a load's JSON objects written and read back. */
export class FeedLoadObjects {
  constructor(
    private readonly s3: S3Client,
    readonly bucket: string,
  ) {}

  async openFeedFile(key: string, versionId?: string): Promise<OpenedFeedFile> {
    const object = await this.s3.send(
      new GetObjectCommand({ Bucket: this.bucket, Key: key, ...(versionId && { VersionId: versionId }) }),
    );
    if (!(object.Body instanceof Readable))
      throw new Error(`s3://${this.bucket}/${key} has no readable body`);
    return { body: object.Body, versionId: object.VersionId, etag: object.ETag };
  }

  async putJson(key: string, value: unknown): Promise<void> {
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: JSON.stringify(value),
        ContentType: 'application/json',
      }),
    );
  }

  async getJson(key: string): Promise<unknown> {
    const object = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    const text = await object.Body?.transformToString('utf-8');
    if (text === undefined) throw new Error(`s3://${this.bucket}/${key} has no body`);
    return JSON.parse(text);
  }
}

/** The feeds bucket from the `feeds` settings; handlers call this once, at cold start. */
export function feedLoadObjectsFrom(config: Settings<'feeds'>): FeedLoadObjects {
  return new FeedLoadObjects(new S3Client({ region: config.AWS_REGION }), config.FEEDS_BUCKET);
}
