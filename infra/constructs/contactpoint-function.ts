import { join } from 'node:path';
import { Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, ManagedPolicy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Architecture, type CfnFunction, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { type CfnLogGroup, LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ARCHIVE_PREFIX } from '#adapters/archive/child-archive.ts';
import { type IndexDefinition, TABLES, type TableId } from '#adapters/dynamo/tables.ts';
import type { FunctionDefinition } from '#functions/define-function.ts';
import { environmentFor, PROVIDED_BY_LAMBDA, type SettingValues } from '#runtime/settings.ts';
import { BUNDLE, copyRuntimeFilesCommands, runtimeFilesOf } from './bundling.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const READS = new Set(['GetItem', 'BatchGetItem', 'Query', 'Scan']);

export interface TableBinding {
  table: ITable;
  key: IKey;
}

/** What every function of a stack is built with: the tables and their keys, the setting values, logging. */
export interface FunctionContext {
  tables: Partial<Record<TableId, TableBinding>>;
  /** Values for the settings functions read; each function gets exactly the groups it declares. */
  settings: SettingValues;
  /** The user pool a function with identity actions administers. */
  userPoolArn?: string;
  /** The blocking-key secret and its key, which a function declaring the `searchKeys` settings reads. */
  searchKeys?: { secret: ISecret; key: IKey };
  logsKey: IKey;
  logRetention: RetentionDays;
  reservedConcurrency: number;
  /**
   * The fixed role names of the audit chain's sealer and verifier, which the HMAC key's policy names
   * (infra/constructs/names.ts auditSealRoleName); every other role gets a generated name.
   */
  auditSealRoleNames?: Record<'seal' | 'verify', string>;
  /** R7: the archive bucket and its key, for a function that declares `archive` (definition.archive). */
  archive?: ArchiveResources;
  /** R9: the SES identity a function that sends mail (definition.sendsMail) sends from, and its one address. */
  mail?: { identityArn: string; from: string };
  /**
   * By function name, the fixed role names of the functions that declare the `searchKeys` settings, which
   * the blocking-key secret's resource policy and its key's policy name (names.ts searchKeysRoleName).
   */
  searchKeysRoleNames?: Record<string, string>;
}

/** R7: the archive bucket, imported by the name the archive stack exports its ARN under, and its key. */
export interface ArchiveResources {
  bucketArn: string;
  bucketArnExportName: string;
  key: IKey;
}

export interface ContactPointFunctionProps {
  /** The function's own declaration (functions/<name>/schema.ts). */
  definition: FunctionDefinition;
  context: FunctionContext;
  /** Overrides the context's, e.g. 1 for a job that must never run twice at once. */
  reservedConcurrency?: number;
  /** For a function invoked asynchronously (a schedule): where events that keep failing are kept. */
  deadLetterQueue?: IQueue;
  /** Further least-privilege statements (e.g. a stream consumer's), kept in the same managed policy. */
  extraStatements?: PolicyStatement[];
  /** Why a Lambda dead-letter queue does not apply, when the function has none. */
  noDeadLetterQueueBecause?: string;
}

/**
 * Reading the blocking-key secret: its current value only (no listing, no other secret), and decrypting it
 * through Secrets Manager, for this secret alone (its encryption context names it).
 */
function searchKeysStatements(searchKeys: { secret: ISecret; key: IKey }, region: string): PolicyStatement[] {
  return [
    new PolicyStatement({
      sid: 'ReadBlockingKeySecret',
      actions: ['secretsmanager:GetSecretValue'],
      resources: [searchKeys.secret.secretArn],
    }),
    new PolicyStatement({
      sid: 'DecryptBlockingKeySecret',
      actions: ['kms:Decrypt'],
      resources: [searchKeys.key.keyArn],
      conditions: {
        StringEquals: {
          'kms:ViaService': `secretsmanager.${region}.amazonaws.com`,
          'kms:EncryptionContext:SecretARN': searchKeys.secret.secretArn,
        },
      },
    }),
  ];
}

/**
 * R7: the archive, under its prefix only. The retention job writes archives (locked until their purge day:
 * PutObjectRetention is what S3 checks for the lock headers), reads one back before writing it again, lists a
 * child's versions and destroys them on the purge day — which Object Lock refuses before then. The auditors'
 * read only reads. Both use the archive key only through S3. No function may change a lock or bypass one.
 */
function archiveStatements(
  mode: 'write' | 'read',
  archive: ArchiveResources,
  region: string,
): PolicyStatement[] {
  const objects = `${archive.bucketArn}/${ARCHIVE_PREFIX}*`;
  const writes = mode === 'write';
  return [
    new PolicyStatement({
      sid: writes ? 'WriteAndDestroyArchives' : 'ReadArchives',
      actions: writes
        ? ['s3:GetObject', 's3:PutObject', 's3:PutObjectRetention', 's3:DeleteObjectVersion']
        : ['s3:GetObject'],
      resources: [objects],
    }),
    ...(writes
      ? [
          new PolicyStatement({
            sid: 'ListArchiveVersions',
            actions: ['s3:ListBucketVersions'],
            resources: [archive.bucketArn],
            conditions: { StringLike: { 's3:prefix': [`${ARCHIVE_PREFIX}*`] } },
          }),
        ]
      : []),
    new PolicyStatement({
      sid: writes ? 'EncryptArchives' : 'DecryptArchives',
      actions: writes ? ['kms:GenerateDataKey', 'kms:Decrypt'] : ['kms:Decrypt'],
      resources: [archive.key.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `s3.${region}.amazonaws.com` } },
    }),
  ];
}

/** What a URL resolved only at deploy time (the API's own, say) is checked as at synth: a URL of that shape. */
const DEPLOY_TIME_URL = 'https://resolved-at-deploy.invalid/';

/**
 * Exactly the settings the function declares, checked here so a missing one fails the synth. A URL that
 * CloudFormation resolves at deploy time (`https://${Token}…`) cannot be parsed yet: it is checked as a URL
 * and passed on unresolved.
 */
function environmentOf(definition: FunctionDefinition, values: SettingValues): Record<string, string> {
  const checkable = Object.fromEntries(
    Object.entries(values).map(([name, value]) => [
      name,
      value !== undefined && Token.isUnresolved(value) && value.startsWith('https://')
        ? DEPLOY_TIME_URL
        : value,
    ]),
  ) as SettingValues;
  const environment = environmentFor(definition.settings, checkable, {
    providedByPlatform: PROVIDED_BY_LAMBDA,
  });
  return Object.fromEntries(
    Object.keys(environment).map((name) => [name, values[name as keyof SettingValues] as string]),
  );
}

/**
 * The one way ContactPoint builds a Lambda function: Node 24 on ARM64, ESM, minified with source maps,
 * an encrypted log group of its own with retention, reserved concurrency, X-Ray, and a role of its own
 * that may do exactly the DynamoDB actions its route declares — on those tables, through their keys,
 * and nothing else.
 */
export class ContactPointFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;
  readonly policy: ManagedPolicy;

  readonly definition: FunctionDefinition;

  constructor(scope: Construct, id: string, props: ContactPointFunctionProps) {
    super(scope, id);
    const { definition, context } = props;
    this.definition = definition;
    const functionName = definition.name;
    const region = Stack.of(this).region;
    this.logGroup = new LogGroup(this, 'Logs', {
      encryptionKey: context.logsKey,
      retention: context.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const readsSearchKeys = definition.settings.includes('searchKeys');
    const roleName =
      (definition.auditSeals && context.auditSealRoleNames?.[definition.auditSeals]) ||
      (readsSearchKeys ? context.searchKeysRoleNames?.[functionName] : undefined);
    if (definition.auditSeals && !roleName)
      throw new Error(
        `${functionName} uses the audit seal key, whose policy names its role: give the role names`,
      );
    if (readsSearchKeys && !roleName)
      throw new Error(
        `${functionName} reads the blocking-key secret, whose policies name its role: give the role names`,
      );
    this.role = new Role(this, 'Role', {
      ...(roleName && { roleName }),
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `ContactPoint ${functionName}: only what its handler uses`,
    });
    const statements = [
      new PolicyStatement({
        sid: 'WriteOwnLogs',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [`${this.logGroup.logGroupArn}:*`],
      }),
      new PolicyStatement({
        sid: 'Tracing',
        actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'],
        resources: ['*'],
      }),
    ];
    for (const tableId of Object.keys(definition.indexes ?? {}))
      if (!(tableId in definition.access))
        throw new Error(`${functionName} names an index of ${tableId}, a table it has no access to`);
    for (const [tableId, actions] of Object.entries(definition.access) as [TableId, readonly string[]][]) {
      const binding = context.tables[tableId];
      if (!binding) throw new Error(`${functionName} needs the ${tableId} table, which was not provided`);
      const tableArn = binding.table.tableArn;
      // A Query may use the table or one of its named indexes; no wildcard. A `namedOnly` index only when the
      // function names it.
      const named = definition.indexes?.[tableId] ?? [];
      const unknown = named.filter(
        (name) => !TABLES[tableId].indexes.some((i: IndexDefinition) => i.indexName === name && i.namedOnly),
      );
      if (unknown.length > 0 || (named.length > 0 && !actions.includes('Query')))
        throw new Error(
          `${functionName} names ${named.join(', ')} on ${tableId}: a namedOnly index it may Query`,
        );
      const indexes = actions.includes('Query')
        ? (TABLES[tableId].indexes as readonly IndexDefinition[])
            .filter((i) => !i.namedOnly || named.includes(i.indexName))
            .map((i) => `${tableArn}/index/${i.indexName}`)
        : [];
      statements.push(
        new PolicyStatement({
          actions: actions.map((a) => `dynamodb:${a}`),
          resources: [tableArn, ...indexes],
        }),
      );
      const writes = actions.some((a) => !READS.has(a));
      statements.push(
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: [
            'kms:Decrypt',
            'kms:DescribeKey',
            ...(writes ? ['kms:Encrypt', 'kms:GenerateDataKey'] : []),
          ],
          resources: [binding.key.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': `dynamodb.${region}.amazonaws.com` } },
        }),
      );
    }
    const identityActions = definition.identityActions ?? [];
    if (identityActions.length > 0) {
      if (!context.userPoolArn)
        throw new Error(`${functionName} administers sign-ins: give it the user pool`);
      statements.push(
        new PolicyStatement({
          sid: 'AdministerSignIns',
          actions: identityActions.map((a) => `cognito-idp:${a}`),
          resources: [context.userPoolArn],
        }),
      );
    }
    if (definition.settings.includes('searchKeys')) {
      if (!context.searchKeys)
        throw new Error(`${functionName} keys children: give it the blocking-key secret`);
      statements.push(...searchKeysStatements(context.searchKeys, region));
    }
    if (definition.archive) {
      if (!context.archive) throw new Error(`${functionName} uses the archive: give it the archive bucket`);
      statements.push(...archiveStatements(definition.archive, context.archive, region));
    }
    if (definition.sendsMail) {
      if (!context.mail) throw new Error(`${functionName} sends mail: give it the SES identity`);
      statements.push(
        new PolicyStatement({
          sid: 'SendDigestMail',
          actions: ['ses:SendEmail'],
          resources: [context.mail.identityArn],
          // Only as the one sender address: the function cannot send as anyone else in the domain.
          conditions: { StringEquals: { 'ses:FromAddress': context.mail.from } },
        }),
      );
    }
    const archive = definition.archive ? context.archive : undefined;
    statements.push(...(props.extraStatements ?? []));
    // A customer-managed policy of its own (not inline), so reviewers can list and diff it.
    this.policy = new ManagedPolicy(this, 'Policy', {
      description: `ContactPoint ${functionName}`,
      statements,
      roles: [this.role],
    });
    const policy = this.policy;
    const logGroupId = Stack.of(this).getLogicalId(this.logGroup.node.defaultChild as CfnLogGroup);
    Validations.of(policy).acknowledge({
      id: `AwsSolutions::AwsSolutions-IAM5[Resource::<${logGroupId}.Arn>:*]`,
      reason:
        'Log streams are created at run time inside the function’s own log group; the wildcard is the stream name only.',
    });
    if (archive) {
      Validations.of(policy).acknowledge({
        id: `AwsSolutions::AwsSolutions-IAM5[Resource::${archive.bucketArnExportName}/${ARCHIVE_PREFIX}*]`,
        reason:
          'Archived records are named by ContactPoint ID at run time; the wildcard covers the children/ prefix of the one archive bucket, and Object Lock refuses any delete before an archive’s purge day.',
      });
    }
    Validations.of(policy).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
      reason:
        'X-Ray PutTraceSegments and PutTelemetryRecords, and (for a stream consumer) dynamodb:ListStreams, authorise no resource type: IAM can grant them only on *. ListStreams returns stream ARNs, never items; reading a stream is granted on that one stream ARN.',
    });

    const runtimeFiles = runtimeFilesOf(definition);
    this.function = new NodejsFunction(this, 'Function', {
      entry: join(ROOT, 'functions', functionName, 'handler.ts'),
      handler: 'handler',
      projectRoot: ROOT,
      depsLockFilePath: join(ROOT, 'package-lock.json'),
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: 1024,
      timeout: Duration.seconds(definition.timeoutSeconds ?? 10),
      role: this.role,
      logGroup: this.logGroup,
      reservedConcurrentExecutions: props.reservedConcurrency ?? context.reservedConcurrency,
      ...(props.deadLetterQueue && { deadLetterQueue: props.deadLetterQueue, retryAttempts: 2 }),
      // Tracing is switched on below, with its permissions in the managed policy rather than inline.
      tracing: Tracing.DISABLED,
      environment: {
        ...environmentOf(definition, context.settings),
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: 'contactpoint',
        POWERTOOLS_METRICS_NAMESPACE: 'ContactPoint',
        POWERTOOLS_LOG_LEVEL: 'INFO',
      },
      bundling: {
        format: OutputFormat.ESM,
        target: BUNDLE.target,
        minify: BUNDLE.minify,
        sourceMap: BUNDLE.sourcemap,
        mainFields: [...BUNDLE.mainFields],
        banner: BUNDLE.banner,
        ...(runtimeFiles.length > 0 && {
          commandHooks: {
            beforeBundling: () => [],
            beforeInstall: () => [],
            afterBundling: (inputDir: string, outputDir: string) =>
              copyRuntimeFilesCommands(runtimeFiles, inputDir, outputDir),
          },
        }),
      },
    });
    (this.function.node.defaultChild as CfnFunction).tracingConfig = { mode: 'Active' };
    if (props.deadLetterQueue) this.acknowledgeDeadLetterQueue();
    else this.acknowledgeNoDeadLetterQueue(props.noDeadLetterQueueBecause);
    for (const pack of ['HIPAA.Security', 'NIST.800.53.R5']) {
      Validations.of(this.function).acknowledge({
        id: `${pack}::${pack}-LambdaInsideVPC`,
        reason:
          'The function calls only AWS service APIs (DynamoDB, KMS, S3, Cognito) with SigV4-signed requests over TLS, each allowed by its own role and the resource policies; it has no VPC-only resource to reach and no inbound network path. A VPC with endpoints would change the network route, not who may call what.',
      });
    }
  }

  /** An asynchronous function with a dead-letter queue: what that queue already answers for. */
  private acknowledgeDeadLetterQueue(): void {
    Validations.of(this.function).acknowledge({
      id: 'Serverless::Serverless-LambdaAsyncFailureDestination',
      reason:
        'Failed invocations already go to the function’s dead-letter queue (DeadLetterConfig, kept 14 days); an on-failure destination would deliver the same events twice.',
    });
    for (const pack of ['HIPAA.Security', 'NIST.800.53.R5']) {
      Validations.of(this.role).acknowledge({
        id: `${pack}::${pack}-IAMNoInlinePolicy`,
        reason:
          'The one inline statement is CDK’s grant for the function to send failed events to its own dead-letter queue; every other permission is in its customer-managed policy.',
      });
    }
  }

  private acknowledgeNoDeadLetterQueue(because: string | undefined): void {
    for (const pack of ['HIPAA.Security', 'NIST.800.53.R5', 'Serverless']) {
      Validations.of(this.function).acknowledge({
        id: `${pack}::${pack}-LambdaDLQ`,
        reason:
          because ??
          'Invoked synchronously (API Gateway, Cognito): a failure is returned to the caller at once, so there is no event to dead-letter.',
      });
    }
  }
}
