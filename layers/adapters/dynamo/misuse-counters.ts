import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { MisuseDay } from '#domain/audit/misuse.ts';
import { PreconditionFailedError } from '#domain/errors.ts';
import type { MisuseCounters } from '#domain/ports.ts';
import { cancellationReasons, isTransactionConflict } from './errors.ts';
import { keys } from './keys.ts';
import { type TransactItem, transactWrite } from './write.ts';

/** A day's counters outlive the day by one more day (late stream batches), then DynamoDB's TTL removes them. */
const KEPT_SECONDS = 2 * 86_400;
/** One transaction holds the day's summary and up to 99 markers. */
const MARKERS_PER_TRANSACTION = 99;
const CONFLICT_ATTEMPTS = 5;
const BATCH_GET_SIZE = 100;

function expiresAt(day: string): number {
  return Math.floor(Date.parse(`${day}T00:00:00.000Z`) / 1000) + KEPT_SECONDS;
}

/**
 * R10 per-user-day counters in DynamoDB. A child seen is counted by writing its marker (only if absent)
 * and adding to the day's summary in one transaction: a transaction cancelled by a marker's condition
 * means that child was already counted (a replayed batch, or seen earlier that day), and it is dropped
 * and the rest written again. So no child is ever counted twice, and each event costs writes in
 * proportion to its new children.
 */
export class DynamoMisuseCounters implements MisuseCounters {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async uncounted(userId: string, day: string, childIds: string[]): Promise<string[]> {
    const counted = new Set<string>();
    const unique = [...new Set(childIds)];
    for (let i = 0; i < unique.length; i += BATCH_GET_SIZE) {
      let requested: Record<string, unknown>[] = unique
        .slice(i, i + BATCH_GET_SIZE)
        .map((id) => keys.misuseDayChild(userId, day, id));
      for (let attempt = 0; requested.length > 0; attempt++) {
        if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 20 * 2 ** attempt)));
        const out = await this.db.send(
          new BatchGetCommand({
            RequestItems: {
              [this.tableName]: {
                Keys: requested,
                ConsistentRead: true,
                ProjectionExpression: '#item',
                ExpressionAttributeNames: { '#item': 'item' },
              },
            },
          }),
        );
        for (const item of out.Responses?.[this.tableName] ?? [])
          counted.add(String(item.item).slice('CHILD#'.length));
        requested = (out.UnprocessedKeys?.[this.tableName]?.Keys ?? []) as Record<string, unknown>[];
      }
    }
    return unique.filter((id) => !counted.has(id));
  }

  async count(
    userId: string,
    day: string,
    children: { childId: string; outOfArea: boolean }[],
  ): Promise<MisuseDay> {
    let pending = [...new Map(children.map((c) => [c.childId, c])).values()];
    let conflicts = 0;
    while (pending.length > 0) {
      const chunk = pending.slice(0, MARKERS_PER_TRANSACTION);
      try {
        await transactWrite(this.db, this.counting(userId, day, chunk));
        pending = pending.slice(chunk.length);
      } catch (error) {
        const reasons = cancellationReasons(error);
        if (error instanceof PreconditionFailedError && reasons.length > 0) {
          // Markers come first in the transaction, in chunk order; a failed condition is a child already counted.
          const counted = new Set(
            chunk.flatMap((c, i) => (reasons[i]?.Code === 'ConditionalCheckFailed' ? [c.childId] : [])),
          );
          if (counted.size === 0) throw error;
          pending = pending.filter((c) => !counted.has(c.childId));
        } else if (isTransactionConflict(error) && ++conflicts < CONFLICT_ATTEMPTS) {
          await new Promise((r) => setTimeout(r, 10 * 2 ** conflicts * Math.random()));
        } else {
          throw error;
        }
      }
    }
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.misuseDay(userId, day), ConsistentRead: true }),
    );
    return {
      distinctChildren: Number(Item?.distinctChildren ?? 0),
      outOfAreaChildren: Number(Item?.outOfAreaChildren ?? 0),
      alerted: [...((Item?.alerted as Set<string> | undefined) ?? [])],
    };
  }

  async markAlerted(userId: string, day: string, rule: string): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.misuseDay(userId, day),
        UpdateExpression: 'ADD #alerted :rule SET #expiresAt = :expiresAt',
        ExpressionAttributeNames: { '#alerted': 'alerted', '#expiresAt': 'expiresAt' },
        ExpressionAttributeValues: { ':rule': new Set([rule]), ':expiresAt': expiresAt(day) },
      }),
    );
  }

  private counting(
    userId: string,
    day: string,
    chunk: { childId: string; outOfArea: boolean }[],
  ): TransactItem[] {
    const expiry = expiresAt(day);
    return [
      ...chunk.map(
        (c): TransactItem => ({
          Put: {
            TableName: this.tableName,
            Item: { ...keys.misuseDayChild(userId, day, c.childId), expiresAt: expiry },
            ConditionExpression: 'attribute_not_exists(#item)',
            ExpressionAttributeNames: { '#item': 'item' },
          },
        }),
      ),
      {
        Update: {
          TableName: this.tableName,
          Key: keys.misuseDay(userId, day),
          UpdateExpression: 'ADD #distinct :distinct, #outOfArea :outOfArea SET #expiresAt = :expiresAt',
          ExpressionAttributeNames: {
            '#distinct': 'distinctChildren',
            '#outOfArea': 'outOfAreaChildren',
            '#expiresAt': 'expiresAt',
          },
          ExpressionAttributeValues: {
            ':distinct': chunk.length,
            ':outOfArea': chunk.filter((c) => c.outOfArea).length,
            ':expiresAt': expiry,
          },
        },
      },
    ];
  }
}
