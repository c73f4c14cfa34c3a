import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { TableId } from '#adapters/dynamo/tables.ts';
import type { Environment } from '../config/environments.ts';

/** The settings every function that uses the adapters reads at cold start (layers/adapters/config.ts). */
export function tableEnvironment(
  tables: Record<TableId, ITable>,
  environment: Environment,
): Record<string, string> {
  return {
    CHILDREN_TABLE: tables.children.tableName,
    INVOLVEMENTS_TABLE: tables.involvements.tableName,
    AUDIT_TABLE: tables.audit.tableName,
    DIRECTORY_TABLE: tables.directory.tableName,
    ACCOUNT_CACHE_SECONDS: String(environment.accountCacheSeconds),
  };
}
