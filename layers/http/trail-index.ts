import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { DynamoAuditTrailIndex } from '#adapters/dynamo/audit-index.ts';

/** The one extra setting of the functions that read or file the audit index (no default). */
export const AuditIndexConfigSchema = z.object({ AUDIT_INDEX_TABLE: z.string().min(1) });

/** The audit index on the function's own DynamoDB client; its table is read once, at cold start. */
export function trailIndexFrom(
  db: DynamoDBDocumentClient,
  env: NodeJS.ProcessEnv = process.env,
): DynamoAuditTrailIndex {
  return new DynamoAuditTrailIndex(db, AuditIndexConfigSchema.parse(env).AUDIT_INDEX_TABLE);
}
