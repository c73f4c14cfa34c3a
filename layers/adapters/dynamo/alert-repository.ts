import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Adapters } from '#adapters/dependencies.ts';
import type { Alert } from '#domain/alerts/alert.ts';
import type { MisuseAlert, MisuseAlertStatus } from '#domain/alerts/misuse-alert.ts';
import type { AuditEvent } from '#domain/audit/event.ts';
import { PreconditionFailedError } from '#domain/errors.ts';
import type { AlertRepository, MisuseAlertRepository } from '#domain/ports.ts';
import { readSettings } from '#runtime/settings.ts';
import { auditPut } from './audit-sink.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { inboxItem } from './inbox.ts';
import { keys } from './keys.ts';
import { MISUSE_ALERTS_BY_ORGANISATION_INDEX } from './tables.ts';
import { batchPut, transactWrite } from './write.ts';

export class DynamoAlertRepository implements AlertRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async put(alerts: Alert[]): Promise<void> {
    if (alerts.length > 0) await batchPut(this.db, this.tableName, alerts.map(inboxItem));
  }
}

const INDEX_ATTRIBUTES = ['recipientId', 'reviewingOrganisation', 'raisedAt'] as const;

/** R10 misuse alerts: one item per alert and reviewing organisation, listed newest first by an index. */
export class DynamoMisuseAlertRepository implements MisuseAlertRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tables: { alerts: string; audit: string },
  ) {}

  private item(alert: MisuseAlert): Record<string, unknown> {
    return {
      ...alert,
      ...keys.misuseAlert(alert.reviewingOrganisationId, alert.alertId),
      ...keys.misuseAlertIndexes(alert),
    };
  }

  async raise(alert: MisuseAlert): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tables.alerts,
          Item: this.item(alert),
          ConditionExpression: 'attribute_not_exists(alertId)',
        }),
      );
    } catch (error) {
      if (!(error instanceof PreconditionFailedError)) throw error;
    }
  }

  async get(reviewingOrganisationId: string, alertId: string): Promise<MisuseAlert | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.tables.alerts,
        Key: keys.misuseAlert(reviewingOrganisationId, alertId),
        ConsistentRead: true,
      }),
    );
    return Item ? strip(Item) : undefined;
  }

  async list(
    reviewingOrganisationId: string,
    query: { status?: MisuseAlertStatus | undefined; limit: number; cursor?: string | undefined },
  ): Promise<{ alerts: MisuseAlert[]; next?: string | undefined }> {
    const page = await this.db.send(
      new QueryCommand({
        TableName: this.tables.alerts,
        IndexName: MISUSE_ALERTS_BY_ORGANISATION_INDEX,
        KeyConditionExpression: 'reviewingOrganisation = :organisation',
        ...(query.status !== undefined && {
          FilterExpression: '#status = :status',
          ExpressionAttributeNames: { '#status': 'status' },
        }),
        ExpressionAttributeValues: {
          ':organisation': reviewingOrganisationId,
          ...(query.status !== undefined && { ':status': query.status }),
        },
        ScanIndexForward: false,
        Limit: query.limit,
        ...(query.cursor && {
          ExclusiveStartKey: decodeCursor(
            query.cursor,
            // Only ever a position in the same organisation's list.
            (key) =>
              Object.keys(key).sort().join(',') === 'alertId,raisedAt,recipientId,reviewingOrganisation' &&
              key.reviewingOrganisation === reviewingOrganisationId &&
              typeof key.alertId === 'string' &&
              typeof key.raisedAt === 'string' &&
              key.recipientId === keys.misuseAlert(reviewingOrganisationId, key.alertId).recipientId,
            'list',
          ),
        }),
      }),
    );
    return {
      alerts: (page.Items ?? []).map(strip),
      ...(page.LastEvaluatedKey && { next: encodeCursor(page.LastEvaluatedKey) }),
    };
  }

  async review(next: MisuseAlert, expectedVersion: number, audit: AuditEvent): Promise<void> {
    await transactWrite(this.db, [
      {
        Put: {
          TableName: this.tables.alerts,
          Item: this.item(next),
          ConditionExpression: 'version = :expected',
          ExpressionAttributeValues: { ':expected': expectedVersion },
        },
      },
      { Put: auditPut(this.tables.audit, audit) },
    ]);
  }
}

function strip(item: Record<string, unknown>): MisuseAlert {
  const alert = { ...item };
  for (const attribute of INDEX_ATTRIBUTES) delete alert[attribute];
  return alert as unknown as MisuseAlert;
}

/** The misuse alerts on the function's own client; the tables are read once, at cold start. */
export function misuseAlertsFrom(
  adapters: Pick<Adapters, 'db'>,
  settings = { ...readSettings('alerts'), ...readSettings('adapters') },
): DynamoMisuseAlertRepository {
  return new DynamoMisuseAlertRepository(adapters.db, {
    alerts: settings.ALERTS_TABLE,
    audit: settings.AUDIT_TABLE,
  });
}
