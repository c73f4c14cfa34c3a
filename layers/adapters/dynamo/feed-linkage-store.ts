import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditEvent } from '#domain/audit/event.ts';
import type { ChildRecord } from '#domain/child/record.ts';
import type { SourceRow } from '#domain/feeds/best-view.ts';
import type { FeedName } from '#domain/feeds/feed.ts';
import type {
  DepartedChild,
  Departures,
  FeedLinkageStore,
  IdentityClaim,
  SourceState,
} from '#domain/ports.ts';
import type { BlockingKeyHasher } from '../keys/blocking-key-hasher.ts';
import type { DynamoChildRepository } from './child-repository.ts';
import { keys } from './keys.ts';
import { type TransactItem, transactWrite } from './write.ts';

/**
 * R8 linkage storage in the children table, beside the records it changes: a row's link and a data manager's
 * "not this child" decisions in the row's own partition (keyed hash of its source reference), the row itself
 * on the child's partition. A record changes together with its row, the row's link and the audit event.
 */
export class DynamoFeedLinkageStore implements FeedLinkageStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly children: DynamoChildRepository,
    private readonly hasher: () => Promise<BlockingKeyHasher>,
  ) {}

  /** A row's fingerprint, keyed like every key here: the same row loaded again is known without its fields. */
  private async fingerprintOf(content: string): Promise<string> {
    return (await this.hasher()).keyOf(`row#${content}`);
  }

  private async sourceKey(feed: FeedName, sourceId: string): Promise<string> {
    return (await this.hasher()).keyOf(keys.sourceMaterial(feed, sourceId));
  }

  async sourceState(feed: FeedName, sourceId: string, content: string): Promise<SourceState> {
    const hasher = await this.hasher();
    const state: SourceState = { notChildren: [] };
    const fingerprint = await this.fingerprintOf(content);
    for (const hashed of hasher.keysToRead(keys.sourceMaterial(feed, sourceId))) {
      const { Items = [] } = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'childId = :partition',
          ExpressionAttributeValues: { ':partition': keys.sourceLink(hashed).childId },
          ConsistentRead: true,
        }),
      );
      for (const item of Items) {
        if (item.sk === keys.sourceLink(hashed).sk && !state.link) {
          state.link = {
            childId: item.ownerChildId as string,
            unchanged: item.fingerprint === fingerprint,
          };
        } else if (item.sk === keys.sourcePending(hashed).sk && !state.pending) {
          state.pending = { unchanged: item.fingerprint === fingerprint };
        } else if (String(item.sk).startsWith(keys.sourceNotPrefix)) {
          state.notChildren.push(item.notChildId as string);
        } else if (item.sk === keys.departedSk) {
          state.departed = true;
        }
      }
    }
    return state;
  }

  ownerOf(kind: 'nhsNumber' | 'upn', value: string): Promise<string | undefined> {
    return this.children.identifierOwner(kind, value);
  }

  async sourcesOf(childId: string): Promise<SourceRow[]> {
    const rows: SourceRow[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'childId = :child AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':child': childId, ':prefix': keys.childSourcePrefix },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) {
        rows.push({
          // Opaque: the feed and the keyed hash of the row's reference, never the reference itself.
          sourceRef: String(item.sk).slice(keys.childSourcePrefix.length).replace('#', '.'),
          feed: item.feed,
          sourceId: item.sourceId,
          extractDate: item.extractDate,
          fields: item.fields,
        } as SourceRow);
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return rows;
  }

  /** The row on its child, and its link: taken only if unlinked, or linked to this child already. */
  private async rowItems(childId: string, row: SourceRow, content: string): Promise<TransactItem[]> {
    const hashed = await this.sourceKey(row.feed, row.sourceId);
    return [
      {
        Put: {
          TableName: this.table,
          Item: { ...keys.childSource(childId, row.feed, hashed), ...row },
        },
      },
      {
        Put: {
          TableName: this.table,
          Item: {
            ...keys.sourceLink(hashed),
            ownerChildId: childId,
            fingerprint: await this.fingerprintOf(content),
          },
          ConditionExpression: 'attribute_not_exists(childId) OR ownerChildId = :me',
          ExpressionAttributeValues: { ':me': childId },
        },
      },
      // Linked: it no longer awaits a decision.
      { Delete: { TableName: this.table, Key: keys.sourcePending(hashed) } },
    ];
  }

  async createFromSource(
    record: ChildRecord,
    row: SourceRow,
    content: string,
    audit: AuditEvent,
    identity?: IdentityClaim,
  ): Promise<void> {
    await this.children.create(record, audit, [
      ...(await this.rowItems(record.childId, row, content)),
      ...(identity?.owner === undefined && identity
        ? [await this.identityItem(record.childId, identity)]
        : []),
    ]);
  }

  /** An unowned identity, claimed by the new record unless another record claimed it meanwhile (see IdentityClaim). */
  private async identityItem(childId: string, { identity }: IdentityClaim): Promise<TransactItem> {
    return {
      Put: {
        TableName: this.table,
        Item: { ...keys.identityClaim((await this.hasher()).keyOf(identity)), ownerChildId: childId },
        ConditionExpression: 'attribute_not_exists(childId)',
      },
    };
  }

  async identityOwner(identity: string): Promise<string | undefined> {
    const hasher = await this.hasher();
    for (const hashed of hasher.keysToRead(identity)) {
      const { Item } = await this.db.send(
        new GetCommand({
          TableName: this.table,
          Key: keys.identityClaim(hashed),
          ConsistentRead: true,
          ProjectionExpression: 'ownerChildId',
        }),
      );
      if (Item?.ownerChildId) return Item.ownerChildId as string;
    }
    return undefined;
  }

  async updateFromSource(
    previous: ChildRecord,
    next: ChildRecord,
    row: SourceRow,
    content: string,
    audit: AuditEvent,
  ): Promise<void> {
    await this.children.replace(previous, next, audit, await this.rowItems(next.childId, row, content));
  }

  async detachSource(
    previous: ChildRecord,
    next: ChildRecord,
    row: SourceRow,
    audit: AuditEvent,
  ): Promise<void> {
    const hashed = await this.sourceKey(row.feed, row.sourceId);
    await this.children.replace(previous, next, audit, [
      { Delete: { TableName: this.table, Key: keys.childSource(next.childId, row.feed, hashed) } },
      {
        Delete: {
          TableName: this.table,
          Key: keys.sourceLink(hashed),
          ConditionExpression: 'attribute_not_exists(childId) OR ownerChildId = :me',
          ExpressionAttributeValues: { ':me': next.childId },
        },
      },
      {
        Put: {
          TableName: this.table,
          Item: { ...keys.sourceNot(hashed, next.childId), notChildId: next.childId },
        },
      },
    ]);
  }

  async rememberNot(feed: FeedName, sourceId: string, childId: string): Promise<void> {
    const hashed = await this.sourceKey(feed, sourceId);
    await transactWrite(this.db, [
      { Put: { TableName: this.table, Item: { ...keys.sourceNot(hashed, childId), notChildId: childId } } },
      { Delete: { TableName: this.table, Key: keys.sourcePending(hashed) } },
    ]);
  }

  async departures(
    identifiers: { kind: 'nhsNumber' | 'upn'; value: string }[],
    identity: string | undefined,
  ): Promise<Departures> {
    const hasher = await this.hasher();
    const tombstone = async (partition: string) => {
      const { Item } = await this.db.send(
        new GetCommand({ TableName: this.table, Key: keys.departed(partition), ConsistentRead: true }),
      );
      return Item;
    };
    const byIdentifier = await Promise.all(
      identifiers.flatMap(({ kind, value }) =>
        hasher
          .keysToRead(keys.identifierClaimMaterial(kind, value))
          .map(async (hashed) => (await tombstone(keys.identifierClaim(hashed).childId)) !== undefined),
      ),
    );
    let byIdentity: DepartedChild | undefined;
    for (const hashed of identity ? hasher.keysToRead(identity) : []) {
      const item = await tombstone(keys.identityClaim(hashed).childId);
      if (item?.departedChildId && item.queue) {
        byIdentity = {
          childId: item.departedChildId as string,
          queue: item.queue as string,
          shielded: item.shielded === true,
        };
        break;
      }
    }
    return { byIdentifier: byIdentifier.some(Boolean), byIdentity };
  }

  /**
   * The row's tombstone, kept as long as the departed child's own (until its archive is destroyed): its partition is
   * added to the child's archive entry, which the purge reads to take them away. A child already purged leaves
   * nothing to remember: the row only stops waiting.
   */
  async rememberDeparted(feed: FeedName, sourceId: string, departedChildId: string): Promise<void> {
    const hashed = await this.sourceKey(feed, sourceId);
    const partition = keys.sourceLink(hashed).childId;
    const { Item: entry } = await this.db.send(
      new GetCommand({
        TableName: this.table,
        Key: keys.archiveEntry(departedChildId),
        ConsistentRead: true,
      }),
    );
    const departed = (entry?.departed as string[] | undefined) ?? [];
    await transactWrite(this.db, [
      ...(entry
        ? ([
            { Put: { TableName: this.table, Item: { ...keys.departed(partition), purgeOn: entry.purgeOn } } },
            {
              Put: {
                TableName: this.table,
                Item: { ...entry, departed: [...new Set([...departed, partition])] },
                ConditionExpression: 'purgeOn = :purgeOn',
                ExpressionAttributeValues: { ':purgeOn': entry.purgeOn },
              },
            },
          ] satisfies TransactItem[])
        : []),
      { Delete: { TableName: this.table, Key: keys.sourcePending(hashed) } },
    ]);
  }

  async markPending(feed: FeedName, sourceId: string, content: string): Promise<void> {
    const hashed = await this.sourceKey(feed, sourceId);
    await this.db.send(
      new PutCommand({
        TableName: this.table,
        Item: { ...keys.sourcePending(hashed), fingerprint: await this.fingerprintOf(content) },
      }),
    );
  }
}
