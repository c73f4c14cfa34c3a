import { Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { AnyPrincipal, Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type IBucket,
  ObjectLockRetention,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { ARCHIVE_PREFIX } from '#adapters/archive/child-archive.ts';
import type { Environment } from '../config/environments.ts';
import { archiveBucketName } from '../constructs/names.ts';

/** Where the archive bucket's server access logs go in the access-log bucket. */
export const ARCHIVE_ACCESS_LOG_PREFIX = 'archive-bucket/';

/**
 * R7: six years (plus the two leap days any six years may hold) — the default retention of an object put
 * without its own, which the retention job never does: it locks each archive until its purge day.
 */
export const ARCHIVE_RETENTION_DAYS = 6 * 365 + 2;
/**
 * The lifecycle's backstop: an archive the purge job missed (it stopped, or failed) is expired a month after its
 * six years, once Object Lock allows it. The purge job normally destroys it on its purge day.
 */
export const ARCHIVE_EXPIRY_DAYS = ARCHIVE_RETENTION_DAYS + 30;

export interface ArchiveStackProps extends StackProps {
  environment: Environment;
  archiveKey: IKey;
  /** The audit stack's access-log bucket, whose policy lets S3 deliver this bucket's logs. */
  accessLogsBucket: IBucket;
}

/**
 * R7: the archive of records that have left the live directory — encrypted with the archive key, versioned,
 * Object Lock in compliance mode (decision 0011), TLS only, no public access, server access logs. Stateful:
 * termination protection, and the bucket is retained.
 */
export class ArchiveStack extends Stack {
  readonly bucket: Bucket;
  /** The bucket's ARN as the API and jobs stacks import it, and its export's name (their grants name it). */
  readonly bucketArn: string;
  readonly bucketArnExportName: string;

  constructor(scope: Construct, id: string, props: ArchiveStackProps) {
    super(scope, id, props);
    this.bucket = new Bucket(this, 'ArchiveBucket', {
      bucketName: archiveBucketName(props.environment.name, this.account),
      encryption: BucketEncryption.KMS,
      encryptionKey: props.archiveKey,
      bucketKeyEnabled: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      versioned: true,
      objectLockEnabled: true,
      objectLockDefaultRetention: ObjectLockRetention.compliance(Duration.days(ARCHIVE_RETENTION_DAYS)),
      // By name, as the feeds bucket does: the audit stack's own statement names this bucket as the source.
      serverAccessLogsBucket: Bucket.fromBucketName(this, 'AccessLogs', props.accessLogsBucket.bucketName),
      serverAccessLogsPrefix: ARCHIVE_ACCESS_LOG_PREFIX,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        {
          id: 'ExpireArchivesTheJobMissed',
          expiration: Duration.days(ARCHIVE_EXPIRY_DAYS),
          noncurrentVersionExpiration: Duration.days(ARCHIVE_EXPIRY_DAYS),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
        { id: 'RemoveExpiredDeleteMarkers', expiredObjectDeleteMarker: true },
      ],
    });
    // Every archive is encrypted with the archive key, whatever a writer asks for.
    this.bucket.addToResourcePolicy(
      new PolicyStatement({
        sid: 'ArchivesUseTheArchiveKey',
        effect: Effect.DENY,
        principals: [new AnyPrincipal()],
        actions: ['s3:PutObject'],
        resources: [this.bucket.arnForObjects(`${ARCHIVE_PREFIX}*`)],
        conditions: {
          StringNotEqualsIfExists: {
            's3:x-amz-server-side-encryption-aws-kms-key-id': props.archiveKey.keyArn,
          },
        },
      }),
    );
    this.bucketArnExportName = `${id}-ArchiveBucketArn`;
    this.bucketArn = this.exportValue(this.bucket.bucketArn, { name: this.bucketArnExportName });
    for (const pack of ['HIPAA.Security', 'NIST.800.53.R5']) {
      Validations.of(this.bucket).acknowledge({
        id: `${pack}::${pack}-S3BucketReplicationEnabled`,
        reason:
          'Cross-region replication would copy children’s archived records out of London, the only UK region. Object Lock in compliance mode keeps every version for its six years whoever asks, and the key-deletion alarm covers losing the archive key; a second copy would only be a second place to protect.',
      });
    }
  }
}
