import { Stack } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { CfnEventSourceMapping } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import type { StreamFunction } from '#functions/define-function.ts';
import { ContactPointFunction, type FunctionContext } from './contactpoint-function.ts';
import { DeadLetterQueue } from './dead-letter-queue.ts';

/**
 * The house stream consumer: its function reads the declared table's stream in order, one batch at a
 * time (concurrency 1, parallelisation 1, so whatever it builds never forks), from the oldest record
 * kept. A batch that keeps failing is reported to an on-failure queue; the stream waits rather than
 * skipping ahead while retries last.
 */
export class StreamConsumer extends Construct {
  readonly fn: ContactPointFunction;

  constructor(scope: Construct, id: string, props: { definition: StreamFunction; context: FunctionContext }) {
    super(scope, id);
    const { definition, context } = props;
    const { table: tableId, batchSize, batchingWindowSeconds } = definition.trigger;
    const binding = context.tables[tableId];
    const streamArn = binding?.table.tableStreamArn;
    if (!binding || !streamArn)
      throw new Error(`${definition.name} consumes the ${tableId} table's stream, which it has not`);
    const region = Stack.of(this).region;
    const failures = new DeadLetterQueue(this, 'Failures', {
      key: context.logsKey,
      purpose: `the stream consumer ${definition.name} (its event-source mapping’s on-failure destination)`,
    }).queue;
    this.fn = new ContactPointFunction(this, 'Consumer', {
      definition,
      context,
      reservedConcurrency: 1,
      extraStatements: [
        new PolicyStatement({
          sid: 'ReadStream',
          actions: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'],
          resources: [streamArn],
        }),
        new PolicyStatement({ sid: 'ListStreams', actions: ['dynamodb:ListStreams'], resources: ['*'] }),
        new PolicyStatement({
          sid: 'DecryptStream',
          actions: ['kms:Decrypt', 'kms:DescribeKey'],
          resources: [binding.key.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': `dynamodb.${region}.amazonaws.com` } },
        }),
        new PolicyStatement({
          sid: 'ReportFailedBatches',
          actions: ['sqs:SendMessage'],
          resources: [failures.queueArn],
        }),
        new PolicyStatement({
          sid: 'EncryptFailedBatches',
          actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
          resources: [context.logsKey.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': `sqs.${region}.amazonaws.com` } },
        }),
      ],
      noDeadLetterQueueBecause:
        'Invoked by a DynamoDB stream event-source mapping, whose on-failure destination (a queue) keeps failed batches; a function DLQ applies only to asynchronous invocations.',
    });
    new CfnEventSourceMapping(this, 'StreamMapping', {
      functionName: this.fn.function.functionName,
      eventSourceArn: streamArn,
      startingPosition: 'TRIM_HORIZON',
      batchSize,
      maximumBatchingWindowInSeconds: batchingWindowSeconds,
      parallelizationFactor: 1,
      maximumRetryAttempts: 10,
      bisectBatchOnFunctionError: false,
      destinationConfig: { onFailure: { destination: failures.queueArn } },
    });
  }
}
