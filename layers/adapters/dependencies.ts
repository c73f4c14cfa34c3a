import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AuditLog, Dependencies, DirectoryRepository } from '#domain/ports.ts';
import { readSettings, type Settings } from '#runtime/settings.ts';
import { DynamoAuditSink } from './dynamo/audit-sink.ts';
import { DynamoChildRepository } from './dynamo/child-repository.ts';
import { documentClient } from './dynamo/client.ts';
import { DynamoDirectoryRepository } from './dynamo/directory-repository.ts';
import { DynamoInvolvementRepository } from './dynamo/involvement-repository.ts';
import { DynamoUsageCounter } from './dynamo/usage-counter.ts';
import { systemEnvironment } from './environment.ts';
import { blockingKeyHasherFrom } from './keys/blocking-key-hasher.ts';

export interface Adapters extends Dependencies {
  audit: AuditLog;
  directory: DirectoryRepository;
  accountCacheSeconds: number;
  /** The process's one DynamoDB client: a function's further repositories share it and its connections. */
  db: DynamoDBDocumentClient;
}

/** Wires the real adapters from validated configuration; handlers call this once, at cold start. */
export function adaptersFrom(
  config: Settings<'adapters'> = readSettings('adapters'),
  env: Record<string, string | undefined> = process.env,
): Adapters {
  const db = documentClient(config.AWS_REGION, config.DYNAMODB_ENDPOINT);
  return {
    children: new DynamoChildRepository(
      db,
      { children: config.CHILDREN_TABLE, audit: config.AUDIT_TABLE },
      blockingKeyHasherFrom(env),
    ),
    involvements: new DynamoInvolvementRepository(db, {
      involvements: config.INVOLVEMENTS_TABLE,
      audit: config.AUDIT_TABLE,
    }),
    audit: new DynamoAuditSink(db, config.AUDIT_TABLE),
    directory: new DynamoDirectoryRepository(db, {
      directory: config.DIRECTORY_TABLE,
      audit: config.AUDIT_TABLE,
    }),
    env: systemEnvironment,
    accountCacheSeconds: config.ACCOUNT_CACHE_SECONDS,
    db,
  };
}

/** R10 per-user limits for a route that reads a child: the counters and this deployment's limits. */
export function usageFrom(db: DynamoDBDocumentClient, config: Settings<'limits'> = readSettings('limits')) {
  return { counter: new DynamoUsageCounter(db, config.tableName), limits: config.limits };
}
