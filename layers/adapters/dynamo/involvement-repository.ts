import { type DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditEvent } from '#domain/audit/event.ts';
import type { Involvement } from '#domain/involvement/schema.ts';
import type { InvolvementRepository } from '#domain/ports.ts';
import { auditPut } from './audit-sink.ts';
import { keys } from './keys.ts';
import { putGroups, type TransactItem, transactWrite } from './write.ts';

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
      items.push(...((page.Items ?? []) as Involvement[]));
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
    return Item as Involvement | undefined;
  }

  async create(involvement: Involvement, audit: AuditEvent, clearLeadOn: Involvement[] = []): Promise<void> {
    await this.transact([
      {
        Put: {
          TableName: this.tables.involvements,
          Item: involvement,
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
          Item: next,
          ConditionExpression: 'version = :expected',
          ExpressionAttributeValues: { ':expected': expectedVersion },
        },
      },
      ...this.clearLeads(clearLeadOn, next.updatedAt),
      { Put: auditPut(this.tables.audit, audit) },
    ]);
  }

  /** Loads involvements without audit events: the seeding of synthetic data only. */
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
