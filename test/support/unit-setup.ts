import 'aws-sdk-client-mock-vitest/extend';

// Handlers read configuration once at import; unit tests import them with these settings.
Object.assign(process.env, {
  AWS_REGION: 'eu-west-2',
  CHILDREN_TABLE: 'unit-children',
  INVOLVEMENTS_TABLE: 'unit-involvements',
  AUDIT_TABLE: 'unit-audit',
  DIRECTORY_TABLE: 'unit-directory',
  ACCOUNT_CACHE_SECONDS: '0',
  USER_POOL_ID: 'eu-west-2_unit',
  AUDIT_INDEX_TABLE: 'unit-audit-index',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  POWERTOOLS_METRICS_DISABLED: 'true',
});
