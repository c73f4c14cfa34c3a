import { createHash } from 'node:crypto';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Adapters } from '#adapters/dependencies.ts';
import type { Alert } from '#domain/alerts/alert.ts';
import type { AlertPreferences, ChildAlert, InboxAlert } from '#domain/alerts/child-alert.ts';
import { PreconditionFailedError } from '#domain/errors.ts';
import type { Inbox } from '#domain/ports.ts';
import { readSettings } from '#runtime/settings.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { keys } from './keys.ts';
import { AWAITING_DIGEST_INDEX } from './tables.ts';

const INDEX_ATTRIBUTES = ['digestShard', 'digestAt'] as const;

/** An alert as stored in its recipient's inbox: waiting for the daily digest until it is announced or read. */
export function inboxItem(alert: ChildAlert | Alert): Record<string, unknown> {
  return {
    ...alert,
    ...keys.inboxAlert(alert.recipientId, alert.alertId),
    ...keys.awaitingDigestIndexes(alert.recipientId, alert.alertId),
  };
}

function strip(item: Record<string, unknown>): InboxAlert {
  const alert = { ...item };
  for (const attribute of INDEX_ATTRIBUTES) delete alert[attribute];
  return alert as unknown as InboxAlert;
}

/** A short stable digest for alert IDs (never a child's details in clear in a key). */
export function alertFingerprint(material: string): string {
  return createHash('sha256').update(material, 'utf8').digest('hex').slice(0, 16);
}

/** R9: each user's inbox in the alerts table. */
export class DynamoInbox implements Inbox {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async deliver(alerts: ChildAlert[]): Promise<void> {
    // One conditional put each: a retried stream batch finds its alerts there and leaves them (read or not).
    await Promise.all(
      alerts.map(async (alert) => {
        try {
          await this.db.send(
            new PutCommand({
              TableName: this.tableName,
              Item: inboxItem(alert),
              ConditionExpression: 'attribute_not_exists(alertId)',
            }),
          );
        } catch (error) {
          if (!(error instanceof PreconditionFailedError)) throw error;
        }
      }),
    );
  }

  async list(
    recipientId: string,
    query: { limit: number; cursor?: string | undefined; unreadOnly: boolean; now: Date },
  ): Promise<{ alerts: InboxAlert[]; next?: string | undefined }> {
    const page = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'recipientId = :recipient',
        // TTL deletes expired items within days, not at once: an expired alert is never shown meanwhile.
        FilterExpression: `expiresAt > :now${query.unreadOnly ? ' AND attribute_not_exists(readAt)' : ''}`,
        ExpressionAttributeValues: {
          ':recipient': recipientId,
          ':now': Math.floor(query.now.getTime() / 1000),
        },
        ScanIndexForward: false,
        Limit: query.limit,
        ...(query.cursor && {
          ExclusiveStartKey: decodeCursor(
            query.cursor,
            // Only ever a position in the caller's own inbox.
            (key) =>
              Object.keys(key).sort().join(',') === 'alertId,recipientId' &&
              key.recipientId === recipientId &&
              typeof key.alertId === 'string',
            'inbox',
          ),
        }),
      }),
    );
    return {
      alerts: (page.Items ?? []).map(strip),
      ...(page.LastEvaluatedKey && { next: encodeCursor(page.LastEvaluatedKey) }),
    };
  }

  async markRead(recipientId: string, alertId: string, at: string): Promise<InboxAlert | undefined> {
    try {
      const { Attributes } = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.inboxAlert(recipientId, alertId),
          // Read first keeps the first time; a read alert needs no digest.
          UpdateExpression: 'SET readAt = if_not_exists(readAt, :at) REMOVE digestShard, digestAt',
          ConditionExpression: 'attribute_exists(alertId)',
          ExpressionAttributeValues: { ':at': at },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return Attributes ? strip(Attributes) : undefined;
    } catch (error) {
      if (error instanceof PreconditionFailedError) return undefined;
      throw error;
    }
  }

  async preferencesOf(userId: string): Promise<AlertPreferences | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.alertPreferences(userId), ConsistentRead: true }),
    );
    return Item ? { digest: Item.digest === true } : undefined;
  }

  async setPreferences(userId: string, preferences: AlertPreferences, at: string): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.alertPreferences(userId), digest: preferences.digest, updatedAt: at },
      }),
    );
  }

  async *awaitingDigest(): AsyncIterable<{ recipientId: string; alertId: string }[]> {
    for (const shard of keys.digestShards()) {
      let start: Record<string, unknown> | undefined;
      do {
        const page = await this.db.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: AWAITING_DIGEST_INDEX,
            KeyConditionExpression: 'digestShard = :shard',
            ExpressionAttributeValues: { ':shard': shard },
            ExclusiveStartKey: start,
          }),
        );
        yield (page.Items ?? []).map((item) => ({
          recipientId: item.recipientId as string,
          alertId: item.alertId as string,
        }));
        start = page.LastEvaluatedKey;
      } while (start);
    }
  }

  async announced(alerts: { recipientId: string; alertId: string }[]): Promise<void> {
    for (const alert of alerts) {
      try {
        await this.db.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: keys.inboxAlert(alert.recipientId, alert.alertId),
            UpdateExpression: 'REMOVE digestShard, digestAt',
            // An alert deleted meanwhile (expired, its child archived) is not written back.
            ConditionExpression: 'attribute_exists(alertId)',
          }),
        );
      } catch (error) {
        if (!(error instanceof PreconditionFailedError)) throw error;
      }
    }
  }

  async removeForChild(childId: string, recipientIds: readonly string[]): Promise<number> {
    let removed = 0;
    for (const recipientId of new Set(recipientIds)) {
      let start: Record<string, unknown> | undefined;
      do {
        const page = await this.db.send(
          new QueryCommand({
            TableName: this.tableName,
            KeyConditionExpression: 'recipientId = :recipient',
            FilterExpression: 'childId = :child',
            ExpressionAttributeValues: { ':recipient': recipientId, ':child': childId },
            ProjectionExpression: 'recipientId, alertId',
            ExclusiveStartKey: start,
          }),
        );
        for (const item of page.Items ?? []) {
          await this.db.send(
            new DeleteCommand({
              TableName: this.tableName,
              Key: keys.inboxAlert(item.recipientId as string, item.alertId as string),
            }),
          );
          removed++;
        }
        start = page.LastEvaluatedKey;
      } while (start);
    }
    return removed;
  }
}

/** The inbox on the function's own client; its table is read once, at cold start. */
export function inboxFrom(
  adapters: Pick<Adapters, 'db'>,
  tableName: string = readSettings('alerts').ALERTS_TABLE,
): DynamoInbox {
  return new DynamoInbox(adapters.db, tableName);
}
