import {
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** All-or-nothing write of several items (the client translates failures: 412 or 503). */
export async function transactWrite(db: DynamoDBDocumentClient, items: TransactItem[]): Promise<void> {
  await db.send(new TransactWriteCommand({ TransactItems: items }));
}

const BATCH_SIZE = 25;
const PARALLEL_BATCHES = 4;

/** Bulk load (seeding, benchmark data): batches of 25, a few at a time, unprocessed items retried. */
export async function batchPut(
  db: DynamoDBDocumentClient,
  tableName: string,
  items: Record<string, unknown>[],
): Promise<void> {
  const batches: Record<string, unknown>[][] = [];
  for (let i = 0; i < items.length; i += BATCH_SIZE) batches.push(items.slice(i, i + BATCH_SIZE));
  let next = 0;
  const worker = async () => {
    while (next < batches.length) {
      const batch = batches[next++] as Record<string, unknown>[];
      let requests = batch.map((Item) => ({ PutRequest: { Item } }));
      for (let attempt = 0; requests.length > 0; attempt++) {
        if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 20 * 2 ** attempt)));
        const out = await db.send(new BatchWriteCommand({ RequestItems: { [tableName]: requests } }));
        requests = (out.UnprocessedItems?.[tableName] ?? []) as typeof requests;
      }
    }
  };
  await Promise.all(Array.from({ length: PARALLEL_BATCHES }, worker));
}

const MAX_TRANSACTION_ITEMS = 100;

/**
 * Bulk load of groups that belong together (a child's record with its search keys): each group lands
 * whole or not at all, packed up to 100 items a transaction, a few transactions at a time. Loading the
 * same groups again overwrites them with the same items. DynamoDB Local commits a transaction at once
 * rather than item by item, which makes seeding about twice as fast as batches of 25.
 */
export async function putGroups(
  db: DynamoDBDocumentClient,
  tableName: string,
  groups: Record<string, unknown>[][],
): Promise<void> {
  const transactions: Record<string, unknown>[][] = [];
  let current: Record<string, unknown>[] = [];
  for (const group of groups) {
    if (group.length > MAX_TRANSACTION_ITEMS)
      throw new Error(`A group of ${group.length} items cannot be written whole`);
    if (current.length + group.length > MAX_TRANSACTION_ITEMS) {
      transactions.push(current);
      current = [];
    }
    current.push(...group);
  }
  if (current.length > 0) transactions.push(current);
  let next = 0;
  const worker = async () => {
    while (next < transactions.length) {
      const items = transactions[next++] as Record<string, unknown>[];
      await transactWrite(
        db,
        items.map((Item) => ({ Put: { TableName: tableName, Item } })),
      );
    }
  };
  await Promise.all(Array.from({ length: PARALLEL_BATCHES }, worker));
}
