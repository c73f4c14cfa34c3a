import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { readSettings, type Settings } from '#runtime/settings.ts';
import { IDEMPOTENCY_ATTRIBUTES } from './tables.ts';

/**
 * R8: where the answers to pushes sent with an Idempotency-Key are kept, for the Powertools idempotency
 * middleware (layers/http/idempotency.ts). The table is encrypted at rest with the data key like every table.
 *
 * It gets a DynamoDB client of its own: the shared document client translates a failed condition into
 * PreconditionFailedError (client.ts), and the library must see DynamoDB's ConditionalCheckFailedException
 * to know that a key is already taken.
 */
export function idempotencyStoreFrom(
  adapters: Settings<'adapters'> = readSettings('adapters'),
  config: Settings<'idempotency'> = readSettings('idempotency'),
): DynamoDBPersistenceLayer {
  const endpoint = adapters.DYNAMODB_ENDPOINT;
  const client = new DynamoDBClient({
    region: adapters.AWS_REGION,
    ...(endpoint && { endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
  });
  return new DynamoDBPersistenceLayer({
    tableName: config.IDEMPOTENCY_TABLE,
    awsSdkV3Client: client,
    ...IDEMPOTENCY_ATTRIBUTES,
  });
}
