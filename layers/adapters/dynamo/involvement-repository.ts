import { type DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditEvent } from '#domain/audit/event.ts';
import type { CaseloadStatus } from '#domain/involvement/caseload.ts';
import type { Involvement } from '#domain/involvement/schema.ts';
import type { InvolvementRepository } from '#domain/ports.ts';
import { auditPut } from './audit-sink.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { keys } from './keys.ts';
import { INVOLVEMENTS_BY_RECORDER_INDEX } from './tables.ts';
import { putGroups, type TransactItem, transactWrite } from './write.ts';

const INDEX_ATTRIBUTES = ['recorder', 'recordedAt'] as const;
/** A caseload cursor's attributes: the table's key and the recorder index's key. */
const CURSOR_ATTRIBUTES = ['childId', 'involvementId', 'recordedAt', 'recorder'].join(',');
/** Involvements read per round of a caseload page, and the most rounds one page may take. */
const CASELOAD_READ = 100;
const CASELOAD_ROUNDS = 5;

/** An involvement as stored: with its recorder index attributes (a person's only). */
export function involvementItem(involvement: Involvement): Record<string, unknown> {
  return { ...involvement, ...keys.recorderIndexes(involvement) };
}

/** An involvement as read: the index attributes are storage, not part of the involvement. */
export function involvementOf(item: Record<string, unknown>): Involvement {
  const involvement = { ...item };
  for (const attribute of INDEX_ATTRIBUTES) delete involvement[attribute];
  return involvement as unknown as Involvement;
}

/** The status filter, exactly as `isActive` judges against `:today` (an end date on or before today has ended). */
const STATUS_FILTER: Record<CaseloadStatus, string> = {
  active: 'attribute_not_exists(endDate) OR endDate > :today',
  ended: 'endDate <= :today',
};

export class DynamoInvolvementRepository implements InvolvementRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tables: { involvements: string; audit: string },
  ) {}

  async listForChild(childId: string): Promise<Involvement[]> {
    const items: Involvement[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.tables.involvements,
          KeyConditionExpression: 'childId = :child',
          ExpressionAttributeValues: { ':child': childId },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      items.push(...(page.Items ?? []).map(involvementOf));
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  }

  async get(childId: string, involvementId: string): Promise<Involvement | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.tables.involvements,
        Key: keys.involvement(childId, involvementId),
        ConsistentRead: true,
      }),
    );
    return Item ? involvementOf(Item) : undefined;
  }

  /**
   * One Query after another on the caller's own partition of the recorder index, newest first, until the page
   * is full or the list ends (at most CASELOAD_ROUNDS reads). A filtered Query stops at its Limit however few
   * matched, so `next` is the key of the last involvement returned, or where the last read stopped.
   */
  async listRecordedBy(
    recordedBy: string,
    query: { status: CaseloadStatus; today: string; limit: number; cursor?: string | undefined },
  ): Promise<{ involvements: Involvement[]; next?: string | undefined }> {
    const found: Record<string, unknown>[] = [];
    let start = query.cursor
      ? decodeCursor(
          query.cursor,
          // Only ever a position in the caller's own caseload.
          (key) =>
            Object.keys(key).sort().join(',') === CURSOR_ATTRIBUTES &&
            key.recorder === recordedBy &&
            Object.values(key).every((value) => typeof value === 'string'),
          'caseload',
        )
      : undefined;
    let next: Record<string, unknown> | undefined;
    for (let round = 0; round < CASELOAD_ROUNDS; round++) {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.tables.involvements,
          IndexName: INVOLVEMENTS_BY_RECORDER_INDEX,
          KeyConditionExpression: 'recorder = :recorder',
          FilterExpression: STATUS_FILTER[query.status],
          ExpressionAttributeValues: { ':recorder': recordedBy, ':today': query.today },
          ScanIndexForward: false,
          Limit: CASELOAD_READ,
          ExclusiveStartKey: start,
        }),
      );
      const items = page.Items ?? [];
      const room = query.limit - found.length;
      found.push(...items.slice(0, room));
      if (items.length > room) {
        // The page filled part-way through this read: carry on after the last one returned.
        next = cursorKeyOf(found[found.length - 1] as Record<string, unknown>);
        break;
      }
      next = page.LastEvaluatedKey;
      if (!next || found.length === query.limit) break;
      start = next;
    }
    return {
      involvements: found.map(involvementOf),
      ...(next && { next: encodeCursor(next) }),
    };
  }

  async create(involvement: Involvement, audit: AuditEvent, clearLeadOn: Involvement[] = []): Promise<void> {
    await this.transact([
      {
        Put: {
          TableName: this.tables.involvements,
          Item: involvementItem(involvement),
          ConditionExpression: 'attribute_not_exists(involvementId)',
        },
      },
      ...this.clearLeads(clearLeadOn, involvement.updatedAt),
      { Put: auditPut(this.tables.audit, audit) },
    ]);
  }

  async update(
    next: Involvement,
    expectedVersion: number,
    audit: AuditEvent,
    clearLeadOn: Involvement[] = [],
  ) {
    await this.transact([
      {
        Put: {
          TableName: this.tables.involvements,
          Item: involvementItem(next),
          ConditionExpression: 'version = :expected',
          ExpressionAttributeValues: { ':expected': expectedVersion },
        },
      },
      ...this.clearLeads(clearLeadOn, next.updatedAt),
      { Put: auditPut(this.tables.audit, audit) },
    ]);
  }

  /**
   * Loads involvements without audit events: the seeding of synthetic data only. Written as given, so the seed's
   * (recorded by no one who signs in) stay out of the recorder index.
   */
  async importInvolvements(involvements: Involvement[]): Promise<void> {
    await putGroups(
      this.db,
      this.tables.involvements,
      involvements.map((i) => [i as unknown as Record<string, unknown>]),
    );
  }

  /** Only one lead professional per child: the previous lead loses the flag in the same transaction. */
  private clearLeads(involvements: Involvement[], now: string): TransactItem[] {
    return involvements.map((i) => ({
      Update: {
        TableName: this.tables.involvements,
        Key: keys.involvement(i.childId, i.involvementId),
        UpdateExpression: 'SET leadProfessional = :false, version = :next, updatedAt = :now',
        ConditionExpression: 'version = :expected',
        ExpressionAttributeValues: {
          ':false': false,
          ':next': i.version + 1,
          ':expected': i.version,
          ':now': now,
        },
      },
    }));
  }

  private transact(items: TransactItem[]): Promise<void> {
    return transactWrite(this.db, items);
  }
}

/** Where a caseload page ended: the table's key and the recorder index's key of its last involvement. */
function cursorKeyOf(item: Record<string, unknown>): Record<string, unknown> {
  return {
    childId: item.childId,
    involvementId: item.involvementId,
    recorder: item.recorder,
    recordedAt: item.recordedAt,
  };
}
