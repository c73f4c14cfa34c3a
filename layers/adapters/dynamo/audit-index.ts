import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditEvent } from '#domain/audit/event.ts';
import { type TrailEntry, type TrailSubject, trailEntry, trailSubjects } from '#domain/audit/trail.ts';
import type { AuditTrailIndex } from '#domain/ports.ts';
import { readSettings } from '#runtime/settings.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { keys } from './keys.ts';
import { batchPut } from './write.ts';

/** One item of the audit index: an event's entry filed under one child or user it concerns. */
export type TrailIndexItem = TrailEntry & { subject: string; atEvent: string };

/**
 * The index items derived from events: the one derivation, used to file them and by the verifier to
 * check the index against the sealed events (R6), so the two can never disagree about what is right.
 */
export function trailIndexItems(events: AuditEvent[]): TrailIndexItem[] {
  return events.flatMap((event) =>
    trailSubjects(event).map((subject) => ({
      subject: keys.trailSubject(subject),
      atEvent: `${event.at}#${event.eventId}`,
      ...trailEntry(event, subject),
    })),
  );
}

/** The audit trail filed under each child and user it concerns; newest first when read. */
export class DynamoAuditTrailIndex implements AuditTrailIndex {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async file(events: AuditEvent[]): Promise<void> {
    const items = trailIndexItems(events);
    if (items.length > 0) await batchPut(this.db, this.tableName, items);
  }

  async page(
    trailSubject: TrailSubject,
    query: { from?: string | undefined; to?: string | undefined; limit: number; cursor?: string | undefined },
  ): Promise<{ entries: TrailEntry[]; next?: string | undefined }> {
    const subject = keys.trailSubject(trailSubject);
    const from = query.from ?? '0000';
    const to = `${query.to ?? '9999'}~`;
    const page = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'subject = :subject AND atEvent BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':subject': subject, ':from': from, ':to': to },
        ScanIndexForward: false,
        Limit: query.limit,
        ...(query.cursor && {
          ExclusiveStartKey: decodeCursor(
            query.cursor,
            // Only ever a position in the same subject's history.
            (key) =>
              key.subject === subject && typeof key.atEvent === 'string' && Object.keys(key).length === 2,
            'history',
          ),
        }),
      }),
    );
    const entries = (page.Items ?? []).map(({ subject: _s, atEvent: _a, ...entry }) => entry as TrailEntry);
    return { entries, ...(page.LastEvaluatedKey && { next: encodeCursor(page.LastEvaluatedKey) }) };
  }
}

/** The audit index on the function's own DynamoDB client; its table is read once, at cold start. */
export function trailIndexFrom(
  db: DynamoDBDocumentClient,
  tableName: string = readSettings('auditIndex').AUDIT_INDEX_TABLE,
): DynamoAuditTrailIndex {
  return new DynamoAuditTrailIndex(db, tableName);
}
