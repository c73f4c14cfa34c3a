import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditEvent } from '#domain/audit/event.ts';
import { PreconditionFailedError, ValidationError } from '#domain/errors.ts';
import type { ReviewItem } from '#domain/feeds/review.ts';
import type { ReviewQueue } from '#domain/ports.ts';
import { readSettings } from '#runtime/settings.ts';
import type { Adapters } from '../dependencies.ts';
import { type BlockingKeyHasher, blockingKeyHasherFrom } from '../keys/blocking-key-hasher.ts';
import { auditPut } from './audit-sink.ts';
import { keys } from './keys.ts';
import { OPEN_REVIEWS_INDEX } from './tables.ts';
import { transactWrite } from './write.ts';

const INDEX_ATTRIBUTES = ['openQueue', 'openSince'] as const;

/** The opaque review ID the API shows: `RV-` and the keyed hash of the row and the candidate. */
export const REVIEW_ID_PATTERN = /^RV-[A-Za-z0-9_-]{22}$/;

/**
 * R8 review queue in its own table: one partition per council, each item under an opaque key. Raising an item
 * is a conditional put (a reload raises nothing twice); deciding it is conditional on its being open and
 * commits with its audit event.
 */
export class DynamoReviewQueue implements ReviewQueue {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tables: { reviews: string; audit: string },
    /** Needed only to raise items (the linker): reading and deciding never key anything. */
    private readonly hasher: () => Promise<BlockingKeyHasher>,
  ) {}

  /**
   * The stored IDs of the linker's item: keyed hashes, so the source reference is in no key — the current
   * secret's first, then those of secrets still being re-keyed away from (an item keeps the ID it was raised with).
   */
  private async storedIds(item: ReviewItem): Promise<string[]> {
    const material = keys.reviewMaterial(item.row.feed, item.row.sourceId, item.candidateChildId);
    return (await this.hasher()).keysToRead(material).map((hashed) => `RV-${hashed}`);
  }

  async queue(item: ReviewItem): Promise<boolean> {
    const [current, ...older] = await this.storedIds(item);
    // Raised before the blocking-key secret was rotated: the same pair, under the ID it was raised with.
    for (const id of older) if (await this.get(item.queue, id)) return false;
    const stored: ReviewItem = { ...item, reviewId: current as string };
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tables.reviews,
          Item: {
            ...stored,
            ...keys.review(stored.queue, stored.reviewId),
            ...keys.openReviewIndexes(stored),
          },
          ConditionExpression: 'attribute_not_exists(reviewId)',
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof PreconditionFailedError) return false;
      throw error;
    }
  }

  async get(queue: string, reviewId: string): Promise<ReviewItem | undefined> {
    if (!REVIEW_ID_PATTERN.test(reviewId)) return undefined;
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.tables.reviews,
        Key: keys.review(queue, reviewId),
        ConsistentRead: true,
      }),
    );
    return Item ? strip(Item) : undefined;
  }

  async listOpen(
    queue: string,
    query: { limit: number; cursor?: string | undefined },
  ): Promise<{ items: ReviewItem[]; next?: string | undefined }> {
    const page = await this.db.send(
      new QueryCommand({
        TableName: this.tables.reviews,
        IndexName: OPEN_REVIEWS_INDEX,
        KeyConditionExpression: 'openQueue = :queue',
        ExpressionAttributeValues: { ':queue': queue },
        ScanIndexForward: true,
        Limit: query.limit,
        ...(query.cursor && { ExclusiveStartKey: decodeCursor(query.cursor, queue) }),
      }),
    );
    return {
      items: (page.Items ?? []).map(strip),
      ...(page.LastEvaluatedKey && { next: encodeCursor(page.LastEvaluatedKey) }),
    };
  }

  /** The decided item replaces the open one (leaving the open index) only while it is still open. */
  async decide(item: ReviewItem, audit: AuditEvent): Promise<void> {
    const {
      openQueue: _q,
      openSince: _s,
      ...decided
    } = {
      ...item,
      ...keys.review(item.queue, item.reviewId),
    } as ReviewItem & Record<(typeof INDEX_ATTRIBUTES)[number], unknown>;
    await transactWrite(this.db, [
      {
        Put: {
          TableName: this.tables.reviews,
          Item: decided,
          ConditionExpression: '#status = :open',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':open': 'open' },
        },
      },
      { Put: auditPut(this.tables.audit, audit) },
    ]);
  }
}

function strip(item: Record<string, unknown>): ReviewItem {
  const review = { ...item };
  for (const attribute of INDEX_ATTRIBUTES) delete review[attribute];
  return review as unknown as ReviewItem;
}

function encodeCursor(key: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** A cursor is only ever a position in the same council's open queue. */
function decodeCursor(cursor: string, queue: string): Record<string, unknown> {
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
    const names = Object.keys(key).sort().join(',');
    if (
      names === 'openQueue,openSince,queue,reviewId' &&
      key.openQueue === queue &&
      key.queue === queue &&
      typeof key.reviewId === 'string' &&
      REVIEW_ID_PATTERN.test(key.reviewId) &&
      typeof key.openSince === 'string'
    )
      return key;
  } catch {
    // fall through
  }
  throw new ValidationError([{ field: 'cursor', message: 'is not a cursor this queue issued' }]);
}

/** The queue on the function's own client; its table is read once, at cold start. */
export function reviewsFrom(
  adapters: Pick<Adapters, 'db'>,
  settings = { ...readSettings('reviews'), ...readSettings('adapters') },
  env: Record<string, string | undefined> = process.env,
): DynamoReviewQueue {
  const tables = {
    reviews: settings.REVIEWS_TABLE,
    audit: settings.AUDIT_TABLE,
  };
  return new DynamoReviewQueue(adapters.db, tables, blockingKeyHasherFrom(env));
}
