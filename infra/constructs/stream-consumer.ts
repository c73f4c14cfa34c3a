import { Stack, Validations } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { CfnEventSourceMapping } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { TABLES, type TableDefinition, type TableId } from '#adapters/dynamo/tables.ts';
import type { StreamFunction } from '#functions/define-function.ts';
import { ContactPointFunction, type FunctionContext } from './contactpoint-function.ts';

/** An event filter pattern: a stream record of an item with this sort key. */
export function sortKeyPattern(tableId: TableId, sortKey: string): Record<string, unknown> {
  const name = (TABLES[tableId] as TableDefinition).sortKey?.name;
  if (!name) throw new Error(`The ${tableId} table has no sort key to filter its stream on`);
  return { dynamodb: { Keys: { [name]: { S: [sortKey] } } } };
}

/**
 * The house stream consumer: its function reads the declared table's stream in order, one batch at a
 * time (concurrency 1, parallelisation 1, so whatever it builds never forks), from the oldest record
 * kept. A failing batch blocks the stream and is retried for as long as the stream keeps the record
 * (never skipped, so no on-failure destination), halved on each failure down to the one record that
 * fails; the iterator-age alarm fires while it is blocked.
 */
export class StreamConsumer extends Construct {
  readonly fn: ContactPointFunction;

  constructor(scope: Construct, id: string, props: { definition: StreamFunction; context: FunctionContext }) {
    super(scope, id);
    const { definition, context } = props;
    const { table: tableId, batchSize, batchingWindowSeconds, onlySortKey } = definition.trigger;
    const binding = context.tables[tableId];
    const streamArn = binding?.table.tableStreamArn;
    if (!binding || !streamArn)
      throw new Error(`${definition.name} consumes the ${tableId} table's stream, which it has not`);
    const region = Stack.of(this).region;
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
      ],
      noDeadLetterQueueBecause:
        'Invoked by a DynamoDB stream event-source mapping, which retries a failing batch until it succeeds (the stream waits; nothing is skipped); a function DLQ applies only to asynchronous invocations.',
    });
    const mapping = new CfnEventSourceMapping(this, 'StreamMapping', {
      functionName: this.fn.function.functionName,
      eventSourceArn: streamArn,
      startingPosition: 'TRIM_HORIZON',
      batchSize,
      maximumBatchingWindowInSeconds: batchingWindowSeconds,
      parallelizationFactor: 1,
      // Block, never skip: retried for as long as the stream keeps the record, halved down to the one
      // record that fails. A consumer that must not lose a record has nowhere else to send it.
      maximumRetryAttempts: -1,
      maximumRecordAgeInSeconds: -1,
      bisectBatchOnFunctionError: true,
      // Changes to other items never invoke the function (nor count against its batches).
      ...(onlySortKey !== undefined && {
        filterCriteria: {
          filters: [{ pattern: JSON.stringify(sortKeyPattern(tableId, onlySortKey)) }],
        },
      }),
    });
    Validations.of(mapping).acknowledge({
      id: 'Serverless::Serverless-LambdaEventSourceMappingDestination',
      reason:
        'Deliberately no on-failure destination: a failing batch blocks the stream and is retried (bisected to the failing record) until it succeeds, so no record is ever skipped to a queue. The iterator-age and seal-lag alarms fire while it is blocked; records that can never be read are counted and left for the verifier, not failed.',
    });
  }
}
