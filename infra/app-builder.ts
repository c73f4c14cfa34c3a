import { App, Validations } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, ServerlessChecks } from 'cdk-nag';
import { ROUTES } from '#http/routes.ts';
import { environmentNamed } from './config/environments.ts';
import { loadIdentityProviders } from './config/identity-providers.ts';
import { ApiStack } from './stacks/api-stack.ts';
import { AuditStack } from './stacks/audit-stack.ts';
import { DataStack } from './stacks/data-stack.ts';
import { IdentityStack } from './stacks/identity-stack.ts';
import { KeysStack } from './stacks/keys-stack.ts';
import { MonitoringStack } from './stacks/monitoring-stack.ts';

const RETENTION: Record<number, RetentionDays> = {
  90: RetentionDays.THREE_MONTHS,
  180: RetentionDays.SIX_MONTHS,
  365: RetentionDays.ONE_YEAR,
  731: RetentionDays.TWO_YEARS,
};

/**
 * The whole deployment for one environment. Stateful stacks (keys, data, identity, audit) are apart
 * from stateless ones (api, monitoring), so the API can be redeployed without touching data.
 */
export function buildApp(options: { outdir?: string; environment?: string } = {}): App {
  const app = new App({
    ...(options.outdir && { outdir: options.outdir }),
    context: {
      // Server access logs delivered under a bucket policy, not ACLs (ACLs stay disabled everywhere).
      '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true,
    },
  });
  const environment = environmentNamed(
    options.environment ?? app.node.tryGetContext('environment') ?? 'staging',
  );
  const env = { account: environment.account, region: environment.region };
  const prefix = `ContactPoint-${environment.name}`;
  const logRetention = RETENTION[environment.logRetentionDays] as RetentionDays;
  const stateful = { env, terminationProtection: true };

  const keys = new KeysStack(app, `${prefix}-Keys`, { ...stateful, environment });
  const data = new DataStack(app, `${prefix}-Data`, {
    ...stateful,
    environment,
    dataKey: keys.dataKey,
    auditKey: keys.auditKey,
  });
  const identity = new IdentityStack(app, `${prefix}-Identity`, {
    ...stateful,
    environment,
    identityProviders: loadIdentityProviders(),
    logsKey: keys.logsKey,
    logRetention,
  });
  const audit = new AuditStack(app, `${prefix}-Audit`, {
    ...stateful,
    environment,
    auditKey: keys.auditKey,
    logsKey: keys.logsKey,
    logRetention,
    dataEventTables: [data.tables.children, data.tables.involvements, data.tables.audit],
    auditTable: data.tables.audit,
    auditIndexTable: data.tables.auditIndex,
    tables: data.tables,
    dataKey: keys.dataKey,
    auditMacKey: keys.auditMacKey,
    reservedConcurrency: environment.reservedConcurrency,
  });
  const api = new ApiStack(app, `${prefix}-Api`, {
    env,
    environment,
    routes: ROUTES,
    userPool: identity.userPool,
    tables: data.tables,
    dataKey: keys.dataKey,
    auditKey: keys.auditKey,
    logsKey: keys.logsKey,
    logRetention,
  });
  new MonitoringStack(app, `${prefix}-Monitoring`, {
    env,
    environment,
    api: api.api,
    functions: [
      ...api.functions.map((f, i) => ({ name: ROUTES[i]?.functionName ?? f.node.id, fn: f.function })),
      { name: 'suspend-expired-accounts', fn: api.expiryJob.function },
      { name: 'seal-audit-events', fn: audit.sealerFunction.function },
      { name: 'verify-audit-trail', fn: audit.verifierFunction.function },
    ],
    tables: data.tables,
    webAcl: api.webAcl,
    alarmTopic: audit.alarmTopic,
  });

  // Each acknowledgement sits beside the construct it concerns, with its reason; the list with the
  // argument for each is docs/security/nag-acknowledgements.md, kept in step by an infra test.
  Validations.of(app).addPlugins(
    new AwsSolutionsChecks(app),
    new HIPAASecurityChecks(app),
    new NIST80053R5Checks(app),
    new ServerlessChecks(app),
  );
  return app;
}
