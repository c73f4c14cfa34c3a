import { Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { type CfnTrail, ReadWriteType, Trail } from 'aws-cdk-lib/aws-cloudtrail';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { AnyPrincipal, Effect, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { FilterPattern, LogGroup, MetricFilter, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  ObjectLockRetention,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import type { Environment } from '../config/environments.ts';
import { AUDIT_SEAL_HEAD_KEY, AUDIT_SEAL_PREFIX } from '../constructs/audit-seal-access.ts';
import { DeadLetterQueue } from '../constructs/dead-letter-queue.ts';
import { archiveBucketName, auditSealRoleName, feedsBucketName } from '../constructs/names.ts';
import { ARCHIVE_ACCESS_LOG_PREFIX } from './archive-stack.ts';

/** Where the feeds bucket's server access logs go in the access-log bucket. */
export const FEEDS_ACCESS_LOG_PREFIX = 'feeds-bucket/';

export interface AuditStackProps extends StackProps {
  environment: Environment;
  auditKey: IKey;
  logsKey: IKey;
  logRetention: RetentionDays;
  /** Tables whose every read and write CloudTrail records (data events). */
  dataEventTables: ITable[];
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
  KeyPolicyChangedOrGrantCreated: {
    // A key administrator may not use a key, but could give themselves its use by either call. Grants that
    // services make on a caller's behalf (DynamoDB, S3, CloudTrail: invokedBy set) are routine; a policy
    // change alarms however it is made, a deployment included.
    description:
      'A KMS key policy was replaced, or a grant created directly: someone may have been given the use of a key',
    pattern:
      '{ ($.eventSource = kms.amazonaws.com) && (($.eventName = PutKeyPolicy) || (($.eventName = CreateGrant) && ($.userIdentity.invokedBy NOT EXISTS))) }',
  },
  TableResourcePolicyChanged: {
    description: 'A DynamoDB resource policy (the audit table’s append-only guard) was replaced or deleted',
    pattern:
      '{ ($.eventSource = dynamodb.amazonaws.com) && (($.eventName = PutResourcePolicy) || ($.eventName = DeleteResourcePolicy)) }',
  },
  KeyProtectionWeakened: {
    // Each leaves a key in place but weakens it, or cuts a service off from it (a revoked grant stops
    // DynamoDB reading its own table). Grants retired by the services themselves are routine.
    description:
      'A KMS key lost its rotation or an alias, or a grant was revoked or retired by hand: a key may have been weakened or a table cut off from its key',
    pattern:
      '{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKeyRotation) || ($.eventName = DeleteAlias) || ($.eventName = UpdateAlias) || ($.eventName = RevokeGrant) || (($.eventName = RetireGrant) && ($.userIdentity.invokedBy NOT EXISTS))) }',
  },
  TableSettingsChanged: {
    // Outside a deployment nobody changes a table: turning off deletion protection, point-in-time
    // recovery or the audit stream (which would stop sealing) all go through these calls.
    description:
      'A DynamoDB table was changed or deleted, or its point-in-time recovery changed: deletion protection, streams or backups may be off',
    pattern:
      '{ ($.eventSource = dynamodb.amazonaws.com) && (($.eventName = UpdateTable) || ($.eventName = DeleteTable) || ($.eventName = UpdateContinuousBackups)) }',
  },
  TrailBucketPolicyChanged: {
    // The bucket policy is what keeps seals write-once and the sealer their only writer; lifecycle,
    // versioning and Object Lock settings are what keep them at all.
    description:
      'An S3 bucket policy, lifecycle, versioning or Object Lock setting was changed: the audit trail bucket’s guards may be weaker',
    pattern:
      '{ ($.eventSource = s3.amazonaws.com) && (($.eventName = PutBucketPolicy) || ($.eventName = DeleteBucketPolicy) || ($.eventName = PutBucketLifecycle) || ($.eventName = DeleteBucketLifecycle) || ($.eventName = PutBucketVersioning) || ($.eventName = PutObjectLockConfiguration)) }',
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
export class AuditStack extends Stack {
  readonly alarmTopic: Topic;
  readonly trailBucket: Bucket;
  /** Where S3 delivers server access logs (SSE-S3, as S3 requires): the trail bucket's and the feeds bucket's. */
  readonly accessLogsBucket: Bucket;
  /** The trail bucket's ARN as the jobs stack imports it (seals live under audit-seals/), and its export's name. */
  readonly sealBucketArn: string;
  readonly sealBucketArnExportName: string;
  readonly trail: Trail;
  /** Data events only, kept in the trail bucket and never sent to CloudWatch Logs. */
  readonly dataTrail: Trail;

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
    this.accessLogsBucket = accessLogs;
    // The feeds bucket (feeds stack) logs here under feeds-bucket/. Named by its fixed name, not referenced:
    // the feeds stack reads this bucket from this stack, so a reference back would be a cycle.
    accessLogs.addToResourcePolicy(
      new PolicyStatement({
        sid: 'FeedsBucketServerAccessLogs',
        principals: [new ServicePrincipal('logging.s3.amazonaws.com')],
        actions: ['s3:PutObject'],
        resources: [accessLogs.arnForObjects(`${FEEDS_ACCESS_LOG_PREFIX}*`)],
        conditions: {
          ArnLike: {
            'aws:SourceArn': `arn:${this.partition}:s3:::${feedsBucketName(props.environment.name, this.account)}`,
          },
          StringEquals: { 'aws:SourceAccount': this.account },
        },
      }),
    );
    // R7: the archive bucket (archive stack) logs here under archive-bucket/, named the same way.
    accessLogs.addToResourcePolicy(
      new PolicyStatement({
        sid: 'ArchiveBucketServerAccessLogs',
        principals: [new ServicePrincipal('logging.s3.amazonaws.com')],
        actions: ['s3:PutObject'],
        resources: [accessLogs.arnForObjects(`${ARCHIVE_ACCESS_LOG_PREFIX}*`)],
        conditions: {
          ArnLike: {
            'aws:SourceArn': `arn:${this.partition}:s3:::${archiveBucketName(props.environment.name, this.account)}`,
          },
          StringEquals: { 'aws:SourceAccount': this.account },
        },
      }),
    );
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

    // R6: a seal (or the events kept with it) is written once. Versioning would let anyone with
    // s3:PutObject add a newer version that readers take for the seal; Object Lock keeps the old one but
    // does not stop the new. So every write under the prefix must be conditional (If-None-Match: *),
    // which S3 refuses when the key exists — whoever the principal — and no one may hide a seal behind
    // a delete marker. The verifier fails on any object there with more than one version.
    this.trailBucket.addToResourcePolicy(
      new PolicyStatement({
        sid: 'SealsAreWriteOnce',
        effect: Effect.DENY,
        principals: [new AnyPrincipal()],
        actions: ['s3:PutObject'],
        resources: [this.trailBucket.arnForObjects(`${AUDIT_SEAL_PREFIX}*`)],
        conditions: { Null: { 's3:if-none-match': 'true' } },
      }),
    );
    // The sealer's and verifier's roles by their fixed names, as the seal key's policy matches them.
    const roleArn = (mode: 'seal' | 'verify') =>
      `arn:${this.partition}:iam::${this.account}:role/${auditSealRoleName(props.environment.name, mode)}`;
    // Only the sealer writes under the prefix or the head hint: anyone else could plant the next kept-events file
    // (Object Lock would keep it for six years and the sealer would refuse to seal over it) or point the
    // hint far back. The role is matched by its fixed name, as in the seal key's policy.
    this.trailBucket.addToResourcePolicy(
      new PolicyStatement({
        sid: 'OnlyTheSealerWritesSeals',
        effect: Effect.DENY,
        principals: [new AnyPrincipal()],
        actions: ['s3:PutObject'],
        resources: [
          this.trailBucket.arnForObjects(`${AUDIT_SEAL_PREFIX}*`),
          this.trailBucket.arnForObjects(AUDIT_SEAL_HEAD_KEY),
        ],
        conditions: { ArnNotEquals: { 'aws:PrincipalArn': roleArn('seal') } },
      }),
    );
    this.trailBucket.addToResourcePolicy(
      new PolicyStatement({
        sid: 'SealsAreNeverDeleted',
        effect: Effect.DENY,
        principals: [new AnyPrincipal()],
        actions: ['s3:DeleteObject', 's3:DeleteObjectVersion'],
        resources: [this.trailBucket.arnForObjects(`${AUDIT_SEAL_PREFIX}*`)],
      }),
    );

    this.sealBucketArnExportName = `${id}-SealBucketArn`;
    this.sealBucketArn = this.exportValue(this.trailBucket.bucketArn, { name: this.sealBucketArnExportName });

    for (const bucket of [accessLogs, this.trailBucket]) {
      for (const pack of ['HIPAA.Security', 'NIST.800.53.R5']) {
        Validations.of(bucket).acknowledge({
          id: `${pack}::${pack}-S3BucketReplicationEnabled`,
          reason:
            'Cross-region replication would copy audit data out of London, the only UK region. Same-region replication to another account is possible and not used: Object Lock in compliance mode (six years) stops anyone, the root user included, deleting or overwriting a version, and the key-deletion alarm covers losing the key.',
        });
      }
    }

    const trailLogs = new LogGroup(this, 'TrailLogs', {
      encryptionKey: props.logsKey,
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Management events only: they go to CloudWatch Logs for the security alarms below.
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
    // Data events name the items they touch by key, and keys hold child IDs and identifiers: they go only
    // to the Object Lock bucket (encrypted with the audit key), never to a log group that a log reader
    // could search. A trail of their own, so the management trail above can keep its log group.
    this.dataTrail = new Trail(this, 'DataTrail', {
      bucket: this.trailBucket,
      s3KeyPrefix: 'data-events',
      encryptionKey: props.auditKey,
      isMultiRegionTrail: false,
      includeGlobalServiceEvents: false,
      enableFileValidation: true,
      sendToCloudWatchLogs: false,
      // No management events: the selectors below name data events only.
    });
    for (const pack of ['HIPAA.Security', 'NIST.800.53.R5']) {
      Validations.of(this.dataTrail).acknowledge({
        id: `${pack}::${pack}-CloudTrailCloudWatchLogsEnabled`,
        reason:
          'Deliberately not sent to CloudWatch Logs: DynamoDB data events carry item keys (child IDs, identifier claims), which must not land in a searchable log group. They are kept in the Object Lock trail bucket with file validation; the management trail, which drives the alarms, is sent to CloudWatch Logs.',
      });
    }
    // Data events need advanced event selectors, which replace the basic ones.
    const cfnDataTrail = this.dataTrail.node.defaultChild as CfnTrail;
    cfnDataTrail.addPropertyDeletionOverride('EventSelectors');
    const streams = props.dataEventTables.flatMap((t) => (t.tableStreamArn ? [t.tableStreamArn] : []));
    cfnDataTrail.addPropertyOverride('AdvancedEventSelectors', [
      {
        Name: 'Table data events: children, involvements, directory, audit trail and its index, alerts, contact requests',
        FieldSelectors: [
          { Field: 'eventCategory', Equals: ['Data'] },
          { Field: 'resources.type', Equals: ['AWS::DynamoDB::Table'] },
          { Field: 'resources.ARN', Equals: props.dataEventTables.map((t) => t.tableArn) },
        ],
      },
      ...(streams.length > 0
        ? [
            {
              // A stream carries every changed item whole: reading it is reading the table.
              Name: 'Stream data events of the same tables',
              FieldSelectors: [
                { Field: 'eventCategory', Equals: ['Data'] },
                { Field: 'resources.type', Equals: ['AWS::DynamoDB::Stream'] },
                { Field: 'resources.ARN', Equals: streams },
              ],
            },
          ]
        : []),
      {
        // Every read and write of a seal object; CloudTrail's own log files (under AWSLogs/) are not
        // selected, so the trail does not record its own deliveries.
        Name: 'Audit seal object data events',
        FieldSelectors: [
          { Field: 'eventCategory', Equals: ['Data'] },
          { Field: 'resources.type', Equals: ['AWS::S3::Object'] },
          { Field: 'resources.ARN', StartsWith: [`${this.trailBucket.bucketArn}/${AUDIT_SEAL_PREFIX}`] },
        ],
      },
    ]);

    // Being the sealer's or verifier's role is what lets a principal use the seal key and write seals:
    // a changed trust policy, or a function given either role, could forge or stop seals.
    const events = {
      ...SECURITY_EVENTS,
      SealRolesChanged: {
        description:
          'A role’s trust policy changed, or a function was created or changed with the audit sealer’s or verifier’s role: someone may be able to forge or stop seals (expected only during a deployment)',
        pattern: `{ (($.eventSource = iam.amazonaws.com) && ($.eventName = UpdateAssumeRolePolicy)) || (($.eventSource = lambda.amazonaws.com) && (($.requestParameters.role = "${roleArn('seal')}") || ($.requestParameters.role = "${roleArn('verify')}"))) }`,
      },
    };
    for (const [name, event] of Object.entries(events)) {
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
}
