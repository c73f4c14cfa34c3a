import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { translateStorageError } from './errors.ts';

/**
 * The one DynamoDB client configuration. Errors are translated once, here, after the SDK's own
 * retries: every repository sees PreconditionFailedError or StorageUnavailableError, never SDK errors.
 */
export function documentClient(region: string, endpoint?: string): DynamoDBDocumentClient {
  const client = new DynamoDBClient({
    region,
    ...(endpoint && { endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
  });
  const db = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertEmptyValues: false },
  });
  db.middlewareStack.add(
    (next) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        throw translateStorageError(error);
      }
    },
    { step: 'initialize', name: 'translateStorageErrors' },
  );
  return db;
}
