import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pollStream } from '#infra/local/stream-poller.ts';

const streams = mockClient(DynamoDBStreamsClient);
const RECORDS = Array.from({ length: 10 }, (_, i) => ({
  eventName: 'INSERT',
  dynamodb: { SequenceNumber: String(100 + i), Keys: { eventId: { S: `EV-${i}` } } },
}));
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'contactpoint-poller-'));
  streams.reset();
  streams.on(DescribeStreamCommand).resolves({ StreamDescription: { Shards: [{ ShardId: 'shard-1' }] } });
  streams.on(GetShardIteratorCommand).resolves({ ShardIterator: 'iterator-1' });
  streams.on(GetRecordsCommand, { ShardIterator: 'iterator-1' }).resolves({
    Records: RECORDS as never,
    NextShardIterator: 'iterator-2',
  });
  streams.on(GetRecordsCommand, { ShardIterator: 'iterator-2' }).resolves({
    Records: [],
    NextShardIterator: 'iterator-2',
  });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const ids = (event: DynamoDBStreamEvent) => event.Records.map((r) => String(r.dynamodb?.Keys?.eventId?.S));

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(condition()).toBe(true);
}

describe('the local stream mapping (R6: a failing batch blocks, bisects and is never skipped)', () => {
  it('halves a failing batch down to the record that fails, retries it with a pause, reports each failure, and hands over nothing after it', async () => {
    const batches: string[][] = [];
    const succeeded: string[] = [];
    const errors: unknown[] = [];
    let broken = true;
    const poller = pollStream({
      endpoint: 'http://127.0.0.1:1',
      streamArn: 'arn:aws:dynamodb:eu-west-2:000000000000:table/audit/stream/1',
      batchSize: 8,
      intervalMs: 5,
      maxBackoffMs: 20,
      positionFile: join(dir, 'position.json'),
      onError: (error) => errors.push(error),
      handler: async (event) => {
        batches.push(ids(event));
        if (broken && ids(event).includes('EV-5')) throw new Error('cannot seal this batch');
        succeeded.push(...ids(event));
      },
    });
    try {
      await until(() => batches.filter((b) => b.length === 1 && b[0] === 'EV-5').length >= 3);
      // Every record before the failing one went through, in order, once; none after it.
      expect(succeeded).toEqual(['EV-0', 'EV-1', 'EV-2', 'EV-3', 'EV-4']);
      expect(batches[0]).toEqual(['EV-0', 'EV-1', 'EV-2', 'EV-3', 'EV-4', 'EV-5', 'EV-6', 'EV-7']);
      expect(batches[1]).toEqual(['EV-0', 'EV-1', 'EV-2', 'EV-3']);
      expect(errors.length).toBe(batches.filter((b) => b.includes('EV-5')).length);
      // The stand-in for a fix: once the record can be sealed, the stream goes on from it.
      broken = false;
      await until(() => succeeded.includes('EV-9'));
      expect(succeeded).toEqual(RECORDS.map((_, i) => `EV-${i}`));
    } finally {
      await poller.stop();
    }
  });
});

describe('where the local stream mapping starts reading', () => {
  const start = (options: { startAt?: 'oldest' | 'latest'; saved?: string }) => {
    if (options.saved)
      writeFileSync(join(dir, 'position.json'), JSON.stringify({ 'shard-1': options.saved }));
    return pollStream({
      endpoint: 'http://127.0.0.1:1',
      streamArn: 'arn:aws:dynamodb:eu-west-2:000000000000:table/children/stream/1',
      batchSize: 8,
      intervalMs: 5,
      positionFile: join(dir, 'position.json'),
      onError: () => undefined,
      handler: async () => undefined,
      ...(options.startAt && { startAt: options.startAt }),
    });
  };
  const iteratorAsked = () =>
    streams
      .commandCalls(GetShardIteratorCommand)
      .map((c) => [c.args[0].input.ShardIteratorType, c.args[0].input.SequenceNumber]);

  it('resumes straight after the last record it handed over, never reading the journal again from its start', async () => {
    const poller = start({ saved: '104' });
    await poller.ready;
    await poller.stop();
    expect(iteratorAsked()).toEqual([['AFTER_SEQUENCE_NUMBER', '104']]);
  });

  it('starts from the latest record when asked and nothing was handed over yet, else from the oldest kept', async () => {
    const latest = start({ startAt: 'latest' });
    await latest.ready;
    await latest.stop();
    rmSync(join(dir, 'position.json'), { force: true });
    const oldest = start({});
    await oldest.ready;
    await oldest.stop();
    expect(iteratorAsked()).toEqual([
      ['LATEST', undefined],
      ['TRIM_HORIZON', undefined],
    ]);
  });
});
