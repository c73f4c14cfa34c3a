import { randomBytes } from 'node:crypto';
import { CreateTableCommand, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TABLES } from '#adapters/dynamo/tables.ts';
import {
  createTableInput,
  type DynamoDbLocal,
  ensureTables,
  startDynamoDbLocal,
  tableNames,
} from '#infra/local/dynamodb.ts';

let dynamo: DynamoDbLocal;
beforeAll(async () => {
  dynamo = await startDynamoDbLocal();
});
afterAll(async () => {
  await dynamo?.stop();
});

describe('the local stand-in’s tables', () => {
  it('gains the indexes its definitions have added since a kept local table was made (R7: byOwnerChild, byNotChild)', async () => {
    const names = tableNames(`kept-${randomBytes(3).toString('hex')}`);
    // The children table as made before the indexes on who an item names existed.
    const older = {
      ...TABLES.children,
      indexes: TABLES.children.indexes.filter((i) => !['byOwnerChild', 'byNotChild'].includes(i.indexName)),
    };
    await dynamo.client.send(new CreateTableCommand(createTableInput(older, names.children)));
    const created = await ensureTables(dynamo.client, names);
    expect(created).not.toContain('children');
    const { Table } = await dynamo.client.send(new DescribeTableCommand({ TableName: names.children }));
    expect((Table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName).sort()).toEqual(
      TABLES.children.indexes.map((i) => i.indexName).sort(),
    );
    // Nothing more to add the next time.
    await expect(ensureTables(dynamo.client, names)).resolves.toEqual([]);
  });
});
