import { type DynamoDBDocumentClient, GetCommand, paginateQuery, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditEvent } from '#domain/audit/event.ts';
import type { ChildRecord } from '#domain/child/record.ts';
import { DuplicateIdentifierError, PreconditionFailedError } from '#domain/errors.ts';
import { blockingKeysOf } from '#domain/matching/blocking.ts';
import type { ChildRepository } from '#domain/ports.ts';
import { leavingDay } from '#domain/retention/rule.ts';
import { type MatchProfile, profileOf } from '#domain/search/profile.ts';
import type { BlockingKeyHasher } from '../keys/blocking-key-hasher.ts';
import { auditPut } from './audit-sink.ts';
import { cancellationReasons } from './errors.ts';
import { keys } from './keys.ts';
import { BLOCKING_KEY_INDEX, BLOCKING_KEY_SK_PREFIX } from './tables.ts';
import { putGroups, type TransactItem, transactWrite } from './write.ts';

interface IdentifierClaim {
  kind: 'nhsNumber' | 'upn';
  value: string;
}

/** The identifiers a record holds, each of which belongs to it alone. */
export function identifiersOf(record: ChildRecord): IdentifierClaim[] {
  return [
    ...(record.nhsNumber ? [{ kind: 'nhsNumber' as const, value: record.nhsNumber }] : []),
    ...(record.upn ? [{ kind: 'upn' as const, value: record.upn }] : []),
  ];
}

/** An identifier claim's keys, under every generation the secret holds: the current one first. */
export function claimKeys(hasher: BlockingKeyHasher, claim: IdentifierClaim): string[] {
  return hasher.keysToRead(keys.identifierClaimMaterial(claim.kind, claim.value));
}

/**
 * A key's entries read at most: a date of birth holds every child born that day (about 3,300 nationally
 * with day and month in either order); a key holding more than this is not one a search can rank anyway.
 */
const MAX_ENTRIES_PER_KEY = 5000;

/** How often a change is tried again when a re-keying rewrote the record's keys under it. */
const REKEY_RACE_ATTEMPTS = 3;

/**
 * Whether a change leaves the record's key items as they are: the same keys with the same profile. Then, when
 * they were written under the current generation, they need no rewriting (most feed updates change a GP or a
 * provenance, nothing a search reads).
 */
function sameKeyItems(previous: ChildRecord, next: ChildRecord): boolean {
  const keysBefore = new Set(blockingKeysOf(previous));
  const keysAfter = blockingKeysOf(next);
  return (
    keysAfter.length === keysBefore.size &&
    keysAfter.every((k) => keysBefore.has(k)) &&
    JSON.stringify(profileOf(previous)) === JSON.stringify(profileOf(next))
  );
}

/** Attributes of the record item that are storage bookkeeping, not part of the record. */
const RECORD_BOOKKEEPING = ['sk', 'keyGeneration', 'retentionShard', 'retentionDay'] as const;

/**
 * The record item as stored: the record, its key, the generation its search keys were written under, and
 * (R7) its place in the retention index by the day it leaves — worked out by the domain's rule at every write,
 * so no path that writes a record can leave its leaving day behind.
 */
export function recordItem(record: ChildRecord, keyGeneration: string): Record<string, unknown> {
  return {
    ...record,
    ...keys.childRecord(record.childId),
    ...keys.leavingIndexes(record.childId, leavingDay(record)),
    keyGeneration,
  };
}

/** The record a record item holds, without its storage bookkeeping (a read, or a stream image). */
export function recordOf(item: Record<string, unknown>): ChildRecord {
  const record = { ...item };
  for (const attribute of RECORD_BOOKKEEPING) delete record[attribute];
  return record as unknown as ChildRecord;
}

export class DynamoChildRepository implements ChildRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tables: { children: string; audit: string },
    private readonly hasher: () => Promise<BlockingKeyHasher>,
  ) {}

  /** The hasher this repository keys with, for other stores of the same table (feed rows, R8). */
  keyHasher(): Promise<BlockingKeyHasher> {
    return this.hasher();
  }

  get tableName(): string {
    return this.tables.children;
  }

  async get(childId: string): Promise<ChildRecord | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.tables.children,
        Key: keys.childRecord(childId),
        ConsistentRead: true,
      }),
    );
    return Item ? recordOf(Item) : undefined;
  }

  /** The child holding an NHS number or UPN, shielded or not: its identifier claim, under any generation. */
  async identifierOwner(kind: IdentifierClaim['kind'], value: string): Promise<string | undefined> {
    const hasher = await this.hasher();
    for (const hashed of claimKeys(hasher, { kind, value })) {
      const { Item } = await this.db.send(
        new GetCommand({
          TableName: this.tables.children,
          Key: keys.identifierClaim(hashed),
          ConsistentRead: true,
          ProjectionExpression: 'ownerChildId',
        }),
      );
      if (Item?.ownerChildId) return Item.ownerChildId as string;
    }
    return undefined;
  }

  /** Profiles under each key (material in, map keyed by material); during a re-keying, old keys too. */
  async findByKeys(material: string[]): Promise<Map<string, MatchProfile[]>> {
    const hasher = await this.hasher();
    const entries = await Promise.all(
      material.map(async (key) => {
        const found = await Promise.all(hasher.keysToRead(key).map((hashed) => this.profilesUnder(hashed)));
        return [key, found.flat()] as const;
      }),
    );
    return new Map(entries);
  }

  private async profilesUnder(hashedKey: string): Promise<MatchProfile[]> {
    const profiles: MatchProfile[] = [];
    const pages = paginateQuery(
      { client: this.db },
      {
        TableName: this.tables.children,
        IndexName: BLOCKING_KEY_INDEX,
        KeyConditionExpression: 'blockingKey = :key',
        ExpressionAttributeValues: { ':key': hashedKey },
        ProjectionExpression: 'profile',
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) profiles.push(item.profile as MatchProfile);
      if (profiles.length >= MAX_ENTRIES_PER_KEY) break;
    }
    return profiles;
  }

  /** `along` are further items that commit with the record or not at all (a feed row and its link, R8). */
  async create(record: ChildRecord, audit: AuditEvent, along: TransactItem[] = []): Promise<void> {
    const hasher = await this.hasher();
    const claims = this.claimItems(hasher, record.childId, identifiersOf(record));
    const items: TransactItem[] = [
      ...claims,
      {
        Put: {
          TableName: this.tables.children,
          Item: recordItem(record, hasher.generation),
          ConditionExpression: 'attribute_not_exists(childId)',
        },
      },
      ...this.keyPuts(hasher, record),
      ...along,
      { Put: auditPut(this.tables.audit, audit) },
    ];
    await this.transactClaiming(items, claims.length);
  }

  /**
   * Record, search keys and audit event change together or not at all; a stale version is 412. The keys
   * stored are read back and replaced whole, whatever generation wrote them, so a change also re-keys. The
   * record's generation is read before its keys and must be unchanged at commit: a re-keying that lands in
   * between (it rewrites the keys without changing the version) makes this change read them again, so no key
   * of the record as it was — open keys of a child being shielded, say — can outlive the change (R3).
   */
  async replace(
    previous: ChildRecord,
    next: ChildRecord,
    audit: AuditEvent,
    along: TransactItem[] = [],
  ): Promise<void> {
    const hasher = await this.hasher();
    const held = identifiersOf(previous);
    const wanted = identifiersOf(next);
    const sameClaim = (a: IdentifierClaim, b: IdentifierClaim) => a.kind === b.kind && a.value === b.value;
    const claims = this.claimItems(
      hasher,
      next.childId,
      wanted.filter((w) => !held.some((h) => sameClaim(h, w))),
    );
    const released = held.filter((h) => !wanted.some((w) => sameClaim(h, w)));
    // The generation is read before the keys; a refusal re-reads it, and that read serves the next attempt.
    let stored = await this.recordBookkeeping(next.childId);
    for (let attempt = 1; ; attempt++) {
      const generation = stored?.keyGeneration;
      try {
        await this.transactClaiming(
          [
            ...claims,
            {
              Put: {
                TableName: this.tables.children,
                Item: recordItem(next, hasher.generation),
                ConditionExpression:
                  generation === undefined
                    ? 'version = :expected AND attribute_not_exists(keyGeneration)'
                    : 'version = :expected AND keyGeneration = :generation',
                ExpressionAttributeValues: {
                  ':expected': previous.version,
                  ...(generation !== undefined && { ':generation': generation }),
                },
              },
            },
            ...this.claimReleases(hasher, next.childId, released),
            ...(generation === hasher.generation && sameKeyItems(previous, next)
              ? []
              : await this.keyChanges(hasher, next)),
            ...along,
            { Put: auditPut(this.tables.audit, audit) },
          ],
          claims.length,
        );
        return;
      } catch (error) {
        // Refused by the generation alone (the version still matches): re-keyed meanwhile, so try again.
        if (!(error instanceof PreconditionFailedError) || attempt >= REKEY_RACE_ATTEMPTS) throw error;
        stored = await this.recordBookkeeping(next.childId);
        if (stored?.version !== previous.version) throw error;
      }
    }
  }

  /** The record's version and the generation its keys were last written under (see `replace`). */
  private async recordBookkeeping(
    childId: string,
  ): Promise<{ keyGeneration?: string; version?: number } | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.tables.children,
        Key: keys.childRecord(childId),
        ConsistentRead: true,
        ProjectionExpression: 'keyGeneration, version',
      }),
    );
    return Item as { keyGeneration?: string; version?: number } | undefined;
  }

  /**
   * Re-keys one record under the current generation (the re-keying migration): its key items and identifier
   * claims are rewritten, the record itself is untouched but for its generation and its place in the retention
   * index (R7), and only if it has not changed since it was read. A record already under the current generation
   * but not (or not rightly) in the retention index has only that written: the migration backfills the index.
   * False when there was nothing to do.
   */
  async rekey(
    record: ChildRecord & { keyGeneration?: string; retentionShard?: string; retentionDay?: string },
  ): Promise<boolean> {
    const hasher = await this.hasher();
    const leaving = keys.leavingIndexes(record.childId, leavingDay(record));
    const indexed =
      record.retentionShard === leaving.retentionShard && record.retentionDay === leaving.retentionDay;
    if (record.keyGeneration === hasher.generation) {
      if (indexed) return false;
      // R7 backfill: a record stored before the retention index existed (or with a day the rule no longer gives)
      // is put in it, under its current keys, unless it changed since it was read.
      await this.transact([
        {
          Update: {
            TableName: this.tables.children,
            Key: keys.childRecord(record.childId),
            UpdateExpression: 'SET retentionShard = :shard, retentionDay = :day',
            ConditionExpression: 'version = :expected AND keyGeneration = :generation',
            ExpressionAttributeValues: {
              ':generation': hasher.generation,
              ':expected': record.version,
              ':shard': leaving.retentionShard,
              ':day': leaving.retentionDay,
            },
          },
        },
      ]);
      return true;
    }
    const identifiers = identifiersOf(record);
    const claims = identifiers.flatMap((claim): TransactItem[] => {
      const [current, ...older] = claimKeys(hasher, claim);
      return [
        {
          Put: {
            TableName: this.tables.children,
            Item: { ...keys.identifierClaim(current as string), ownerChildId: record.childId },
            ConditionExpression: 'attribute_not_exists(childId) OR ownerChildId = :me',
            ExpressionAttributeValues: { ':me': record.childId },
          },
        },
        ...older.map((hashed) => this.releaseClaim(hashed, record.childId)),
      ];
    });
    await this.transact([
      {
        Update: {
          TableName: this.tables.children,
          Key: keys.childRecord(record.childId),
          // R7: the record's place in the retention index is written again too (records stored before it existed).
          UpdateExpression: 'SET keyGeneration = :generation, retentionShard = :shard, retentionDay = :day',
          ConditionExpression: 'version = :expected',
          ExpressionAttributeValues: {
            ':generation': hasher.generation,
            ':expected': record.version,
            ':shard': leaving.retentionShard,
            ':day': leaving.retentionDay,
          },
        },
      },
      ...claims,
      ...(await this.keyChanges(hasher, record)),
    ]);
    return true;
  }

  /** Puts of the record's keys under the current generation; deletes of every other key item it has. */
  private async keyChanges(hasher: BlockingKeyHasher, record: ChildRecord): Promise<TransactItem[]> {
    const puts = this.keyPuts(hasher, record);
    const wanted = new Set(puts.map((p) => p.Put?.Item?.sk as string));
    const stored = await this.storedKeySortKeys(record.childId);
    return [
      ...puts,
      ...stored
        .filter((sk) => !wanted.has(sk))
        .map((sk) => ({ Delete: { TableName: this.tables.children, Key: { childId: record.childId, sk } } })),
    ];
  }

  private async storedKeySortKeys(childId: string): Promise<string[]> {
    const sortKeys: string[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.tables.children,
          KeyConditionExpression: 'childId = :child AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':child': childId, ':prefix': BLOCKING_KEY_SK_PREFIX },
          ProjectionExpression: 'sk',
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) sortKeys.push(item.sk as string);
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return sortKeys;
  }

  /**
   * Claims that must not exist yet, under the current generation — and, while a re-keying runs, checks that
   * no older generation's claim of the same identifier belongs to another child. They lead the transaction.
   */
  private claimItems(hasher: BlockingKeyHasher, childId: string, claims: IdentifierClaim[]): TransactItem[] {
    return claims.flatMap((claim) => {
      const [current, ...older] = claimKeys(hasher, claim);
      return [
        {
          Put: {
            TableName: this.tables.children,
            Item: { ...keys.identifierClaim(current as string), ownerChildId: childId },
            ConditionExpression: 'attribute_not_exists(childId)',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          },
        },
        ...older.map((hashed) => ({
          ConditionCheck: {
            TableName: this.tables.children,
            Key: keys.identifierClaim(hashed),
            ConditionExpression: 'attribute_not_exists(childId) OR ownerChildId = :me',
            ExpressionAttributeValues: { ':me': childId },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          },
        })),
      ] as TransactItem[];
    });
  }

  /** Claims given up, under every generation that may still hold them. */
  private claimReleases(
    hasher: BlockingKeyHasher,
    childId: string,
    claims: IdentifierClaim[],
  ): TransactItem[] {
    return claims.flatMap((claim) =>
      claimKeys(hasher, claim).map((hashed) => this.releaseClaim(hashed, childId)),
    );
  }

  /** A claim given up: deleted if it is this child's (or already gone). */
  private releaseClaim(hashedClaim: string, childId: string): TransactItem {
    return {
      Delete: {
        TableName: this.tables.children,
        Key: keys.identifierClaim(hashedClaim),
        ConditionExpression: 'attribute_not_exists(childId) OR ownerChildId = :me',
        ExpressionAttributeValues: { ':me': childId },
      },
    };
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
    const hasher = await this.hasher();
    const groups = records.map((record) => [
      ...identifiersOf(record).map((claim) => ({
        ...keys.identifierClaim(hasher.keyOf(keys.identifierClaimMaterial(claim.kind, claim.value))),
        ownerChildId: record.childId,
      })),
      recordItem(record, hasher.generation),
      ...this.keyPuts(hasher, record).map((put) => put.Put?.Item as Record<string, unknown>),
    ]);
    await putGroups(this.db, this.tables.children, groups);
  }

  private keyPuts(hasher: BlockingKeyHasher, record: ChildRecord): TransactItem[] {
    const profile = profileOf(record);
    return blockingKeysOf(record).map((material) => {
      const blockingKey = hasher.keyOf(material);
      return {
        Put: {
          TableName: this.tables.children,
          Item: {
            ...keys.childBlockingKey(record.childId, blockingKey),
            blockingKey,
            profile,
            keyGeneration: hasher.generation,
          },
        },
      };
    });
  }

  private transact(items: TransactItem[]): Promise<void> {
    return transactWrite(this.db, items);
  }
}
