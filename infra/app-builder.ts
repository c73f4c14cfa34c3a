import { App, Validations } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, ServerlessChecks } from 'cdk-nag';
import type { TableId } from '#adapters/dynamo/tables.ts';
import { isTriggeredBy, type SignInFunction, type WebFunction } from '#functions/define-function.ts';
import { FUNCTIONS } from '#functions/manifest.ts';
import { type SettingValues, tableSettings } from '#runtime/settings.ts';
import { environmentNamed } from './config/environments.ts';
import { loadIdentityProviders } from './config/identity-providers.ts';
import { tableBindings } from './constructs/table-bindings.ts';
import { ApiStack } from './stacks/api-stack.ts';
import { ArchiveStack } from './stacks/archive-stack.ts';
import { AuditStack } from './stacks/audit-stack.ts';
import { ConsoleEdgeStack } from './stacks/console-edge-stack.ts';
import { ConsoleStack } from './stacks/console-stack.ts';
import { DataStack } from './stacks/data-stack.ts';
import { FeedsStack } from './stacks/feeds-stack.ts';
import { IdentityStack } from './stacks/identity-stack.ts';
import { JobsStack } from './stacks/jobs-stack.ts';
import { KeysStack } from './stacks/keys-stack.ts';
import { MonitoringStack } from './stacks/monitoring-stack.ts';

/** How long an idle console session lasts, unless the environment says otherwise. */
const CONSOLE_SESSION_IDLE_MINUTES = 15;

const RETENTION: Record<number, RetentionDays> = {
  90: RetentionDays.THREE_MONTHS,
  180: RetentionDays.SIX_MONTHS,
  365: RetentionDays.ONE_YEAR,
  731: RetentionDays.TWO_YEARS,
};

/**
 * The whole deployment for one environment. Stateful stacks (keys, data, identity, audit) are apart
 * from stateless ones (api, jobs, console, monitoring), so functions can be redeployed without touching data.
 * Every function comes from the one manifest (functions/manifest.ts), by what triggers it.
 */
export function buildApp(options: { outdir?: string; environment?: string } = {}): App {
  const app = new App({
    ...(options.outdir && { outdir: options.outdir }),
    context: {
      // Server access logs delivered under a bucket policy, not ACLs (ACLs stay disabled everywhere).
      '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true,
      // A Distributed Map's ResultWriterV2 (the feed load's) is rendered only with this flag; without it CDK
      // renders the deprecated ResultWriter and drops V2's settings.
      '@aws-cdk/aws-stepfunctions:useDistributedMapResultWriterV2': true,
    },
  });
  const environment = environmentNamed(
    options.environment ?? app.node.tryGetContext('environment') ?? 'staging',
  );
  const env = { account: environment.account, region: environment.region };
  const prefix = `ContactPoint-${environment.name}`;
  const logRetention = RETENTION[environment.logRetentionDays] as RetentionDays;
  const stateful = { env, terminationProtection: true };

  const keys = new KeysStack(app, `${prefix}-Keys`, {
    ...stateful,
    environment,
    searchKeysFunctions: FUNCTIONS.filter((f) => f.settings.includes('searchKeys')).map((f) => f.name),
  });
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
    signInTrigger: FUNCTIONS.filter(isTriggeredBy('sign-in'))[0] as SignInFunction,
    logsKey: keys.logsKey,
    logRetention,
  });
  const audit = new AuditStack(app, `${prefix}-Audit`, {
    ...stateful,
    environment,
    auditKey: keys.auditKey,
    logsKey: keys.logsKey,
    logRetention,
    // Every table that holds people's data or the trail itself; the idempotency table too, since it keeps the
    // answers to pushes (involvements as returned to their callers) for a day.
    dataEventTables: Object.values(data.tables),
  });

  // R7: the archive of records that have left the live directory.
  const archive = new ArchiveStack(app, `${prefix}-Archive`, {
    ...stateful,
    environment,
    archiveKey: keys.archiveKey,
    accessLogsBucket: audit.accessLogsBucket,
  });

  // What every function is built with; each one's environment holds only the settings it declares.
  const settings: SettingValues = {
    ...tableSettings(
      Object.fromEntries(Object.entries(data.tables).map(([id, t]) => [id, t.tableName])) as Record<
        TableId,
        string
      >,
    ),
    ACCOUNT_CACHE_SECONDS: String(environment.accountCacheSeconds),
    USER_POOL_ID: identity.userPool.userPoolId,
    AUDIT_MAC_KEY_ID: keys.auditMacKey.keyArn,
    BLOCKING_KEY_SECRET_ID: keys.blockingKeySecret.secretArn,
    AUDIT_SEAL_BUCKET: audit.trailBucket.bucketName,
    ARCHIVE_BUCKET: archive.bucket.bucketName,
    ARCHIVE_KEY_ID: keys.archiveKey.keyArn,
    AUDIT_SEAL_LAG_SECONDS: String(environment.auditSealLagSeconds),
    MISUSE_DISTINCT_CHILDREN_PER_DAY: String(environment.misuse.distinctChildrenPerDay),
    MISUSE_OUT_OF_AREA_PER_DAY: String(environment.misuse.outOfAreaChildrenPerDay),
    MISUSE_UNUSUAL_HOURS: environment.misuse.unusualHours,
    POSTCODE_AUTHORITIES: JSON.stringify(environment.postcodeAuthorities),
    LIMIT_SEARCHES_PER_MINUTE: String(environment.userLimits.searchesPerMinute),
    LIMIT_SEARCHES_PER_DAY: String(environment.userLimits.searchesPerDay),
    LIMIT_VIEWS_PER_MINUTE: String(environment.userLimits.viewsPerMinute),
    LIMIT_VIEWS_PER_DAY: String(environment.userLimits.viewsPerDay),
    MAIL_FROM: environment.mail.from,
    CONSOLE_URL: environment.mail.consoleUrl,
  };
  const context = {
    tables: tableBindings(data.tables, keys),
    settings,
    userPoolArn: identity.userPool.userPoolArn,
    searchKeys: { secret: keys.blockingKeySecret, key: keys.blockingKeySecretKey },
    archive: {
      bucketArn: archive.bucketArn,
      bucketArnExportName: archive.bucketArnExportName,
      key: keys.archiveKey,
    },
    mail: { identityArn: identity.mailSender.emailIdentityArn, from: environment.mail.from },
    logsKey: keys.logsKey,
    logRetention,
    reservedConcurrency: environment.reservedConcurrency,
    auditSealRoleNames: keys.auditSealRoleNames,
    searchKeysRoleNames: keys.searchKeysRoleNames,
  };
  const api = new ApiStack(app, `${prefix}-Api`, {
    env,
    environment,
    functions: FUNCTIONS.filter(isTriggeredBy('http')),
    context,
    userPool: identity.userPool,
  });
  const jobs = new JobsStack(app, `${prefix}-Jobs`, {
    env,
    functions: FUNCTIONS.filter((f) => ['schedule', 'stream', 'job'].includes(f.trigger.kind)),
    context,
    auditSeals: {
      bucketArn: audit.sealBucketArn,
      bucketArnExportName: audit.sealBucketArnExportName,
      macKey: keys.auditMacKey,
      auditKey: keys.auditKey,
    },
  });
  // R8 national feed loads: the feeds bucket and the state machine that loads each file landing in it.
  const feeds = new FeedsStack(app, `${prefix}-Feeds`, {
    ...stateful,
    environment,
    functions: FUNCTIONS.filter(isTriggeredBy('feed-load')),
    context,
    feedsKey: keys.feedsKey,
    accessLogsBucket: audit.accessLogsBucket,
  });
  // The console (decision 0013): its web ACL and certificate where CloudFront requires them (us-east-1), and
  // CloudFront, the web function and the static assets in London, reading those two across regions.
  const edge = new ConsoleEdgeStack(app, `${prefix}-ConsoleEdge`, {
    env: { account: environment.account, region: 'us-east-1' },
    crossRegionReferences: true,
    environment,
    logRetention,
  });
  const consoleStack = new ConsoleStack(app, `${prefix}-Console`, {
    env,
    crossRegionReferences: true,
    environment,
    definition: FUNCTIONS.filter(isTriggeredBy('web'))[0] as WebFunction,
    context: {
      ...context,
      settings: {
        ...settings,
        SIGN_IN: 'hosted-ui',
        API_URL: api.api.url,
        SESSION_IDLE_MINUTES: String(environment.consoleSessionIdleMinutes ?? CONSOLE_SESSION_IDLE_MINUTES),
        HOSTED_UI_URL: identity.hostedUiUrl,
        CONSOLE_CLIENT_ID: identity.consoleClient.userPoolClientId,
      },
    },
    webAclArn: edge.webAcl.attrArn,
    certificate: edge.certificate,
  });

  new MonitoringStack(app, `${prefix}-Monitoring`, {
    env,
    environment,
    api: api.api,
    functions: [
      identity.signInTrigger,
      ...api.functions,
      ...jobs.functions,
      ...feeds.functions,
      consoleStack.function,
    ].map((f) => ({
      name: f.definition.name,
      fn: f.function,
    })),
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
