import { Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type CfnBucket,
  type IBucket,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import type { FeedLoadFunction } from '#functions/define-function.ts';
import type { Environment } from '../config/environments.ts';
import type { ContactPointFunction, FunctionContext } from '../constructs/contactpoint-function.ts';
import { FeedLoad } from '../constructs/feed-load.ts';
import { feedLoadStateMachineName, feedsBucketName } from '../constructs/names.ts';
import { FEEDS_ACCESS_LOG_PREFIX } from './audit-stack.ts';

/**
 * How long a feed file, its chunks, results and report are kept. They hold whole extracts of children's
 * details (or, the report, line numbers and reasons): once a load is reported and any reject followed up,
 * the directory holds what was kept of them (R1, R7), and a copy here is only a risk. Thirty days leaves
 * time to redrive a failed load or reload a file; a supplier sends the next extract anyway.
 */
export const FEED_FILE_RETENTION_DAYS = 30;
/** Rows per chunk: one invocation of the link function, its result well under 256 KB (settings.ts). */
export const FEED_CHUNK_ROWS = 500;

export interface FeedsStackProps extends StackProps {
  environment: Environment;
  /** The feed-load functions of the manifest. */
  functions: readonly FeedLoadFunction[];
  context: FunctionContext;
  feedsKey: IKey;
  /** The audit stack's access-log bucket, whose policy lets S3 deliver this bucket's logs. */
  accessLogsBucket: IBucket;
}

/**
 * R8 national feed loads: the KMS-encrypted bucket feed files land in, and the state machine that loads
 * each file into the directory (infra/constructs/feed-load.ts). Stateful (the bucket holds children's
 * details until it expires them), so it keeps termination protection and the bucket is retained.
 */
export class FeedsStack extends Stack {
  readonly bucket: Bucket;
  readonly feedLoad: FeedLoad;
  readonly functions: ContactPointFunction[];

  constructor(scope: Construct, id: string, props: FeedsStackProps) {
    super(scope, id, props);
    this.bucket = new Bucket(this, 'FeedsBucket', {
      bucketName: feedsBucketName(props.environment.name, this.account),
      encryption: BucketEncryption.KMS,
      encryptionKey: props.feedsKey,
      bucketKeyEnabled: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      versioned: true,
      // By name, not the audit stack's construct: given the construct, CDK adds to its policy a log-delivery
      // grant of its own that, across stacks, drops the source-bucket condition (any bucket's logs could then
      // be written there). The audit stack's own statement names this bucket (FeedsBucketServerAccessLogs).
      serverAccessLogsBucket: Bucket.fromBucketName(this, 'AccessLogs', props.accessLogsBucket.bucketName),
      serverAccessLogsPrefix: FEEDS_ACCESS_LOG_PREFIX,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        {
          id: 'ExpireFeedFilesAndLoads',
          expiration: Duration.days(FEED_FILE_RETENTION_DAYS),
          // A replaced or expired version goes a day later; an upload never finished, after a day too.
          noncurrentVersionExpiration: Duration.days(1),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
        { id: 'RemoveExpiredDeleteMarkers', expiredObjectDeleteMarker: true },
      ],
    });
    // Object Created events go to EventBridge, set on the bucket itself: CDK's eventBridgeEnabled would add
    // a custom-resource Lambda function to do the same.
    (this.bucket.node.defaultChild as CfnBucket).notificationConfiguration = {
      eventBridgeConfiguration: { eventBridgeEnabled: true },
    };
    for (const pack of ['HIPAA.Security', 'NIST.800.53.R5']) {
      Validations.of(this.bucket).acknowledge({
        id: `${pack}::${pack}-S3BucketReplicationEnabled`,
        reason:
          'Feed files are transient copies of suppliers’ extracts, expired after 30 days: a lost file is sent again by its supplier, and replicating children’s details to a second bucket (or out of London, the only UK region) would only add a copy to protect.',
      });
    }

    const context: FunctionContext = {
      ...props.context,
      settings: {
        ...props.context.settings,
        FEEDS_BUCKET: this.bucket.bucketName,
        FEED_CHUNK_ROWS: String(FEED_CHUNK_ROWS),
      },
    };
    this.feedLoad = new FeedLoad(this, 'FeedLoad', {
      functions: props.functions,
      context,
      bucket: this.bucket,
      key: props.feedsKey,
      stateMachineName: feedLoadStateMachineName(props.environment.name),
    });
    this.functions = this.feedLoad.functions;
  }
}
