import { type DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditEvent } from '#domain/audit/event.ts';
import type { ChildRecord } from '#domain/child/record.ts';
import type { ContactRequest } from '#domain/contact/request.ts';
import type { FeedFields } from '#domain/feeds/feed.ts';
import { identityOf } from '#domain/feeds/linkage.ts';
import type { RetentionStore } from '#domain/ports.ts';
import type { ArchiveEntry, LiveHoldings } from '#domain/retention/archive.ts';
import type { BlockingKeyHasher } from '../keys/blocking-key-hasher.ts';
import { auditPut } from './audit-sink.ts';
import { claimKeys, identifiersOf } from './child-repository.ts';
import { involvementOf } from './involvement-repository.ts';
import { keys } from './keys.ts';
import {
  BLOCKING_KEY_SK_PREFIX,
  CHILD_RECORD_SK,
  NOT_THIS_CHILD_INDEX,
  OWNED_BY_CHILD_INDEX,
  RETENTION_INDEX,
  REVIEWS_BY_CANDIDATE_INDEX,
} from './tables.ts';
import { type TransactItem, transactWrite } from './write.ts';

const MAX_TRANSACTION_ITEMS = 100;
/** IDs a page of the retention index holds: small enough to show progress, large enough to keep workers busy. */
const PAGE_SIZE = 500;

type ItemKey = { childId: string; sk: string };
const keyId = (key: ItemKey) => `${key.childId}\u0000${key.sk}`;

/** An open review item whose candidate is the child, with the feed row it is about. */
interface OpenReview {
  queue: string;
  reviewId: string;
  feed: string;
  sourceId: string;
}

/**
 * What a holdings read found besides the record's own partition: the items elsewhere that name the child — by
 * the children table's `byOwnerChild` and `byNotChild` indexes and the reviews table's `byCandidate` index.
 */
interface Named {
  childItems: Record<string, unknown>[];
  owned: ItemKey[];
  notThisChild: ItemKey[];
  openReviews: OpenReview[];
}

/** Attributes of a contact request item that are index bookkeeping (see the contact request repository). */
function contactRequestOf(item: Record<string, unknown>): ContactRequest {
  const { statusOpenedAt: _queue, ...request } = item;
  return request as unknown as ContactRequest;
}

/**
 * R7 on DynamoDB: the retention index finds records due to leave and archive entries due for purge (one Query
 * per shard, never a Scan), and a record leaves with everything of it in conditional transactions: the record
 * only at the version that was archived, each involvement and contact request only as archived — and with
 * everything elsewhere that names it, each found by key or index: identifier and identity claims and feed-row
 * links it owns, "not this child" decisions about it, open review items whose candidate it is.
 */
export class DynamoRetentionStore implements RetentionStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tables: {
      children: string;
      involvements: string;
      contactRequests: string;
      audit: string;
      /** Needed to remove a record (its open review items); an investigation read goes without. */
      reviews?: string | undefined;
    },
    private readonly hasher: () => Promise<BlockingKeyHasher>,
  ) {}

  dueToLeave(today: string): AsyncIterable<string[]> {
    return this.due('LEAVE', today);
  }

  dueForPurge(today: string): AsyncIterable<string[]> {
    return this.due('PURGE', today);
  }

  private async *due(kind: 'LEAVE' | 'PURGE', today: string): AsyncIterable<string[]> {
    for (const shard of keys.retentionShards(kind)) {
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await this.db.send(
          new QueryCommand({
            TableName: this.tables.children,
            IndexName: RETENTION_INDEX,
            KeyConditionExpression: 'retentionShard = :shard AND retentionDay <= :today',
            ExpressionAttributeValues: { ':shard': shard, ':today': today },
            Limit: PAGE_SIZE,
            ExclusiveStartKey: startKey,
          }),
        );
        const ids = (page.Items ?? []).map((item) => item.childId as string);
        if (ids.length > 0) yield ids;
        startKey = page.LastEvaluatedKey;
      } while (startKey);
    }
  }

  /**
   * The child's partition of the children table (record, search keys, feed rows) read once, with its
   * involvements and contact requests; the partition is kept for the removal that follows, which deletes exactly
   * what was read — anything written since makes the record's version condition fail, and the job reads again.
   */
  async holdings(childId: string): Promise<LiveHoldings | undefined> {
    const [childItems, involvements, contactRequests, owned, notThisChild, openReviews] = await Promise.all([
      this.partition(this.tables.children, childId),
      this.partition(this.tables.involvements, childId),
      this.partition(this.tables.contactRequests, childId),
      this.namedBy(OWNED_BY_CHILD_INDEX, 'ownerChildId', childId),
      this.namedBy(NOT_THIS_CHILD_INDEX, 'notChildId', childId),
      this.openReviewsOf(childId),
    ]);
    const item = childItems.find((i) => i.sk === CHILD_RECORD_SK);
    if (!item) return undefined;
    const { sk: _sk, keyGeneration: _g, retentionShard: _s, retentionDay: _d, ...record } = item;
    const holdings: LiveHoldings = {
      record: record as unknown as ChildRecord,
      // The archive keeps each involvement, not its caseload index attributes.
      involvements: involvements.map(involvementOf),
      contactRequests: contactRequests.map(contactRequestOf),
    };
    this.named.set(holdings, { childItems, owned, notThisChild, openReviews });
    return holdings;
  }

  /** What was read with each holdings beside the record and its involvements and contact requests, for its removal. */
  private readonly named = new WeakMap<LiveHoldings, Named>();

  /**
   * Keys of the children-table items whose `attribute` names the child, by the index on it (eventually
   * consistent: an item written a moment ago may be missed, but what names a child is written with a change of
   * its record, whose version the removal checks; and the record's own partition, read consistently, names its
   * feed rows and identifiers anyway).
   */
  private async namedBy(index: string, attribute: string, childId: string): Promise<ItemKey[]> {
    const found: ItemKey[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.tables.children,
          IndexName: index,
          KeyConditionExpression: '#named = :child',
          ExpressionAttributeNames: { '#named': attribute },
          ExpressionAttributeValues: { ':child': childId },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? [])
        found.push({ childId: item.childId as string, sk: item.sk as string });
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return found;
  }

  /** The review items whose candidate is the child and that are still open, each read again consistently. */
  private async openReviewsOf(childId: string): Promise<OpenReview[]> {
    const reviews = this.tables.reviews;
    if (!reviews) throw new Error('This retention store has no reviews table: it cannot remove a record');
    const keysFound: { queue: string; reviewId: string }[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: reviews,
          IndexName: REVIEWS_BY_CANDIDATE_INDEX,
          KeyConditionExpression: 'candidateChildId = :child',
          ExpressionAttributeValues: { ':child': childId },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? [])
        keysFound.push({ queue: item.queue as string, reviewId: item.reviewId as string });
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    const read = await Promise.all(
      keysFound.map(async (key) => {
        const { Item } = await this.db.send(
          new GetCommand({
            TableName: reviews,
            Key: keys.review(key.queue, key.reviewId),
            ConsistentRead: true,
            ProjectionExpression: '#status, #row.feed, #row.sourceId, candidateChildId',
            ExpressionAttributeNames: { '#status': 'status', '#row': 'row' },
          }),
        );
        const row = Item?.row as { feed?: string; sourceId?: string } | undefined;
        return Item?.status === 'open' && Item.candidateChildId === childId && row?.feed && row.sourceId
          ? [{ ...key, feed: row.feed, sourceId: row.sourceId }]
          : [];
      }),
    );
    return read.flat();
  }

  async removeLive(holdings: LiveHoldings, entry: ArchiveEntry, audit: AuditEvent): Promise<void> {
    const { record } = holdings;
    const childId = record.childId;
    const hasher = await this.hasher();
    const named = this.named.get(holdings);
    if (!named) throw new Error('removeLive takes only holdings this store read');
    const { childItems } = named;
    const keyItems = childItems.filter((i) => String(i.sk).startsWith(BLOCKING_KEY_SK_PREFIX));
    const sourceItems = childItems.filter((i) => String(i.sk).startsWith(keys.childSourcePrefix));
    const byVersion = (table: string, key: Record<string, unknown>, version: number): TransactItem => ({
      Delete: {
        TableName: table,
        Key: key,
        ConditionExpression: 'version = :version',
        ExpressionAttributeValues: { ':version': version },
      },
    });
    // Identifier claims and feed-row links are deleted only where this child holds them: one another child holds
    // (a row since linked to another child; an identifier claimed by another record) is not this child's to
    // remove, and must not stop it leaving. The condition still guards a change between the read and the write.
    // Found by key (the record's feed rows and identifiers) and by the `byOwnerChild` index (which also finds its
    // identity claims, and a link or claim whose key the record no longer gives), each once.
    const candidates = new Map<string, ItemKey>();
    for (const key of [
      ...sourceItems.map((i) => keys.sourceLink(String(i.sk).split('#').at(-1) as string)),
      ...identifiersOf(record).flatMap((claim) =>
        claimKeys(hasher, claim).map((hashed) => keys.identifierClaim(hashed)),
      ),
      ...named.owned,
    ])
      candidates.set(keyId(key), key);
    const ownedKeys = await this.heldByChild(childId, [...candidates.values()]);
    const owned = (key: Record<string, unknown>): TransactItem => ({
      Delete: {
        TableName: this.tables.children,
        Key: key,
        ConditionExpression: 'ownerChildId = :me',
        ExpressionAttributeValues: { ':me': childId },
      },
    });
    const tombstones = this.tombstonesOf(hasher, record, sourceItems, ownedKeys, entry.purgeOn);
    // Everything but the record: taken first when it will not fit in one transaction with it. A crash part way
    // leaves the record live and due; the archive already holds what was taken (see runRetention).
    const belonging: TransactItem[] = [
      ...holdings.involvements.map((i) =>
        byVersion(this.tables.involvements, keys.involvement(childId, i.involvementId), i.version),
      ),
      ...holdings.contactRequests.map((r) =>
        byVersion(this.tables.contactRequests, keys.contactRequest(childId, r.requestId), r.version),
      ),
      ...keyItems.map((i) => ({
        Delete: { TableName: this.tables.children, Key: { childId, sk: i.sk as string } },
      })),
      ...sourceItems.map((i) => ({
        Delete: { TableName: this.tables.children, Key: { childId, sk: i.sk as string } },
      })),
      ...ownedKeys.map(owned),
      // "Not this child" decisions about it: nothing left to tell apart from.
      ...named.notThisChild.map(
        (key): TransactItem => ({
          Delete: {
            TableName: this.tables.children,
            Key: key,
            ConditionExpression: 'attribute_not_exists(childId) OR notChildId = :me',
            ExpressionAttributeValues: { ':me': childId },
          },
        }),
      ),
      ...this.openReviewRemovals(hasher, named.openReviews),
    ];
    const last: TransactItem[] = [
      {
        Delete: {
          TableName: this.tables.children,
          Key: keys.childRecord(childId),
          ConditionExpression: 'version = :version',
          ExpressionAttributeValues: { ':version': record.version },
        },
      },
      {
        Put: {
          TableName: this.tables.children,
          Item: {
            ...keys.archiveEntry(childId),
            ...keys.archiveEntryIndexes(childId, entry.purgeOn),
            archivedOn: entry.archivedOn,
            purgeOn: entry.purgeOn,
            // Where its tombstones are, for the purge to take them away with the entry.
            ...(tombstones.length > 0 && { departed: tombstones.map((t) => t.childId) }),
          },
        },
      },
      ...tombstones.map((item): TransactItem => ({ Put: { TableName: this.tables.children, Item: item } })),
      { Put: auditPut(this.tables.audit, audit) },
    ];
    const room = MAX_TRANSACTION_ITEMS - last.length;
    const withRecord = belonging.length <= room ? belonging : belonging.slice(-room);
    const before = belonging.slice(0, belonging.length - withRecord.length);
    for (let i = 0; i < before.length; i += MAX_TRANSACTION_ITEMS) {
      await transactWrite(this.db, before.slice(i, i + MAX_TRANSACTION_ITEMS));
    }
    await transactWrite(this.db, [...last, ...withRecord]);
  }

  /**
   * R7: what is left in place of the child's row links, identifier claims and identity claims until its archive is
   * destroyed — keyed hashes and its purge day; an identity's also the child's opaque ID and the queue of the team
   * that answered for it — so that a later feed row of the child (an extract made before it left, loaded late; a
   * row of a child archived a year after a death) does not make it live again (see linkFeedRecord).
   */
  private tombstonesOf(
    hasher: BlockingKeyHasher,
    record: ChildRecord,
    sourceItems: Record<string, unknown>[],
    owned: ItemKey[],
    purgeOn: string,
  ): { childId: string; sk: string; [attribute: string]: unknown }[] {
    const partitions = new Map<string, { childId: string; sk: string; [attribute: string]: unknown }>();
    const leave = (partition: string, extra: Record<string, unknown> = {}) =>
      partitions.set(partition, { ...keys.departed(partition), purgeOn, ...extra });
    for (const item of sourceItems)
      leave(keys.sourceLink(String(item.sk).split('#').at(-1) as string).childId);
    const fieldsHeld = [record, ...sourceItems.map((item) => item.fields)] as (FeedFields | undefined)[];
    // The record's identifiers, and those its feed rows carried (a births row's NHS number the record may not
    // show, the NHS feed owning that field).
    const identifiers = new Set(
      fieldsHeld.flatMap((fields) =>
        (['nhsNumber', 'upn'] as const).flatMap((kind) => {
          const value = fields?.[kind];
          return value ? [keys.identifierClaimMaterial(kind, value)] : [];
        }),
      ),
    );
    for (const material of identifiers) leave(keys.identifierClaim(hasher.keyOf(material)).childId);
    const isIdentity = (partition: string) => partition.startsWith('IDENTITY#');
    for (const key of owned) if (!isIdentity(key.childId)) leave(key.childId);
    const departedChild = {
      departedChildId: record.childId,
      queue: record.shield?.authority ?? record.localAuthority,
      shielded: record.shield !== undefined,
    };
    const identities = fieldsHeld.flatMap((fields) => {
      const identity = fields && identityOf(fields);
      return identity ? [keys.identityClaim(hasher.keyOf(identity)).childId] : [];
    });
    for (const partition of [...identities, ...owned.map((k) => k.childId).filter(isIdentity)])
      leave(partition, departedChild);
    return [...partitions.values()];
  }

  /**
   * Open review items whose candidate is leaving, each only while still open (one decided meanwhile fails the
   * removal, which reads again); and their rows' "awaiting review" markers, so that a row whose only question
   * was this child is weighed afresh by its next load rather than wait for a decision nobody can make.
   */
  private openReviewRemovals(hasher: BlockingKeyHasher, reviews: OpenReview[]): TransactItem[] {
    const table = this.tables.reviews as string;
    const pending = new Map<string, ItemKey>();
    for (const review of reviews)
      for (const hashed of hasher.keysToRead(keys.sourceMaterial(review.feed, review.sourceId))) {
        const key = keys.sourcePending(hashed);
        pending.set(keyId(key), key);
      }
    return [
      ...reviews.map(
        (review): TransactItem => ({
          Delete: {
            TableName: table,
            Key: keys.review(review.queue, review.reviewId),
            ConditionExpression: '#status = :open',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':open': 'open' },
          },
        }),
      ),
      ...[...pending.values()].map(
        (key): TransactItem => ({ Delete: { TableName: this.tables.children, Key: key } }),
      ),
    ];
  }

  /** Those of `candidates` (claims, links) that exist and name this child as their owner, read consistently. */
  private async heldByChild(
    childId: string,
    candidates: { childId: string; sk: string }[],
  ): Promise<{ childId: string; sk: string }[]> {
    const held = await Promise.all(
      candidates.map(async (key) => {
        const { Item } = await this.db.send(
          new GetCommand({
            TableName: this.tables.children,
            Key: key,
            ConsistentRead: true,
            ProjectionExpression: 'ownerChildId',
          }),
        );
        return Item?.ownerChildId === childId ? [key] : [];
      }),
    );
    return held.flat();
  }

  async archiveEntry(childId: string): Promise<ArchiveEntry | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.tables.children,
        Key: keys.archiveEntry(childId),
        ConsistentRead: true,
      }),
    );
    return Item
      ? { childId, archivedOn: Item.archivedOn as string, purgeOn: Item.purgeOn as string }
      : undefined;
  }

  /**
   * The archive entry goes, with the tombstones it names — each only while it is still the one this child left
   * (one that another child with the same identity left later, to be purged later, stays).
   */
  async forget(childId: string, audit: AuditEvent): Promise<void> {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.tables.children,
        Key: keys.archiveEntry(childId),
        ConsistentRead: true,
      }),
    );
    const purgeOn = Item?.purgeOn as string | undefined;
    const tombstones = await Promise.all(
      ((Item?.departed as string[] | undefined) ?? []).map(async (partition): Promise<TransactItem[]> => {
        const { Item: tombstone } = await this.db.send(
          new GetCommand({
            TableName: this.tables.children,
            Key: keys.departed(partition),
            ConsistentRead: true,
          }),
        );
        const itsPurgeOn = tombstone?.purgeOn as string | undefined;
        if (itsPurgeOn === undefined || purgeOn === undefined || itsPurgeOn > purgeOn) return [];
        return [
          {
            Delete: {
              TableName: this.tables.children,
              Key: keys.departed(partition),
              ConditionExpression: 'purgeOn = :purgeOn',
              ExpressionAttributeValues: { ':purgeOn': itsPurgeOn },
            },
          },
        ];
      }),
    );
    await transactWrite(this.db, [
      {
        Delete: {
          TableName: this.tables.children,
          Key: keys.archiveEntry(childId),
          ConditionExpression: 'attribute_exists(childId)',
        },
      },
      ...tombstones.flat(),
      { Put: auditPut(this.tables.audit, audit) },
    ]);
  }

  /** Every item of one child's partition in a table, read consistently. */
  private async partition(table: string, childId: string): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: 'childId = :child',
          ExpressionAttributeValues: { ':child': childId },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return items;
  }
}
