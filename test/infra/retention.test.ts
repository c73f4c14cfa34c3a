import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { FUNCTIONS } from '#functions/manifest.ts';
import { ARCHIVE_EXPIRY_DAYS, ARCHIVE_RETENTION_DAYS } from '#infra/stacks/archive-stack.ts';
import { type Synthesised, synthesise } from './synth.ts';

let out: Synthesised;
let archive: Template;
let keys: Template;
let jobs: Template;
let api: Template;

beforeAll(async () => {
  out = await synthesise();
  archive = out.template('Archive');
  keys = out.template('Keys');
  jobs = out.template('Jobs');
  api = out.template('Api');
}, 180_000);

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;
const resourcesOf = (t: Template, type: string) => Object.values(t.findResources(type) as Resources);
const policyOf = (t: Template, functionName: string) => {
  const found = resourcesOf(t, 'AWS::IAM::ManagedPolicy').find(
    (p) => p.Properties.Description === `ContactPoint ${functionName}`,
  );
  if (!found) throw new Error(`No managed policy for ${functionName}`);
  return found.Properties.PolicyDocument as { Statement: { Action: string | string[]; Resource: unknown }[] };
};
const actionsOf = (policy: ReturnType<typeof policyOf>) => policy.Statement.flatMap((s) => [s.Action].flat());

describe('R7: the archive bucket', () => {
  it('encrypts with the archive key (KMS), locks every version in compliance mode for six years and keeps versions', () => {
    archive.hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockEnabled: true,
      ObjectLockConfiguration: {
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: ARCHIVE_RETENTION_DAYS } },
      },
      VersioningConfiguration: { Status: 'Enabled' },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          Match.objectLike({
            BucketKeyEnabled: true,
            ServerSideEncryptionByDefault: {
              SSEAlgorithm: 'aws:kms',
              KMSMasterKeyID: { 'Fn::ImportValue': Match.stringLikeRegexp('ArchiveKey') },
            },
          }),
        ],
      },
    });
    expect(ARCHIVE_RETENTION_DAYS).toBeGreaterThanOrEqual(6 * 365);
  });

  it('blocks all public access, logs server access, and expires what the purge job missed once the lock allows', () => {
    archive.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'archive-bucket/' }),
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({
            ExpirationInDays: ARCHIVE_EXPIRY_DAYS,
            NoncurrentVersionExpiration: { NoncurrentDays: ARCHIVE_EXPIRY_DAYS },
            Status: 'Enabled',
          }),
        ]),
      },
    });
    expect(ARCHIVE_EXPIRY_DAYS).toBeGreaterThan(ARCHIVE_RETENTION_DAYS);
  });

  it('refuses any request without TLS, and any archive written with another key, to every principal', () => {
    archive.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({
            Sid: 'ArchivesUseTheArchiveKey',
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: 's3:PutObject',
          }),
        ]),
      },
    });
  });

  it('keeps the archive key rotated yearly and usable by the account only through S3', () => {
    const key = resourcesOf(keys, 'AWS::KMS::Key').find((k) =>
      String(k.Properties.Description).includes('archived child records'),
    );
    expect(key?.Properties.EnableKeyRotation).toBe(true);
    const use = JSON.stringify(key?.Properties.KeyPolicy);
    expect(use).toContain('s3.eu-west-2.amazonaws.com');
    expect(use).not.toContain('dynamodb.eu-west-2.amazonaws.com');
  });
});

describe('R7: the retention job', () => {
  it('runs daily at 02:30 UTC — after midnight in London in winter and in summer — with retries and a dead-letter queue', () => {
    jobs.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'cron(30 2 * * ? *)',
      Targets: [
        Match.objectLike({
          RetryPolicy: { MaximumRetryAttempts: 2 },
          DeadLetterConfig: Match.objectLike({ Arn: Match.anyValue() }),
        }),
      ],
    });
  });

  it('may query the retention index and delete a leaving child’s items, but never Scan, update or batch-write', () => {
    const policy = policyOf(jobs, 'run-retention');
    const dynamo = actionsOf(policy).filter((a) => a.startsWith('dynamodb:'));
    expect(dynamo).not.toContain('dynamodb:Scan');
    expect(dynamo).not.toContain('dynamodb:UpdateItem');
    expect(dynamo).not.toContain('dynamodb:BatchWriteItem');
    // The due records by the retention index; what else names a leaving child by the indexes on who it names.
    for (const index of ['byRetentionDay', 'byOwnerChild', 'byNotChild', 'byCandidate'])
      expect(JSON.stringify(policy)).toContain(`/index/${index}`);
    // No table beyond the record's own, its involvements and contact requests, the review items naming it, the
    // alerts about it in its practitioners' inboxes (R9), and the audit trail (append).
    const tables = new Set(JSON.stringify(policy).match(/FnGetAtt([A-Za-z]+Table)/g));
    expect([...tables].sort()).toEqual(
      [
        'FnGetAttAlertsTable',
        'FnGetAttAuditTable',
        'FnGetAttChildrenTable',
        'FnGetAttContactRequestsTable',
        'FnGetAttInvolvementsTable',
        'FnGetAttReviewsTable',
      ].sort(),
    );
  });

  it('writes, lists and destroys archives under children/ only, and never changes a lock or bypasses one', () => {
    const policy = policyOf(jobs, 'run-retention');
    const s3 = actionsOf(policy).filter((a) => a.startsWith('s3:'));
    expect(s3.sort()).toEqual(
      [
        's3:DeleteObjectVersion',
        's3:GetObject',
        's3:ListBucketVersions',
        's3:PutObject',
        's3:PutObjectRetention',
      ].sort(),
    );
    expect(JSON.stringify(policy)).toContain('/children/*');
    for (const forbidden of [
      's3:BypassGovernanceRetention',
      's3:PutObjectLegalHold',
      's3:PutBucketObjectLockConfiguration',
    ])
      expect(s3).not.toContain(forbidden);
  });
});

describe('R7: who reaches the archive', () => {
  it('gives the archive to exactly the retention job (write) and the auditors’ investigation read (read only)', () => {
    const reaching = FUNCTIONS.filter((f) => f.archive).map((f) => [f.name, f.archive]);
    expect(reaching.sort()).toEqual([
      ['read-archived-child', 'read'],
      ['run-retention', 'write'],
    ]);
    const reader = policyOf(api, 'read-archived-child');
    expect(actionsOf(reader).filter((a) => a.startsWith('s3:'))).toEqual(['s3:GetObject']);
    for (const template of [api, jobs]) {
      for (const policy of resourcesOf(template, 'AWS::IAM::ManagedPolicy')) {
        const text = JSON.stringify(policy);
        const name = String(policy.Properties.Description).replace('ContactPoint ', '');
        if (!['run-retention', 'read-archived-child'].includes(name))
          expect(text, name).not.toContain('ArchiveBucket');
      }
    }
  });
});
