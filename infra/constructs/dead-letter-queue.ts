import { Duration, Validations } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/**
 * Where failed events of `purpose` are kept, 14 days, encrypted, TLS only. Being a dead-letter queue
 * itself, it needs none of its own — said once, here, for the cdk-nag packs.
 */
export class DeadLetterQueue extends Construct {
  readonly queue: Queue;

  constructor(scope: Construct, id: string, props: { key: IKey; purpose: string }) {
    super(scope, id);
    this.queue = new Queue(this, 'Queue', {
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: props.key,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    for (const rule of ['AwsSolutions::AwsSolutions-SQS3', 'Serverless::Serverless-SQSRedrivePolicy']) {
      Validations.of(this.queue).acknowledge({
        id: rule,
        reason: `This queue is itself the dead-letter queue of ${props.purpose}; nothing consumes it to fail again.`,
      });
    }
  }
}
