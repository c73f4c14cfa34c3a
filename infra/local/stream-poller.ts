import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import {
  type _Record,
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  type GetShardIteratorCommandInput,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBStreamEvent } from 'aws-lambda';

/**
 * The local stand-in for a Lambda event-source mapping on a DynamoDB stream: reads new records from
 * each shard and hands them, in order and in batches, to the handler Lambda would run. The last record
 * handed over in each shard is remembered in `positionFile`, so a restart resumes after it.
 *
 * As the deployed mapping is configured (retries and record age unlimited, bisect on error): a batch
 * whose handler throws is never skipped. The shard stops there; the same records are handed over again,
 * the batch halved on each failure down to one record, with a growing pause between tries (up to
 * `maxBackoffMs`), and every failure is reported through `onError`. A success doubles the batch again.
 */
export function pollStream(options: {
  endpoint: string;
  streamArn: string;
  handler: (event: DynamoDBStreamEvent) => Promise<unknown>;
  onError: (error: unknown) => void;
  positionFile: string;
  /** The most records handed over at once (the mapping's batch size; DynamoDB Local returns at most 1,000). */
  batchSize: number;
  intervalMs?: number;
  /** The longest pause between tries of a failing batch. */
  maxBackoffMs?: number;
  /**
   * Where a shard with no saved position starts: its oldest record kept (the default: the audit sealer must
   * seal everything), or the records written from now on (a consumer that only tells of changes, started
   * after a bulk seed it has nothing to say about).
   */
  startAt?: 'oldest' | 'latest';
}): { ready: Promise<void>; stop(): Promise<void> } {
  const client = new DynamoDBStreamsClient({
    endpoint: options.endpoint,
    region: 'eu-west-2',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const position: Record<string, string> = existsSync(options.positionFile)
    ? JSON.parse(readFileSync(options.positionFile, 'utf8'))
    : {};
  const iterators = new Map<string, string | undefined>();
  /** Per shard: how many records the next batch may hold, failures in a row, and when to try again. */
  const retry = new Map<string, { limit: number; failures: number; notBefore: number }>();
  let running = true;
  let lastDescribe = 0;

  async function refreshShards(): Promise<void> {
    const { StreamDescription } = await client.send(
      new DescribeStreamCommand({ StreamArn: options.streamArn }),
    );
    for (const shard of StreamDescription?.Shards ?? []) {
      if (!shard.ShardId || iterators.has(shard.ShardId)) continue;
      iterators.set(shard.ShardId, await iteratorFor(shard.ShardId));
    }
    lastDescribe = Date.now();
  }

  /**
   * Straight after the last record handed over, when there is one: a restart never reads a long journal again
   * from its start. Otherwise from the oldest record kept, or the latest when asked (DynamoDB Local refuses
   * LATEST on an empty shard: the oldest is then the same place). Records already handed over are skipped by
   * sequence number either way.
   */
  async function iteratorFor(shardId: string): Promise<string | undefined> {
    const at = (
      ShardIteratorType: GetShardIteratorCommandInput['ShardIteratorType'],
      SequenceNumber?: string,
    ) =>
      client
        .send(
          new GetShardIteratorCommand({
            StreamArn: options.streamArn,
            ShardId: shardId,
            ShardIteratorType,
            ...(SequenceNumber && { SequenceNumber }),
          }),
        )
        .then((r) => r.ShardIterator);
    const done = position[shardId];
    try {
      if (done) return await at('AFTER_SEQUENCE_NUMBER', done);
      // Only where the poller starts: an iterator taken again later (DynamoDB Local invalidates one taken while
      // its shard was empty) must not skip what was written meanwhile.
      if (options.startAt === 'latest' && !started) return await at('LATEST');
    } catch {
      // An empty or trimmed shard: from the oldest record kept.
    }
    return at('TRIM_HORIZON');
  }

  async function drain(shardId: string, iterator: string): Promise<void> {
    const state = retry.get(shardId) ?? { limit: options.batchSize, failures: 0, notBefore: 0 };
    retry.set(shardId, state);
    if (Date.now() < state.notBefore) return;
    let page: GetRecordsCommandOutput;
    try {
      page = await client.send(
        new GetRecordsCommand({ ShardIterator: iterator, Limit: Math.min(options.batchSize, 1000) }),
      );
    } catch (error) {
      // DynamoDB Local invalidates an iterator taken while its shard was empty: take a fresh one
      // (records already handed over are skipped by sequence number).
      if ((error as Error).name !== 'TrimmedDataAccessException') throw error;
      iterators.delete(shardId);
      lastDescribe = 0;
      return;
    }
    const done = BigInt(position[shardId] ?? '0');
    const fresh = (page.Records ?? []).filter((r) => BigInt(r.dynamodb?.SequenceNumber ?? '0') > done);
    const batch = fresh.slice(0, state.limit);
    if (batch.length > 0) {
      try {
        await options.handler({ Records: batch.map(asLambdaRecord) } as unknown as DynamoDBStreamEvent);
      } catch (error) {
        // Blocked, never skipped: the same records again, half as many, after a pause.
        options.onError(error);
        state.failures++;
        state.limit = Math.max(1, Math.floor(batch.length / 2));
        state.notBefore = Date.now() + Math.min(options.maxBackoffMs ?? 30_000, 100 * 2 ** state.failures);
        return;
      }
      state.failures = 0;
      state.limit = Math.min(options.batchSize, state.limit * 2);
      position[shardId] = batch.at(-1)?.dynamodb?.SequenceNumber ?? String(done);
      writeFileSync(options.positionFile, JSON.stringify(position));
      // Part of the page is still to be handed over: read it again from the same iterator.
      if (batch.length < fresh.length) return;
    }
    iterators.set(shardId, page.NextShardIterator);
  }

  // Every shard's starting place is taken before the poller counts as started: with `latest`, nothing written
  // after `ready` is missed.
  let started = false;
  const ready = refreshShards()
    .catch((error) => {
      lastDescribe = 0;
      options.onError(error);
    })
    .finally(() => {
      started = true;
    });
  const loop = (async () => {
    await ready;
    while (running) {
      try {
        if (Date.now() - lastDescribe > 5_000) await refreshShards();
        for (const [shardId, iterator] of iterators) if (iterator) await drain(shardId, iterator);
      } catch (error) {
        options.onError(error);
      }
      await new Promise((r) => setTimeout(r, options.intervalMs ?? 200));
    }
  })();

  return {
    ready,
    stop: async () => {
      running = false;
      await loop;
      client.destroy();
    },
  };
}

/** A record as Lambda hands it over: the SDK reads the creation time as a Date, Lambda gives epoch seconds. */
function asLambdaRecord(record: _Record): _Record | Record<string, unknown> {
  const at = record.dynamodb?.ApproximateCreationDateTime;
  return at instanceof Date
    ? {
        ...record,
        dynamodb: { ...record.dynamodb, ApproximateCreationDateTime: Math.floor(at.getTime() / 1000) },
      }
    : record;
}
