import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import {
  AccountRootPrincipal,
  AnyPrincipal,
  ArnPrincipal,
  Effect,
  PolicyDocument,
  PolicyStatement,
  ServicePrincipal,
} from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';

/** What the key administrator may do with a key: manage it, never use it or grant its use. */
export const ADMINISTRATION = [
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

/** Encrypting and decrypting with a symmetric key. */
export const USE = [
  'kms:Encrypt',
  'kms:Decrypt',
  'kms:ReEncrypt*',
  'kms:GenerateDataKey*',
  'kms:DescribeKey',
];

/**
 * A customer-managed key of ContactPoint's: rotated yearly, kept if its stack is deleted, administered only by
 * the key administrator role (which may not use it), used only as `statements` allow.
 */
export function administeredKey(
  scope: Construct,
  id: string,
  options: { description: string; administratorRoleArn: string; statements: PolicyStatement[] },
): Key {
  return new Key(scope, id, {
    description: options.description,
    enableKeyRotation: true,
    rotationPeriod: Duration.days(365),
    removalPolicy: RemovalPolicy.RETAIN,
    policy: new PolicyDocument({
      statements: [administrationBy(options.administratorRoleArn), ...options.statements],
    }),
  });
}

/** The key administrator's statement, which every key policy of ContactPoint's opens with. */
export function administrationBy(administratorRoleArn: string): PolicyStatement {
  return new PolicyStatement({
    sid: 'Administration',
    principals: [new ArnPrincipal(administratorRoleArn)],
    actions: ADMINISTRATION,
    resources: ['*'],
  });
}

/** CloudWatch Logs may use the key for this account's log groups in the key's region, and nothing else. */
export function logsEncryptOwnLogGroups(scope: Construct): PolicyStatement {
  const { account, region } = Stack.of(scope);
  return new PolicyStatement({
    sid: 'CloudWatchLogsEncryptsOwnLogGroups',
    principals: [new ServicePrincipal(`logs.${region}.amazonaws.com`)],
    actions: USE,
    resources: ['*'],
    conditions: {
      ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:aws:logs:${region}:${account}:log-group:*` },
    },
  });
}

/** A key's use by this account's principals, but only through these AWS services (and their grants). */
export function useThroughServices(scope: Construct, sid: string, services: string[]): PolicyStatement {
  const { account, region } = Stack.of(scope);
  return new PolicyStatement({
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
}

/** A key policy's denial of decryption to every principal but these roles, whatever their own policies allow. */
export function decryptableOnlyBy(readers: string[]): PolicyStatement {
  return new PolicyStatement({
    sid: 'NoDecryptForAnyoneElse',
    effect: Effect.DENY,
    principals: [new AnyPrincipal()],
    actions: ['kms:Decrypt', 'kms:ReEncrypt*'],
    resources: ['*'],
    conditions: { ArnNotEquals: { 'aws:PrincipalArn': readers } },
  });
}

/** Denies reading a secret's value to every principal but these roles, whatever their own policies allow. */
export function readableOnlyBy(secret: Secret, readers: string[]): void {
  secret.addToResourcePolicy(
    new PolicyStatement({
      sid: 'NoReadForAnyoneElse',
      effect: Effect.DENY,
      principals: [new AnyPrincipal()],
      actions: ['secretsmanager:GetSecretValue'],
      resources: ['*'],
      conditions: { ArnNotEquals: { 'aws:PrincipalArn': readers } },
    }),
  );
}
