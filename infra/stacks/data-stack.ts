import { Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { BackupPlan, BackupPlanRule, BackupResource, BackupVault } from 'aws-cdk-lib/aws-backup';
import {
  AttributeType,
  BillingMode,
  ProjectionType,
  StreamViewType,
  Table,
  TableEncryption,
} from 'aws-cdk-lib/aws-dynamodb';
import { Schedule } from 'aws-cdk-lib/aws-events';
import { AnyPrincipal, Effect, PolicyDocument, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import { type KeyDefinition, TABLES, type TableDefinition, type TableId } from '#adapters/dynamo/tables.ts';
import type { Environment } from '../config/environments.ts';

export interface DataStackProps extends StackProps {
  environment: Environment;
  dataKey: IKey;
  auditKey: IKey;
}

const attributeType = (key: KeyDefinition) =>
  key.type === 'S' ? AttributeType.STRING : AttributeType.NUMBER;
const attribute = (key: KeyDefinition) => ({ name: key.name, type: attributeType(key) });

const STREAM: Record<NonNullable<TableDefinition['stream']>, StreamViewType> = {
  NEW_IMAGE: StreamViewType.NEW_IMAGE,
  NEW_AND_OLD_IMAGES: StreamViewType.NEW_AND_OLD_IMAGES,
};

/**
 * What no principal may do to the audit table (R6, append-only), whatever its IAM policies say: change
 * or delete an item (directly, in a transaction, by PartiQL or in a batch — BatchWriteItem is one
 * action for puts and deletes, so batches are refused altogether; every audit write is a conditional
 * PutItem), or switch on TTL, which would let DynamoDB delete items. IAM cannot refuse a PutItem that
 * lacks its not-exists condition; the one writer (auditPut) always sets it and the sealer chains every
 * event it reads, so overwriting a sealed event is caught by the verifier. The root user can still remove this policy
 * (DynamoDB keeps that escape hatch); doing so raises the TableResourcePolicyChanged alarm.
 */
export const AUDIT_TABLE_DENIED_ACTIONS = [
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:PartiQLUpdate',
  'dynamodb:PartiQLDelete',
  'dynamodb:UpdateTimeToLive',
  // Deletion protection is the first guard; turning it off needs UpdateTable, which the alarm
  // TableSettingsChanged reports.
  'dynamodb:DeleteTable',
];

function appendOnly(tableArn: string): PolicyDocument {
  return new PolicyDocument({
    statements: [
      new PolicyStatement({
        sid: 'AuditTrailIsAppendOnly',
        effect: Effect.DENY,
        principals: [new AnyPrincipal()],
        actions: AUDIT_TABLE_DENIED_ACTIONS,
        resources: [tableArn],
      }),
    ],
  });
}

/**
 * The tables, built from the same definitions the local stand-in uses: customer-managed keys,
 * point-in-time recovery, deletion protection, retained on stack deletion; streams where a consumer
 * needs them and TTL where records expire.
 */
export class DataStack extends Stack {
  readonly tables: Record<TableId, Table>;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    const entries = (Object.values(TABLES) as TableDefinition[]).map((definition) => {
      const name = `contactpoint-${props.environment.name}-${definition.id}`;
      const table = new Table(this, `${definition.id[0]?.toUpperCase()}${definition.id.slice(1)}Table`, {
        tableName: name,
        partitionKey: attribute(definition.partitionKey),
        ...(definition.sortKey && { sortKey: attribute(definition.sortKey) }),
        billingMode: BillingMode.PAY_PER_REQUEST,
        // The audit trail has a key of its own, so data administrators cannot read it and vice versa.
        encryption: TableEncryption.CUSTOMER_MANAGED,
        encryptionKey: definition.id.startsWith('audit') ? props.auditKey : props.dataKey,
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        deletionProtection: true,
        removalPolicy: RemovalPolicy.RETAIN,
        ...(definition.stream && { stream: STREAM[definition.stream] }),
        ...(definition.timeToLive && { timeToLiveAttribute: definition.timeToLive }),
        ...(definition.id === 'audit' && { resourcePolicy: appendOnly(this.tableArnOf(name)) }),
      });
      for (const index of definition.indexes) {
        table.addGlobalSecondaryIndex({
          indexName: index.indexName,
          partitionKey: attribute(index.partitionKey),
          ...(index.sortKey && { sortKey: attribute(index.sortKey) }),
          projectionType:
            index.projection.type === 'INCLUDE'
              ? ProjectionType.INCLUDE
              : index.projection.type === 'KEYS_ONLY'
                ? ProjectionType.KEYS_ONLY
                : ProjectionType.ALL,
          ...(index.projection.type === 'INCLUDE' && { nonKeyAttributes: index.projection.nonKeyAttributes }),
        });
      }
      return [definition.id, table] as const;
    });
    this.tables = Object.fromEntries(entries) as Record<TableId, Table>;

    // Daily backups kept 35 days, beside point-in-time recovery: enough to recover from a bad release,
    // short enough not to keep a child's record long after R7 says it must go.
    const vault = new BackupVault(this, 'BackupVault', {
      backupVaultName: `contactpoint-${props.environment.name}`,
      encryptionKey: props.dataKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const plan = new BackupPlan(this, 'BackupPlan', {
      backupPlanName: `contactpoint-${props.environment.name}`,
      backupVault: vault,
      backupPlanRules: [
        new BackupPlanRule({
          ruleName: 'Daily35Days',
          scheduleExpression: Schedule.cron({ hour: '2', minute: '30' }),
          deleteAfter: Duration.days(35),
        }),
      ],
    });
    const selection = plan.addSelection('Tables', {
      resources: Object.values(this.tables).map((table) => BackupResource.fromDynamoDbTable(table)),
    });
    Validations.of(selection).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup]',
      reason:
        'The service role AWS Backup assumes to take the backups; AWS maintains this policy as service APIs change.',
    });
  }

  /** A table's ARN from its name: a resource policy cannot refer to its own table's attributes. */
  private tableArnOf(name: string): string {
    return `arn:${this.partition}:dynamodb:${this.region}:${this.account}:table/${name}`;
  }
}
