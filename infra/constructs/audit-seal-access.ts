import { Stack, Validations } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { AUDIT_SEAL_HEAD_KEY, AUDIT_SEAL_PREFIX } from '#adapters/audit/seal-objects.ts';
import type { ContactPointFunction } from './contactpoint-function.ts';

// Named once, where the seal store writes them; the stacks grant and guard the same keys.
export { AUDIT_SEAL_HEAD_KEY, AUDIT_SEAL_PREFIX };

export interface AuditSealResources {
  /** The Object Lock bucket's ARN, imported by the name the audit stack exports it under. */
  bucketArn: string;
  bucketArnExportName: string;
  /** The HMAC key that authenticates each seal. */
  macKey: IKey;
  /** The key the bucket encrypts with. */
  auditKey: IKey;
}

/**
 * R6: what sealing and verifying need, and no more — the sealer may generate MACs, write (never delete)
 * seal objects and the events kept with them, and move the head hint; the verifier may verify MACs, read
 * them and list their versions (a seal with two versions was replaced).
 */
export function grantAuditSeals(
  fn: ContactPointFunction,
  mode: 'seal' | 'verify',
  { bucketArn, bucketArnExportName, macKey, auditKey }: AuditSealResources,
): void {
  const seals = mode === 'seal';
  const region = Stack.of(fn).region;
  fn.policy.addStatements(
    new PolicyStatement({
      sid: seals ? 'SealWithHmac' : 'VerifyHmac',
      actions: [seals ? 'kms:GenerateMac' : 'kms:VerifyMac'],
      resources: [macKey.keyArn],
    }),
    new PolicyStatement({
      sid: seals ? 'WriteSeals' : 'ReadSeals',
      actions: seals ? ['s3:GetObject', 's3:PutObject'] : ['s3:GetObject'],
      resources: [
        `${bucketArn}/${AUDIT_SEAL_PREFIX}*`,
        ...(seals ? [`${bucketArn}/${AUDIT_SEAL_HEAD_KEY}`] : []),
      ],
    }),
    new PolicyStatement({
      sid: 'ListSeals',
      actions: seals ? ['s3:ListBucket'] : ['s3:ListBucket', 's3:ListBucketVersions'],
      resources: [bucketArn],
      conditions: {
        StringLike: {
          's3:prefix': [`${AUDIT_SEAL_PREFIX}*`, ...(seals ? [AUDIT_SEAL_HEAD_KEY] : [])],
        },
      },
    }),
    new PolicyStatement({
      sid: seals ? 'EncryptSeals' : 'DecryptSeals',
      actions: seals ? ['kms:GenerateDataKey', 'kms:Decrypt'] : ['kms:Decrypt'],
      resources: [auditKey.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `s3.${region}.amazonaws.com` } },
    }),
  );
  Validations.of(fn.policy).acknowledge({
    id: `AwsSolutions::AwsSolutions-IAM5[Resource::${bucketArnExportName}/${AUDIT_SEAL_PREFIX}*]`,
    reason: seals
      ? 'Seal objects are named by sequence number at run time; the wildcard covers the audit-seals/ prefix of this one bucket only.'
      : 'Seal objects are named by sequence number; the verifier reads every seal under the audit-seals/ prefix of this one bucket.',
  });
}
