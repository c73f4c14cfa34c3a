import * as z from 'zod';
import { DynamoAuditTrailIndex } from '#adapters/dynamo/audit-index.ts';
import { documentClient } from '#adapters/dynamo/client.ts';

/** The oversight functions' one extra setting: the audit index table (read at cold start, no default). */
export function trailIndexFrom(env: NodeJS.ProcessEnv = process.env): DynamoAuditTrailIndex {
  const config = z
    .object({
      AWS_REGION: z.string().min(1),
      AUDIT_INDEX_TABLE: z.string().min(1),
      DYNAMODB_ENDPOINT: z.url().optional(),
    })
    .parse(env);
  return new DynamoAuditTrailIndex(
    documentClient(config.AWS_REGION, config.DYNAMODB_ENDPOINT),
    config.AUDIT_INDEX_TABLE,
  );
}
