import { type DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditEvent } from '#domain/audit/event.ts';
import type { ContactRequest } from '#domain/contact/request.ts';
import type { ContactRequestRepository } from '#domain/ports.ts';
import { readSettings } from '#runtime/settings.ts';
import type { Adapters } from '../dependencies.ts';
import { auditPut } from './audit-sink.ts';
import { keys } from './keys.ts';
import { CONTACT_REQUESTS_BY_BROKER_INDEX } from './tables.ts';
import { transactWrite } from './write.ts';

const QUEUE_LIMIT = 200;

export class DynamoContactRequestRepository implements ContactRequestRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tables: { contactRequests: string; audit: string },
  ) {}

  private item(request: ContactRequest) {
    return {
      ...request,
      ...keys.contactRequest(request.childId, request.requestId),
      statusOpenedAt: keys.contactRequestQueue(request.status, request.openedAt),
    };
  }

  async create(request: ContactRequest, audit: AuditEvent): Promise<void> {
    await transactWrite(this.db, [
      {
        Put: {
          TableName: this.tables.contactRequests,
          Item: this.item(request),
          ConditionExpression: 'attribute_not_exists(requestId)',
        },
      },
      { Put: auditPut(this.tables.audit, audit) },
    ]);
  }

  async get(childId: string, requestId: string): Promise<ContactRequest | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.tables.contactRequests,
        Key: keys.contactRequest(childId, requestId),
        ConsistentRead: true,
      }),
    );
    return Item ? strip(Item) : undefined;
  }

  async listForChild(childId: string): Promise<ContactRequest[]> {
    const { Items } = await this.db.send(
      new QueryCommand({
        TableName: this.tables.contactRequests,
        KeyConditionExpression: 'childId = :child',
        ExpressionAttributeValues: { ':child': childId },
      }),
    );
    return (Items ?? []).map(strip);
  }

  async listForBroker(authority: string, status: ContactRequest['status']): Promise<ContactRequest[]> {
    const { Items } = await this.db.send(
      new QueryCommand({
        TableName: this.tables.contactRequests,
        IndexName: CONTACT_REQUESTS_BY_BROKER_INDEX,
        KeyConditionExpression: 'brokerAuthority = :authority AND begins_with(statusOpenedAt, :status)',
        ExpressionAttributeValues: { ':authority': authority, ':status': `${status}#` },
        ScanIndexForward: false,
        Limit: QUEUE_LIMIT,
      }),
    );
    return (Items ?? []).map(strip);
  }

  async replace(next: ContactRequest, expectedVersion: number, audit: AuditEvent): Promise<void> {
    await transactWrite(this.db, [
      {
        Put: {
          TableName: this.tables.contactRequests,
          Item: this.item(next),
          ConditionExpression: 'version = :expected',
          ExpressionAttributeValues: { ':expected': expectedVersion },
        },
      },
      { Put: auditPut(this.tables.audit, audit) },
    ]);
  }
}

function strip(item: Record<string, unknown>): ContactRequest {
  const { statusOpenedAt: _queue, ...request } = item;
  return request as unknown as ContactRequest;
}

/** The repository on the function's own client; its table is read once, at cold start. */
export function contactRequestsFrom(
  adapters: Pick<Adapters, 'db'>,
  settings = { ...readSettings('contactRequests'), ...readSettings('adapters') },
): DynamoContactRequestRepository {
  return new DynamoContactRequestRepository(adapters.db, {
    contactRequests: settings.CONTACT_REQUESTS_TABLE,
    audit: settings.AUDIT_TABLE,
  });
}
