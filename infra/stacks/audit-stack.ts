import { Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { type CfnTrail, ReadWriteType, Trail } from 'aws-cdk-lib/aws-cloudtrail';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { CfnEventSourceMapping } from 'aws-cdk-lib/aws-lambda';
import { FilterPattern, LogGroup, MetricFilter, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type CfnBucket,
  ObjectLockRetention,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import type { TableId } from '#adapters/dynamo/tables.ts';
import type { Environment } from '../config/environments.ts';
import { ContactPointFunction } from '../constructs/contactpoint-function.ts';
import { DeadLetterQueue } from '../constructs/dead-letter-queue.ts';
import { tableEnvironment } from '../constructs/table-environment.ts';

export interface AuditStackProps extends StackProps {
  environment: Environment;
  auditKey: IKey;
  logsKey: IKey;
  logRetention: RetentionDays;
  /** Tables whose every read and write CloudTrail records (data events). */
  dataEventTables: ITable[];
  /** The audit table, whose stream the sealer consumes (R6), and the index it files events under. */
  auditTable: ITable;
  auditIndexTable: ITable;
  /** What misuse detection reads (records, involvements, accounts) and writes (alerts), with their keys. */
  tables: Record<TableId, ITable>;
  dataKey: IKey;
  auditMacKey: IKey;
  reservedConcurrency: number;
}

/** R6: the audit trail is kept at least six years; Object Lock in compliance mode means nobody can shorten that. */
export const AUDIT_RETENTION_DAYS = 6 * 365 + 2;

/** Security events operators must hear about at once (CIS AWS Foundations metric filters). */
const SECURITY_EVENTS: Record<string, { description: string; pattern: string }> = {
  KeyDisabledOrScheduledForDeletion: {
    description: 'A KMS key was disabled or scheduled for deletion',
    pattern:
      '{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) }',
  },
  IamPolicyChanged: {
    description: 'An IAM policy was created, changed, attached or detached',
    pattern:
      '{ ($.eventName = DeleteGroupPolicy) || ($.eventName = DeleteRolePolicy) || ($.eventName = DeleteUserPolicy) || ($.eventName = PutGroupPolicy) || ($.eventName = PutRolePolicy) || ($.eventName = PutUserPolicy) || ($.eventName = CreatePolicy) || ($.eventName = DeletePolicy) || ($.eventName = CreatePolicyVersion) || ($.eventName = DeletePolicyVersion) || ($.eventName = AttachRolePolicy) || ($.eventName = DetachRolePolicy) || ($.eventName = AttachUserPolicy) || ($.eventName = DetachUserPolicy) || ($.eventName = AttachGroupPolicy) || ($.eventName = DetachGroupPolicy) }',
  },
  TrailChanged: {
    description: 'A CloudTrail trail was created, changed, stopped or deleted',
    pattern:
      '{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) || ($.eventName = PutEventSelectors) }',
  },
  RootAccountUsed: {
    description: 'The root account was used',
    pattern:
      '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }',
  },
  UnauthorisedApiCalls: {
    description: 'An AWS API call was refused as unauthorised',
    pattern: '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }',
  },
};

/**
 * CloudTrail, multi-region with log file validation, recording management events and the data events
 * of the child, involvement and audit tables, encrypted with the audit key into a bucket with Object
 * Lock (compliance mode), versioning, TLS-only access and server access logging. Security events feed
 * metric filters whose alarms go to the operators' encrypted topic.
 */
export const AUDIT_SEAL_PREFIX = 'audit-seals/';

export class AuditStack extends Stack {
  readonly alarmTopic: Topic;
  readonly trailBucket: Bucket;
  readonly trail: Trail;
  sealerFunction!: ContactPointFunction;
  verifierFunction!: ContactPointFunction;

  constructor(scope: Construct, id: string, props: AuditStackProps) {
    super(scope, id, props);

    this.alarmTopic = new Topic(this, 'AlarmTopic', {
      displayName: `ContactPoint ${props.environment.name} alarms`,
      masterKey: props.logsKey,
      enforceSSL: true,
    });
    // An alarm e-mail that cannot be delivered is kept, not lost.
    const undelivered = new DeadLetterQueue(this, 'UndeliveredAlarms', {
      key: props.logsKey,
      purpose: 'the alarm e-mail subscription',
    }).queue;
    this.alarmTopic.addSubscription(
      new EmailSubscription(props.environment.alarmEmail, { deadLetterQueue: undelivered }),
    );

    const accessLogs = new Bucket(this, 'AccessLogs', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      versioned: true,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [{ expiration: Duration.days(AUDIT_RETENTION_DAYS) }],
    });
    for (const pack of ['HIPAA.Security', 'NIST.800.53.R5']) {
      Validations.of(accessLogs).acknowledge({
        id: `${pack}::${pack}-S3DefaultEncryptionKMS`,
        reason: 'S3 server access logging delivers only to buckets encrypted with S3-managed keys (SSE-S3).',
      });
    }

    this.trailBucket = new Bucket(this, 'TrailBucket', {
      encryption: BucketEncryption.KMS,
      encryptionKey: props.auditKey,
      bucketKeyEnabled: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      versioned: true,
      objectLockEnabled: true,
      objectLockDefaultRetention: ObjectLockRetention.compliance(Duration.days(AUDIT_RETENTION_DAYS)),
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'trail-bucket/',
      removalPolicy: RemovalPolicy.RETAIN,
    });

    for (const bucket of [accessLogs, this.trailBucket]) {
      for (const pack of ['HIPAA.Security', 'NIST.800.53.R5']) {
        Validations.of(bucket).acknowledge({
          id: `${pack}::${pack}-S3BucketReplicationEnabled`,
          reason:
            'London (eu-west-2) is the only UK region: replication would take children’s audit data out of the UK. Object Lock and versioning protect the objects in place.',
        });
      }
    }

    const trailLogs = new LogGroup(this, 'TrailLogs', {
      encryptionKey: props.logsKey,
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.trail = new Trail(this, 'Trail', {
      bucket: this.trailBucket,
      encryptionKey: props.auditKey,
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      enableFileValidation: true,
      sendToCloudWatchLogs: true,
      cloudWatchLogGroup: trailLogs,
      managementEvents: ReadWriteType.ALL,
    });
    for (const pack of ['HIPAA.Security', 'NIST.800.53.R5']) {
      Validations.of(this.trail).acknowledge({
        id: `${pack}::${pack}-IAMNoInlinePolicy`,
        reason:
          'The CDK-generated role that lets CloudTrail deliver to its own log group; its one inline statement names that log group.',
      });
    }
    // DynamoDB data events need advanced event selectors, which replace the basic ones.
    const cfnTrail = this.trail.node.defaultChild as CfnTrail;
    cfnTrail.addPropertyDeletionOverride('EventSelectors');
    cfnTrail.addPropertyOverride('AdvancedEventSelectors', [
      { Name: 'Management events', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] },
      {
        Name: 'Child, involvement and audit table data events',
        FieldSelectors: [
          { Field: 'eventCategory', Equals: ['Data'] },
          { Field: 'resources.type', Equals: ['AWS::DynamoDB::Table'] },
          { Field: 'resources.ARN', Equals: props.dataEventTables.map((t) => t.tableArn) },
        ],
      },
    ]);

    this.sealer(props);

    for (const [name, event] of Object.entries(SECURITY_EVENTS)) {
      const filter = new MetricFilter(this, `${name}Filter`, {
        logGroup: trailLogs,
        filterPattern: FilterPattern.literal(event.pattern),
        metricNamespace: 'ContactPoint/Security',
        metricName: name,
        metricValue: '1',
      });
      const alarm = new Alarm(this, `${name}Alarm`, {
        alarmName: `ContactPoint-${props.environment.name}-${name}`,
        alarmDescription: event.description,
        metric: filter.metric({ statistic: 'Sum', period: Duration.minutes(5) }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      alarm.addAlarmAction(new SnsAction(this.alarmTopic));
    }
  }

  /**
   * R6 sealing: the audit table's stream feeds one sealer (concurrency 1, so the chain never forks),
   * which appends each batch as a seal to the Object Lock bucket, authenticated with the KMS HMAC key.
   * Batches that keep failing go to a queue; the chain waits for them rather than skipping.
   */
  private sealer(props: AuditStackProps): void {
    const streamArn = props.auditTable.tableStreamArn;
    if (!streamArn) throw new Error('The audit table needs a stream for sealing');
    const failures = new DeadLetterQueue(this, 'SealingFailures', {
      key: props.logsKey,
      purpose: 'the audit sealer (its stream mapping’s on-failure destination)',
    }).queue;
    const region = this.region;
    const sealer = new ContactPointFunction(this, 'SealAuditEvents', {
      functionName: 'seal-audit-events',
      access: {
        auditIndex: ['BatchWriteItem', 'Query'],
        children: ['GetItem'],
        involvements: ['Query'],
        directory: ['GetItem', 'Query'],
        alerts: ['PutItem'],
      },
      tables: {
        auditIndex: { table: props.auditIndexTable, key: props.auditKey },
        children: { table: props.tables.children, key: props.dataKey },
        involvements: { table: props.tables.involvements, key: props.dataKey },
        directory: { table: props.tables.directory, key: props.dataKey },
        alerts: { table: props.tables.alerts, key: props.dataKey },
      },
      environment: {
        AUDIT_MAC_KEY_ID: props.auditMacKey.keyArn,
        AUDIT_SEAL_BUCKET: this.trailBucket.bucketName,
        AUDIT_INDEX_TABLE: props.auditIndexTable.tableName,
        ALERTS_TABLE: props.tables.alerts.tableName,
        ...tableEnvironment(props.tables, props.environment),
        MISUSE_DISTINCT_CHILDREN_PER_DAY: String(props.environment.misuse.distinctChildrenPerDay),
        MISUSE_OUT_OF_AREA_PER_DAY: String(props.environment.misuse.outOfAreaChildrenPerDay),
        MISUSE_UNUSUAL_HOURS: props.environment.misuse.unusualHours,
      },
      extraStatements: [
        new PolicyStatement({
          sid: 'ReadAuditStream',
          actions: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'],
          resources: [streamArn],
        }),
        new PolicyStatement({ sid: 'ListStreams', actions: ['dynamodb:ListStreams'], resources: ['*'] }),
        new PolicyStatement({
          sid: 'DecryptAuditStream',
          actions: ['kms:Decrypt', 'kms:DescribeKey'],
          resources: [props.auditKey.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': `dynamodb.${region}.amazonaws.com` } },
        }),
        new PolicyStatement({
          sid: 'SealWithHmac',
          actions: ['kms:GenerateMac'],
          resources: [props.auditMacKey.keyArn],
        }),
        ...this.sealObjectStatements(props.auditKey, 'write'),
        new PolicyStatement({
          sid: 'ReportFailedBatches',
          actions: ['sqs:SendMessage'],
          resources: [failures.queueArn],
        }),
        new PolicyStatement({
          sid: 'EncryptFailedBatches',
          actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
          resources: [props.logsKey.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': `sqs.${region}.amazonaws.com` } },
        }),
      ],
      logsKey: props.logsKey,
      logRetention: props.logRetention,
      reservedConcurrency: 1,
      timeout: Duration.minutes(1),
      noDeadLetterQueueBecause:
        'Invoked by a DynamoDB stream event-source mapping, whose on-failure destination (a queue) keeps failed batches; a function DLQ applies only to asynchronous invocations.',
    });
    this.sealerFunction = sealer;
    this.verifier(props);
    const bucketId = Stack.of(this).getLogicalId(this.trailBucket.node.defaultChild as CfnBucket);
    Validations.of(sealer.policy).acknowledge({
      id: `AwsSolutions::AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${AUDIT_SEAL_PREFIX}*]`,
      reason:
        'Seal objects are named by sequence number at run time; the wildcard covers the audit-seals/ prefix of this one bucket only.',
    });
    new CfnEventSourceMapping(this, 'AuditStreamToSealer', {
      functionName: sealer.function.functionName,
      eventSourceArn: streamArn,
      startingPosition: 'TRIM_HORIZON',
      batchSize: 500,
      maximumBatchingWindowInSeconds: 5,
      parallelizationFactor: 1,
      maximumRetryAttempts: 10,
      bisectBatchOnFunctionError: false,
      destinationConfig: { onFailure: { destination: failures.queueArn } },
    });
  }

  /** R6, nightly: re-read every event and seal; any problem is logged by event ID and raises the alarm. */
  private verifier(props: AuditStackProps): void {
    const failed = new DeadLetterQueue(this, 'VerificationFailures', {
      key: props.logsKey,
      purpose: 'the nightly audit verifier',
    }).queue;
    const verifier = new ContactPointFunction(this, 'VerifyAuditTrail', {
      functionName: 'verify-audit-trail',
      access: { audit: ['Scan'] },
      tables: { audit: { table: props.auditTable, key: props.auditKey } },
      environment: {
        AUDIT_MAC_KEY_ID: props.auditMacKey.keyArn,
        AUDIT_SEAL_BUCKET: this.trailBucket.bucketName,
        ...tableEnvironment(props.tables, props.environment),
      },
      extraStatements: [
        new PolicyStatement({
          sid: 'VerifyHmac',
          actions: ['kms:VerifyMac'],
          resources: [props.auditMacKey.keyArn],
        }),
        ...this.sealObjectStatements(props.auditKey, 'read'),
      ],
      logsKey: props.logsKey,
      logRetention: props.logRetention,
      reservedConcurrency: 1,
      timeout: Duration.minutes(15),
      deadLetterQueue: failed,
    });
    this.verifierFunction = verifier;
    const bucketId = Stack.of(this).getLogicalId(this.trailBucket.node.defaultChild as CfnBucket);
    Validations.of(verifier.policy).acknowledge({
      id: `AwsSolutions::AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${AUDIT_SEAL_PREFIX}*]`,
      reason:
        'Seal objects are named by sequence number; the verifier reads every seal under the audit-seals/ prefix of this one bucket.',
    });
    new Rule(this, 'NightlyAuditVerification', {
      description: 'Verify every audit event against its seal (R6)',
      schedule: Schedule.cron({ hour: '3', minute: '30' }),
      targets: [new LambdaFunction(verifier.function, { retryAttempts: 2, deadLetterQueue: failed })],
    });
  }

  /** Access to the seal objects under audit-seals/ — reading for the verifier, writing for the sealer; never deleting. */
  private sealObjectStatements(auditKey: IKey, mode: 'read' | 'write'): PolicyStatement[] {
    const writes = mode === 'write';
    return [
      new PolicyStatement({
        sid: writes ? 'WriteSeals' : 'ReadSeals',
        actions: writes ? ['s3:GetObject', 's3:PutObject'] : ['s3:GetObject'],
        resources: [this.trailBucket.arnForObjects(`${AUDIT_SEAL_PREFIX}*`)],
      }),
      new PolicyStatement({
        sid: 'ListSeals',
        actions: ['s3:ListBucket'],
        resources: [this.trailBucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': [`${AUDIT_SEAL_PREFIX}*`] } },
      }),
      new PolicyStatement({
        sid: writes ? 'EncryptSeals' : 'DecryptSeals',
        actions: writes ? ['kms:GenerateDataKey', 'kms:Decrypt'] : ['kms:Decrypt'],
        resources: [auditKey.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `s3.${this.region}.amazonaws.com` } },
      }),
    ];
  }
}
