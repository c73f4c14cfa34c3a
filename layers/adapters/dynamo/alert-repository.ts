import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Alert, AlertRepository } from '#domain/access/alert.ts';
import { batchPut } from './write.ts';

export class DynamoAlertRepository implements AlertRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async put(alerts: Alert[]): Promise<void> {
    if (alerts.length > 0)
      await batchPut(this.db, this.tableName, alerts as unknown as Record<string, unknown>[]);
  }
}
