import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { LimitKind, UsageWindow } from '#domain/access/limits.ts';
import { PreconditionFailedError } from '#domain/errors.ts';
import type { UsageCounter } from '#domain/ports.ts';
import { cancellationReasons, isTransactionConflict } from './errors.ts';
import { keys } from './keys.ts';
import { transactWrite } from './write.ts';

/** A window's counter outlives its window by a day, then DynamoDB's TTL removes it. */
const EXPIRY_MARGIN_SECONDS = 86_400;
/** One user's parallel requests touch the same counters: a transaction conflict is retried, not a 503. */
const CONFLICT_ATTEMPTS = 4;

/**
 * R10 per-user limits in DynamoDB: every window's counter is incremented in one transaction, each only
 * while under its limit, so concurrent requests can never pass a limit and a refused request counts
 * nowhere.
 */
export class DynamoUsageCounter implements UsageCounter {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async admit(userId: string, kind: LimitKind, windows: UsageWindow[]): Promise<UsageWindow | undefined> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.admitOnce(userId, kind, windows);
      } catch (error) {
        if (attempt >= CONFLICT_ATTEMPTS || !isTransactionConflict(error)) throw error;
        await new Promise((r) => setTimeout(r, 5 * 2 ** attempt * Math.random()));
      }
    }
  }

  private async admitOnce(
    userId: string,
    kind: LimitKind,
    windows: UsageWindow[],
  ): Promise<UsageWindow | undefined> {
    try {
      await transactWrite(
        this.db,
        windows.map((window) => ({
          Update: {
            TableName: this.tableName,
            Key: keys.usageCounter(userId, kind, window),
            UpdateExpression: 'ADD #hits :one SET #expiresAt = :expiresAt',
            ConditionExpression: 'attribute_not_exists(#hits) OR #hits < :limit',
            ExpressionAttributeNames: { '#hits': 'hits', '#expiresAt': 'expiresAt' },
            ExpressionAttributeValues: {
              ':one': 1,
              ':limit': window.limit,
              ':expiresAt': window.resetsAt + EXPIRY_MARGIN_SECONDS,
            },
          },
        })),
      );
      return undefined;
    } catch (error) {
      if (!(error instanceof PreconditionFailedError)) throw error;
      const reasons = cancellationReasons(error);
      const full = windows.filter((_, i) => reasons[i]?.Code === 'ConditionalCheckFailed');
      // The full window that resets last; without reasons, the longest: Retry-After never promises too early.
      return [...(full.length > 0 ? full : windows)].sort((a, b) => b.resetsAt - a.resetsAt)[0];
    }
  }
}
