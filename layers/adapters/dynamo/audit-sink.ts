import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditEvent } from '#domain/audit/event.ts';
import { AuditUnavailableError } from '#domain/errors.ts';
import type { AuditSink } from '#domain/ports.ts';

/** The Put that appends an audit event: never an overwrite (R6, append-only). */
export function auditPut(tableName: string, event: AuditEvent) {
  return {
    TableName: tableName,
    Item: event,
    ConditionExpression: 'attribute_not_exists(eventId)',
  };
}

export class DynamoAuditSink implements AuditSink {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** R6 fail-closed: any failure becomes AuditUnavailableError, and the caller returns no data. */
  async record(event: AuditEvent): Promise<void> {
    try {
      await this.db.send(new PutCommand(auditPut(this.tableName, event)));
    } catch (error) {
      throw new AuditUnavailableError({ cause: error });
    }
  }
}
