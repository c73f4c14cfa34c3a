import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import type { ChildRecord } from '#domain/child/record.ts';
import type { Involvement } from '#domain/involvement/schema.ts';
import type { StreamChange } from '#domain/use-cases/child-alerts.ts';
import { recordOf } from './child-repository.ts';
import { involvementOf } from './involvement-repository.ts';
import { CHILD_RECORD_SK } from './tables.ts';

function imagesOf(record: DynamoDBRecord) {
  const read = (image: unknown) => (image ? unmarshall(image as Record<string, AttributeValue>) : undefined);
  return { before: read(record.dynamodb?.OldImage), after: read(record.dynamodb?.NewImage) };
}

/**
 * When the change was made: the item's own `updatedAt` (to the millisecond, written with the change, so an
 * inbox lists alerts in the order of their changes), else the stream's approximate time.
 */
function madeAt(record: DynamoDBRecord, after: Record<string, unknown>): string {
  const updatedAt = after.updatedAt;
  if (typeof updatedAt === 'string' && !Number.isNaN(Date.parse(updatedAt)))
    return new Date(updatedAt).toISOString();
  const seconds = record.dynamodb?.ApproximateCreationDateTime ?? Date.now() / 1000;
  return new Date(seconds * 1000).toISOString();
}

/**
 * A change to a child's record item from the children table's stream; undefined for anything else the table
 * holds (search keys, feed rows, claims, archive entries) and for a record removed (it has left, R7).
 */
export function recordChangeOf(record: DynamoDBRecord): StreamChange<ChildRecord> | undefined {
  const { before, after } = imagesOf(record);
  if (!after || after.sk !== CHILD_RECORD_SK || !record.eventID) return undefined;
  return {
    eventId: record.eventID,
    at: madeAt(record, after),
    before: before ? recordOf(before) : undefined,
    after: recordOf(after),
  };
}

/** A change to an involvement from the involvements table's stream (one item per involvement). */
export function involvementChangeOf(record: DynamoDBRecord): StreamChange<Involvement> | undefined {
  const { before, after } = imagesOf(record);
  if (!after || !record.eventID) return undefined;
  return {
    eventId: record.eventID,
    at: madeAt(record, after),
    before: before ? involvementOf(before) : undefined,
    after: involvementOf(after),
  };
}
