import { type DynamoDBDocumentClient, GetCommand, paginateQuery } from '@aws-sdk/lib-dynamodb';
import type { AuditEvent } from '#domain/audit/event.ts';
import type { ChildRecord } from '#domain/child/record.ts';
import { DuplicateIdentifierError } from '#domain/errors.ts';
import type { ChildRepository } from '#domain/ports.ts';
import { blockingKeysOf, type MatchProfile, profileOf } from '#domain/search/profile.ts';
import { auditPut } from './audit-sink.ts';
import { cancellationReasons } from './errors.ts';
import { keys } from './keys.ts';
import { BLOCKING_KEY_INDEX } from './tables.ts';
import { putGroups, type TransactItem, transactWrite } from './write.ts';

interface IdentifierClaim {
  kind: 'nhsNumber' | 'upn';
  value: string;
}

/** The identifiers a record holds, each of which belongs to it alone. */
function identifiersOf(record: ChildRecord): IdentifierClaim[] {
  return [
    ...(record.nhsNumber ? [{ kind: 'nhsNumber' as const, value: record.nhsNumber }] : []),
    ...(record.upn ? [{ kind: 'upn' as const, value: record.upn }] : []),
  ];
}

/** A key entry's page size; a key with more entries than this is a name far too common to rank anyway. */
const MAX_ENTRIES_PER_KEY = 200;

export class DynamoChildRepository implements ChildRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tables: { children: string; audit: string },
  ) {}

  async get(childId: string): Promise<ChildRecord | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.tables.children,
        Key: keys.childRecord(childId),
        ConsistentRead: true,
      }),
    );
    if (!Item) return undefined;
    const { sk: _sk, ...record } = Item;
    return record as ChildRecord;
  }

  async findByKeys(blockingKeys: string[]): Promise<Map<string, MatchProfile[]>> {
    const entries = await Promise.all(
      blockingKeys.map(async (blockingKey) => [blockingKey, await this.profilesUnder(blockingKey)] as const),
    );
    return new Map(entries);
  }

  private async profilesUnder(blockingKey: string): Promise<MatchProfile[]> {
    const profiles: MatchProfile[] = [];
    const pages = paginateQuery(
      { client: this.db, pageSize: 100 },
      {
        TableName: this.tables.children,
        IndexName: BLOCKING_KEY_INDEX,
        KeyConditionExpression: 'blockingKey = :key',
        ExpressionAttributeValues: { ':key': blockingKey },
        ProjectionExpression: 'profile',
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) profiles.push(item.profile as MatchProfile);
      if (profiles.length >= MAX_ENTRIES_PER_KEY) break;
    }
    return profiles;
  }

  async create(record: ChildRecord, audit: AuditEvent): Promise<void> {
    const claims = this.claimPuts(record.childId, identifiersOf(record));
    const items: TransactItem[] = [
      ...claims,
      {
        Put: {
          TableName: this.tables.children,
          Item: { ...record, ...keys.childRecord(record.childId) },
          ConditionExpression: 'attribute_not_exists(childId)',
        },
      },
      ...this.keyPuts(record, blockingKeysOf(record)),
      { Put: auditPut(this.tables.audit, audit) },
    ];
    await this.transactClaiming(items, claims.length);
  }

  /** Record, search keys and audit event change together or not at all; a stale version is 412. */
  async replace(previous: ChildRecord, next: ChildRecord, audit: AuditEvent): Promise<void> {
    const before = new Set(blockingKeysOf(previous));
    const after = blockingKeysOf(next);
    const profileChanged = JSON.stringify(profileOf(previous)) !== JSON.stringify(profileOf(next));
    const toPut = profileChanged ? after : after.filter((k) => !before.has(k));
    const toDelete = [...before].filter((k) => !after.includes(k));
    const held = identifiersOf(previous);
    const wanted = identifiersOf(next);
    const sameClaim = (a: IdentifierClaim, b: IdentifierClaim) => a.kind === b.kind && a.value === b.value;
    const claims = this.claimPuts(
      next.childId,
      wanted.filter((w) => !held.some((h) => sameClaim(h, w))),
    );
    const released = held.filter((h) => !wanted.some((w) => sameClaim(h, w)));
    await this.transactClaiming(
      [
        ...claims,
        {
          Put: {
            TableName: this.tables.children,
            Item: { ...next, ...keys.childRecord(next.childId) },
            ConditionExpression: 'version = :expected',
            ExpressionAttributeValues: { ':expected': previous.version },
          },
        },
        ...released.map((claim) => ({
          Delete: {
            TableName: this.tables.children,
            Key: keys.identifierClaim(claim.kind, claim.value),
            ConditionExpression: 'ownerChildId = :me',
            ExpressionAttributeValues: { ':me': next.childId },
          },
        })),
        ...this.keyPuts(next, toPut),
        ...toDelete.map((k) => ({
          Delete: { TableName: this.tables.children, Key: keys.childBlockingKey(next.childId, k) },
        })),
        { Put: auditPut(this.tables.audit, audit) },
      ],
      claims.length,
    );
  }

  /** Claims that must not exist yet: the first `count` items of a transaction. */
  private claimPuts(childId: string, claims: IdentifierClaim[]): TransactItem[] {
    return claims.map((claim) => ({
      Put: {
        TableName: this.tables.children,
        Item: { ...keys.identifierClaim(claim.kind, claim.value), ownerChildId: childId },
        ConditionExpression: 'attribute_not_exists(childId)',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    }));
  }

  /** A transaction whose first `claimCount` items claim identifiers: a claim already held is a 409, not a 412. */
  private async transactClaiming(items: TransactItem[], claimCount: number): Promise<void> {
    try {
      await this.transact(items);
    } catch (error) {
      const reasons = cancellationReasons(error);
      const refused = reasons.slice(0, claimCount).find((r) => r?.Code === 'ConditionalCheckFailed');
      if (refused) throw new DuplicateIdentifierError(refused.Item?.ownerChildId?.S, { cause: error });
      throw error;
    }
  }

  /** Loads records without audit events: the seeding of synthetic data and the benchmark's data set only. */
  async importRecords(records: ChildRecord[]): Promise<void> {
    const groups = records.map((record) => [
      ...identifiersOf(record).map((claim) => ({
        ...keys.identifierClaim(claim.kind, claim.value),
        ownerChildId: record.childId,
      })),
      { ...record, ...keys.childRecord(record.childId) },
      ...this.keyPuts(record, blockingKeysOf(record)).map((put) => put.Put?.Item as Record<string, unknown>),
    ]);
    await putGroups(this.db, this.tables.children, groups);
  }

  private keyPuts(record: ChildRecord, blockingKeys: string[]): TransactItem[] {
    const profile = profileOf(record);
    return blockingKeys.map((blockingKey) => ({
      Put: {
        TableName: this.tables.children,
        Item: { ...keys.childBlockingKey(record.childId, blockingKey), blockingKey, profile },
      },
    }));
  }

  private transact(items: TransactItem[]): Promise<void> {
    return transactWrite(this.db, items);
  }
}
