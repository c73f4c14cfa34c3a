import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoReviewQueue } from '#adapters/dynamo/review-queue.ts';
import { BlockingKeyHasher, localBlockingKeyHasher } from '#adapters/keys/blocking-key-hasher.ts';
import { auditEventFor } from '#domain/audit/event.ts';
import { PreconditionFailedError, ValidationError } from '#domain/errors.ts';
import type { ReviewItem } from '#domain/feeds/review.ts';
import { leedsDataManager } from '../support/builders.ts';
import { type DynamoFixture, startDynamoFixture } from '../support/local-dynamo.ts';
import { fixedEnvironment } from '../support/memory-children.ts';

let fx: DynamoFixture;
let queue: DynamoReviewQueue;
const env = fixedEnvironment();
const facts = { requestId: 'req-it', sourceIp: '192.0.2.1' };
const LEEDS = 'E08000035';

beforeAll(async () => {
  fx = await startDynamoFixture();
  queue = new DynamoReviewQueue(
    fx.adapters.db,
    { reviews: fx.tables.reviews, audit: fx.tables.audit },
    localBlockingKeyHasher(join(tmpdir(), `contactpoint-it-keyring-${process.pid}.json`)),
  );
});

afterAll(async () => {
  await fx?.dynamo.stop();
});

/** An NHS demographics row: its source reference is the child's NHS number. */
function anItem(n: number, overrides: Partial<ReviewItem> = {}): ReviewItem {
  const nhsNumber = `94347659${String(10 + n).slice(-2)}`;
  return {
    reviewId: `nhs-demographics.${nhsNumber}.CP7M3K9P2XN`,
    queue: LEEDS,
    status: 'open',
    candidateChildId: 'CP7M3K9P2XN',
    candidateShielded: false,
    row: {
      feed: 'nhs-demographics',
      sourceId: nhsNumber,
      extractDate: '2026-09-01',
      line: n + 2,
      fields: { givenName: 'Amelia', familyName: 'Walker', dateOfBirth: '2016-04-09', nhsNumber },
    },
    probability: 0.5,
    why: ['family name: the same'],
    raisedAt: `2026-11-22T09:00:0${n}.000Z`,
    ...overrides,
  };
}

const audit = () =>
  auditEventFor(env, leedsDataManager, facts, { action: 'decide-review', outcome: 'success', childIds: [] });

describe('the review queue in DynamoDB Local (R8)', () => {
  it('keys an item by an opaque keyed hash: no key of the table holds the source reference', async () => {
    const item = anItem(0);
    expect(await queue.queue(item)).toBe(true);
    const { Items = [] } = await fx.adapters.db.send(new ScanCommand({ TableName: fx.tables.reviews }));
    expect(Items).toHaveLength(1);
    const stored = Items[0] as Record<string, string>;
    expect(stored.reviewId).toMatch(/^RV-[A-Za-z0-9_-]{22}$/);
    for (const key of ['queue', 'reviewId', 'openQueue', 'openSince'])
      expect(stored[key], key).not.toContain(item.row.sourceId);
    expect(await queue.get(LEEDS, stored.reviewId as string)).toEqual({ ...item, reviewId: stored.reviewId });
  });

  it('raises the same pair once, however often the same file is loaded', async () => {
    expect(await queue.queue(anItem(0, { raisedAt: '2026-11-23T09:00:00.000Z' }))).toBe(false);
  });

  it('raises nothing new for a pair raised before the blocking-key secret was rotated', async () => {
    const before = new BlockingKeyHasher({ current: 'k1', k1: 'x'.repeat(32) });
    const after = new BlockingKeyHasher({ current: 'k2', k1: 'x'.repeat(32), k2: 'y'.repeat(32) });
    const tables = { reviews: fx.tables.reviews, audit: fx.tables.audit };
    const item = anItem(7, { queue: 'E06000001' });
    expect(await new DynamoReviewQueue(fx.adapters.db, tables, async () => before).queue(item)).toBe(true);
    expect(await new DynamoReviewQueue(fx.adapters.db, tables, async () => after).queue(item)).toBe(false);
    expect((await queue.listOpen(item.queue, { limit: 10 })).items).toHaveLength(1);
  });

  it('lists a council’s open items oldest first, a page at a time, and nothing of another council', async () => {
    await queue.queue(anItem(2));
    await queue.queue(anItem(1));
    await queue.queue(anItem(3, { queue: 'E08000032' }));
    const first = await queue.listOpen(LEEDS, { limit: 2 });
    expect(first.items.map((i) => i.row.line)).toEqual([2, 3]);
    expect(first.next).toBeDefined();
    const second = await queue.listOpen(LEEDS, { limit: 2, cursor: first.next });
    expect(second.items.map((i) => i.row.line)).toEqual([4]);
    expect(second.items[0]).not.toHaveProperty('openQueue');
    await expect(queue.listOpen('E08000032', { limit: 2, cursor: first.next })).rejects.toBeInstanceOf(
      ValidationError,
    );
  });

  it('decides an open item with its audit event, leaves the open list, and refuses a second decision', async () => {
    const [open] = (await queue.listOpen(LEEDS, { limit: 1 })).items;
    if (!open) throw new Error('no open item');
    const decided: ReviewItem = {
      ...open,
      status: 'decided',
      decision: { outcome: 'same-child', decidedBy: 'user-dm', decidedAt: env.now().toISOString() },
    };
    const event = audit();
    await queue.decide(decided, event);

    expect(await queue.get(LEEDS, open.reviewId)).toEqual(decided);
    expect((await queue.listOpen(LEEDS, { limit: 10 })).items.map((i) => i.reviewId)).not.toContain(
      open.reviewId,
    );
    const { Item } = await fx.adapters.db.send(
      new GetCommand({ TableName: fx.tables.audit, Key: { eventId: event.eventId } }),
    );
    expect(Item).toEqual(expect.objectContaining({ action: 'decide-review' }));

    const again = audit();
    await expect(queue.decide(decided, again)).rejects.toBeInstanceOf(PreconditionFailedError);
    const { Item: none } = await fx.adapters.db.send(
      new GetCommand({ TableName: fx.tables.audit, Key: { eventId: again.eventId } }),
    );
    expect(none).toBeUndefined();
  });

  it('finds nothing under a malformed ID or in another council’s partition', async () => {
    const [open] = (await queue.listOpen(LEEDS, { limit: 1 })).items;
    expect(await queue.get('E08000032', open?.reviewId as string)).toBeUndefined();
    expect(await queue.get(LEEDS, 'nhs-demographics.9434765919.CP7M3K9P2XN')).toBeUndefined();
  });
});
