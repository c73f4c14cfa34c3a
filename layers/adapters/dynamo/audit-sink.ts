import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditEvent } from '#domain/audit/event.ts';
import { AuditUnavailableError, PreconditionFailedError } from '#domain/errors.ts';
import type { AuditLog } from '#domain/ports.ts';
import { keys } from './keys.ts';

/** The Put that appends an audit event: never an overwrite (R6, append-only). */
export function auditPut(tableName: string, event: AuditEvent) {
  return {
    TableName: tableName,
    Item: event,
    ConditionExpression: 'attribute_not_exists(eventId)',
  };
}

export class DynamoAuditSink implements AuditLog {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** R6 fail-closed: any failure becomes AuditUnavailableError, and the caller returns no data. */
  async record(event: AuditEvent): Promise<void> {
    // An event ID already taken cannot be written again (append-only): no audit event, no data.
    if (!(await this.recordOnce(event))) throw new AuditUnavailableError();
  }

  async recordOnce(event: AuditEvent): Promise<boolean> {
    try {
      await this.db.send(new PutCommand(auditPut(this.tableName, event)));
      return true;
    } catch (error) {
      if (error instanceof PreconditionFailedError) return false;
      throw new AuditUnavailableError({ cause: error });
    }
  }

  async find(eventId: string): Promise<AuditEvent | undefined> {
    try {
      const { Item } = await this.db.send(
        new GetCommand({ TableName: this.tableName, Key: keys.auditEvent(eventId), ConsistentRead: true }),
      );
      return Item as AuditEvent | undefined;
    } catch (error) {
      throw new AuditUnavailableError({ cause: error });
    }
  }
}
