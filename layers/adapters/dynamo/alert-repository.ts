import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Alert } from '#domain/alerts/alert.ts';
import { PreconditionFailedError } from '#domain/errors.ts';
import type { AlertRepository } from '#domain/ports.ts';
import { batchPut } from './write.ts';

export class DynamoAlertRepository implements AlertRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async putOnce(alert: Alert): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: alert,
          ConditionExpression: 'attribute_not_exists(alertId)',
        }),
      );
    } catch (error) {
      if (!(error instanceof PreconditionFailedError)) throw error;
    }
  }

  async put(alerts: Alert[]): Promise<void> {
    if (alerts.length > 0)
      await batchPut(this.db, this.tableName, alerts as unknown as Record<string, unknown>[]);
  }
}
