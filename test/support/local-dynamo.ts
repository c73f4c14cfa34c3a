import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Adapters, adaptersFrom } from '#adapters/dependencies.ts';
import type { TableNames } from '#adapters/dynamo/tables.ts';
import { matchingModelFrom } from '#adapters/matching-model.ts';
import type { MatchingModel } from '#domain/matching/model.ts';
import { type DynamoDbLocal, ensureTables, startDynamoDbLocal, tableNames } from '#infra/local/dynamodb.ts';
import { readSettings, tableSettings } from '#runtime/settings.ts';

export interface DynamoFixture {
  dynamo: DynamoDbLocal;
  tables: TableNames;
  adapters: Adapters & { matching: MatchingModel };
}

/** An in-memory DynamoDB Local of this test file's own, with the shared table definitions. */
export async function startDynamoFixture(): Promise<DynamoFixture> {
  const dynamo = await startDynamoDbLocal();
  const tables = tableNames(`it-${randomBytes(3).toString('hex')}`);
  await ensureTables(dynamo.client, tables);
  const adapters = {
    matching: matchingModelFrom({}),
    ...adaptersFrom(
      readSettings('adapters', {
        ...tableSettings(tables),
        AWS_REGION: 'eu-west-2',
        DYNAMODB_ENDPOINT: dynamo.endpoint,
        ACCOUNT_CACHE_SECONDS: '0',
      }),
      { LOCAL_KEYRING_FILE: join(tmpdir(), `contactpoint-it-keyring-${process.pid}.json`) },
    ),
  };
  return { dynamo, tables, adapters };
}
