import { Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import {
  AccountRootPrincipal,
  AnyPrincipal,
  ArnPrincipal,
  Effect,
  PolicyDocument,
  PolicyStatement,
  ServicePrincipal,
} from 'aws-cdk-lib/aws-iam';
import { Key, KeySpec, KeyUsage } from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import type { Environment } from '../config/environments.ts';
import { auditSealRoleName } from '../constructs/names.ts';

/**
 * Everything a key administrator may do — which excludes using the key, and creating grants (a grant would
 * give its grantee the key's use; grants are made by the services the key serves, through kms:ViaService).
 * Replacing the key policy stays possible, and raises the KeyPolicyChangedOrGrantCreated alarm.
 */
const ADMINISTRATION = [
  'kms:CreateAlias',
  'kms:Describe*',
  'kms:Enable*',
  'kms:List*',
  'kms:Put*',
  'kms:Update*',
  'kms:Revoke*',
  'kms:Disable*',
  'kms:Get*',
  'kms:Delete*',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:ScheduleKeyDeletion',
  'kms:CancelKeyDeletion',
];
const USE = ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'];

export interface KeysStackProps extends StackProps {
  environment: Environment;
}

/**
 * Customer-managed keys, rotated yearly: data (children, involvements, directory, alerts), audit
 * (audit table, CloudTrail, audit bucket) and logs (CloudWatch Logs, alarm topic). Each key policy
 * separates administration from use, and lets principals in the account use a key only through the
 * services it serves (kms:ViaService) or, for service principals, for their own resources.
 */
export class KeysStack extends Stack {
  readonly dataKey: Key;
  readonly auditKey: Key;
  readonly logsKey: Key;
  readonly auditMacKey: Key;
  /** The fixed names of the only roles that may use the seal key (see the key's policy). */
  readonly auditSealRoleNames: Record<'seal' | 'verify', string>;

  constructor(scope: Construct, id: string, props: KeysStackProps) {
    super(scope, id, props);
    const { account, region } = this;
    const administration = new PolicyStatement({
      sid: 'Administration',
      principals: [new ArnPrincipal(props.environment.keyAdministratorRoleArn)],
      actions: ADMINISTRATION,
      resources: ['*'],
    });
    const useVia = (sid: string, services: string[]) =>
      new PolicyStatement({
        sid,
        principals: [new AccountRootPrincipal()],
        actions: [...USE, 'kms:CreateGrant'],
        resources: ['*'],
        conditions: {
          StringEquals: {
            'kms:CallerAccount': account,
            'kms:ViaService': services.map((s) => `${s}.${region}.amazonaws.com`),
          },
        },
      });
    const key = (id: string, description: string, statements: PolicyStatement[]) =>
      new Key(this, id, {
        description,
        enableKeyRotation: true,
        rotationPeriod: Duration.days(365),
        removalPolicy: RemovalPolicy.RETAIN,
        policy: new PolicyDocument({ statements: [administration, ...statements] }),
      });

    this.dataKey = key('DataKey', 'ContactPoint child data (DynamoDB and its backups)', [
      useVia('UseThroughDynamoDBAndBackup', ['dynamodb', 'backup']),
    ]);

    this.auditKey = key('AuditKey', 'ContactPoint audit trail (DynamoDB, CloudTrail, S3)', [
      useVia('UseThroughDynamoDBAndS3', ['dynamodb', 's3']),
      new PolicyStatement({
        sid: 'CloudTrailEncryptsItsOwnTrails',
        principals: [new ServicePrincipal('cloudtrail.amazonaws.com')],
        actions: ['kms:GenerateDataKey*', 'kms:DescribeKey'],
        resources: ['*'],
        conditions: {
          StringLike: {
            'kms:EncryptionContext:aws:cloudtrail:arn': `arn:aws:cloudtrail:*:${account}:trail/*`,
          },
          StringEquals: { 'aws:SourceAccount': account },
        },
      }),
    ]);

    // R6: the key that authenticates audit seals. HMAC key material never leaves KMS. Only the sealer's
    // role may generate MACs and only the verifier's may verify them: allowed to those two roles alone,
    // and denied to every other principal, so neither an IAM policy elsewhere in the account nor a grant
    // (which key administrators could create) can give anyone else the use of the key.
    // The roles are created later, in the jobs stack. A key policy that named them as principals would
    // fail while they do not exist, and a reference would make the keys stack depend on the jobs stack
    // (a cycle, and a stateful stack tied to a stateless one). So both stacks derive the roles' fixed
    // names from the environment, and the key policy matches them by aws:PrincipalArn, which for an
    // assumed role is the role's ARN, whatever the session.
    this.auditSealRoleNames = {
      seal: auditSealRoleName(props.environment.name, 'seal'),
      verify: auditSealRoleName(props.environment.name, 'verify'),
    };
    const roleArn = (name: string) => `arn:${this.partition}:iam::${account}:role/${name}`;
    const sealer = roleArn(this.auditSealRoleNames.seal);
    const verifier = roleArn(this.auditSealRoleNames.verify);
    const onlyRole = (sid: string, action: string, role: string) => [
      new PolicyStatement({
        sid,
        principals: [new AccountRootPrincipal()],
        actions: [action, 'kms:DescribeKey'],
        resources: ['*'],
        conditions: {
          StringEquals: { 'kms:CallerAccount': account },
          ArnEquals: { 'aws:PrincipalArn': role },
        },
      }),
      new PolicyStatement({
        sid: `No${sid}ForAnyoneElse`,
        effect: Effect.DENY,
        principals: [new AnyPrincipal()],
        actions: [action],
        resources: ['*'],
        conditions: { ArnNotEquals: { 'aws:PrincipalArn': role } },
      }),
    ];
    this.auditMacKey = new Key(this, 'AuditMacKey', {
      description: 'ContactPoint audit seal MAC (HMAC-SHA-256)',
      keySpec: KeySpec.HMAC_256,
      keyUsage: KeyUsage.GENERATE_VERIFY_MAC,
      removalPolicy: RemovalPolicy.RETAIN,
      policy: new PolicyDocument({
        statements: [
          administration,
          ...onlyRole('SealerGeneratesMacs', 'kms:GenerateMac', sealer),
          ...onlyRole('VerifierVerifiesMacs', 'kms:VerifyMac', verifier),
        ],
      }),
    });
    for (const pack of [
      'AwsSolutions::AwsSolutions-KMS5',
      'NIST.800.53.R5::NIST.800.53.R5-KMSBackingKeyRotationEnabled',
      'HIPAA.Security::HIPAA.Security-KMSBackingKeyRotationEnabled',
    ]) {
      Validations.of(this.auditMacKey).acknowledge({
        id: pack,
        reason:
          'KMS rotates only symmetric encryption keys; it refuses EnableKeyRotation for HMAC keys. The key material never leaves KMS and only the sealer’s and verifier’s roles may use it. The verifier checks every seal with the one configured key, so replacing the key first needs seals to name their key (an open item).',
      });
    }

    this.logsKey = key('LogsKey', 'ContactPoint logs and alarm notifications', [
      new PolicyStatement({
        sid: 'CloudWatchLogsEncryptsOwnLogGroups',
        principals: [new ServicePrincipal(`logs.${region}.amazonaws.com`)],
        actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
        resources: ['*'],
        conditions: {
          ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:aws:logs:${region}:${account}:log-group:*` },
        },
      }),
      new PolicyStatement({
        sid: 'CloudWatchAlarmsPublishToEncryptedTopic',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': account } },
      }),
      useVia('UseThroughSns', ['sns']),
    ]);
  }
}
