import {
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  ScanCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { documentClient } from '#adapters/dynamo/client.ts';
import { StorageUnavailableError } from '#adapters/dynamo/errors.ts';
import { keys } from '#adapters/dynamo/keys.ts';
import {
  ChildRekeying,
  InvalidRekeyCursorError,
  type RekeyCursor,
  RekeyFailedError,
} from '#adapters/dynamo/rekey-children.ts';
import { BlockingKeyHasher } from '#adapters/keys/blocking-key-hasher.ts';
import { PreconditionFailedError } from '#domain/errors.ts';
import { leavingDay } from '#domain/retention/rule.ts';
import { aChild } from '../../support/builders.ts';
import { lambdaContext } from '../../support/events.ts';

const db = mockClient(DynamoDBDocumentClient);
const hasher = new BlockingKeyHasher({ current: 'k2', k2: 'b'.repeat(40), k1: 'a'.repeat(40) });
const tables = { children: 'unit-children', audit: 'unit-audit' };
const child = aChild({ nhsNumber: '9434765919', upn: 'X801200001001' });
const stored = { ...child, sk: 'RECORD', keyGeneration: 'b3.k1' };
/** Where the record stands in the retention index (R7), as every write since the index exists puts it. */
const leavingIndexes = keys.leavingIndexes(child.childId, leavingDay(child));
const rekeying = (options = {}) =>
  new ChildRekeying(documentClient('eu-west-2'), tables, () => Promise.resolve(hasher), options);
const counts = { rekeyed: 0, alreadyCurrent: 0, retried: 0, gone: 0, remaining: 0 };
/** The record's generation update: the first item of each re-keying transaction. */
const updatesSent = () =>
  db
    .commandCalls(TransactWriteCommand)
    .map((call) => call.args[0].input.TransactItems?.[0]?.Update?.ExpressionAttributeValues);

/** The generation update of a record at `version`, which also keeps its place in the retention index (R7). */
const rekeyedFrom = (version: number) => ({
  ':generation': 'b3.k2',
  ':expected': version,
  ':day': '2034-04-09',
  ':shard': expect.stringMatching(/^LEAVE#\d+$/),
});

beforeEach(() => {
  db.reset();
  db.on(QueryCommand).resolves({ Items: [{ sk: 'KEY#old' }] });
});

describe('the re-keying migration', () => {
  it('resumes from a cursor: scans only unfinished segments, each from its saved position, and keeps the counts', async () => {
    db.on(ScanCommand).resolves({ Items: [stored] });
    db.on(TransactWriteCommand).resolves({});
    const saved: RekeyCursor = {
      generation: hasher.generation,
      pass: 'rekey',
      segments: [{ done: true }, { done: false, startKey: { childId: 'CP0000000001', sk: 'RECORD' } }],
      counts: { ...counts, rekeyed: 7 },
    };
    const job = rekeying({ totalSegments: 2 });
    const next = await job.nextPage(await job.resume(saved));
    const scans = db.commandCalls(ScanCommand).map((c) => c.args[0].input);
    expect(scans).toEqual([
      expect.objectContaining({
        Segment: 1,
        TotalSegments: 2,
        ExclusiveStartKey: { childId: 'CP0000000001', sk: 'RECORD' },
        FilterExpression: 'sk = :record',
      }),
    ]);
    expect(updatesSent()).toEqual([rekeyedFrom(child.version)]);
    // Every segment finished: the check pass starts, from the beginning of every segment.
    expect(next).toEqual({
      generation: 'b3.k2',
      pass: 'check',
      segments: [{ done: false }, { done: false }],
      counts: { ...counts, rekeyed: 8 },
    });
    expect(saved.counts.rekeyed).toBe(7);
  });

  it('keeps a segment’s place when its page has more to come, and counts records already current without writing', async () => {
    db.on(ScanCommand).resolves({
      Items: [{ ...stored, ...leavingIndexes, keyGeneration: 'b3.k2' }],
      LastEvaluatedKey: { childId: child.childId, sk: 'RECORD' },
    });
    const job = rekeying({ totalSegments: 1 });
    const next = await job.nextPage(await job.start());
    expect(next.segments).toEqual([{ done: false, startKey: { childId: child.childId, sk: 'RECORD' } }]);
    expect(next.counts).toEqual({ ...counts, alreadyCurrent: 1 });
    expect(db.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('backfills the retention index (R7): a current record stored before it existed gets its leaving day, nothing else', async () => {
    db.on(ScanCommand).resolves({ Items: [{ ...stored, keyGeneration: 'b3.k2' }] });
    db.on(TransactWriteCommand).resolves({});
    const job = rekeying({ totalSegments: 1 });
    const next = await job.nextPage(await job.start());
    const sent = db.commandCalls(TransactWriteCommand).map((call) => call.args[0].input.TransactItems);
    expect(sent).toHaveLength(1);
    // Only the record's index attributes, only if it is still as read: no key item, no claim rewritten.
    expect(sent[0]).toEqual([
      {
        Update: expect.objectContaining({
          UpdateExpression: 'SET retentionShard = :shard, retentionDay = :day',
          ConditionExpression: 'version = :expected AND keyGeneration = :generation',
          ExpressionAttributeValues: {
            ':generation': 'b3.k2',
            ':expected': child.version,
            ':day': '2034-04-09',
            ':shard': leavingIndexes.retentionShard,
          },
        }),
      },
    ]);
    expect(next.counts).toEqual({ ...counts, rekeyed: 1 });
  });

  it.each([
    ['the record changed (a failed version condition)', new PreconditionFailedError('changed')],
    [
      'a concurrent transaction won',
      new StorageUnavailableError({
        cause: Object.assign(new Error('cancelled'), {
          CancellationReasons: [{ Code: 'TransactionConflict' }],
        }),
      }),
    ],
  ])('re-reads and re-keys a record again when %s, and counts the retry', async (_, conflict) => {
    db.on(ScanCommand).resolves({ Items: [stored] });
    db.on(TransactWriteCommand).rejectsOnce(conflict).resolves({});
    db.on(GetCommand).resolves({ Item: { ...stored, version: child.version + 1 } });
    const job = rekeying({ totalSegments: 1 });
    const next = await job.nextPage(await job.start());
    expect(updatesSent()).toEqual([rekeyedFrom(child.version), rekeyedFrom(child.version + 1)]);
    expect(next.counts).toEqual({ ...counts, rekeyed: 1, retried: 1 });
  });

  it('stops with an error rather than skip a record that keeps failing, leaving the cursor it was given', async () => {
    db.on(ScanCommand).resolves({ Items: [stored] });
    db.on(TransactWriteCommand).rejects(new PreconditionFailedError('changed'));
    db.on(GetCommand).resolves({ Item: stored });
    const job = rekeying({ totalSegments: 1, maxAttempts: 3 });
    const start = await job.start();
    const error = await job.run(start).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RekeyFailedError);
    expect(db.commandCalls(TransactWriteCommand)).toHaveLength(3);
    expect(start.segments).toEqual([{ done: false }]);
    expect(JSON.stringify(start.counts)).toBe(JSON.stringify(counts));
  });

  it('resumes from a scan that stopped at a feed row’s link, an identity claim or any other item of the table', async () => {
    db.on(ScanCommand).resolves({ Items: [] });
    const job = rekeying({ totalSegments: 1 });
    for (const sk of [
      'LINK',
      'PENDING',
      'NOT#CP0000000001',
      'IDENTITY',
      'SOURCE#births#abc',
      'CLAIM',
      'KEY#abc',
      // R7: what a child that has left leaves behind: its archive entry, and tombstones where its keys were.
      'ARCHIVED',
      'GONE',
    ]) {
      const saved: RekeyCursor = {
        generation: hasher.generation,
        pass: 'rekey',
        segments: [{ done: false, startKey: { childId: 'SOURCE#abc', sk } }],
        counts,
      };
      await expect(job.resume(saved), sk).resolves.toMatchObject({ segments: [{ startKey: { sk } }] });
    }
    const odd: RekeyCursor = {
      generation: hasher.generation,
      pass: 'rekey',
      segments: [{ done: false, startKey: { childId: 'X', sk: 'WHATEVER' } }],
      counts,
    };
    await expect(job.resume(odd)).rejects.toThrow(InvalidRekeyCursorError);
  });

  it('refuses a cursor made for another generation of the secret', async () => {
    const stale = { ...(await rekeying().start()), generation: 'b3.k1' };
    await expect(rekeying().resume(stale)).rejects.toThrow(InvalidRekeyCursorError);
    await expect(rekeying().run(stale)).rejects.toThrow(InvalidRekeyCursorError);
    expect(db.commandCalls(ScanCommand)).toHaveLength(0);
  });

  const valid: RekeyCursor = {
    generation: 'b3.k2',
    pass: 'rekey',
    segments: [{ done: true }, { done: false, startKey: { childId: 'CP0000000001', sk: 'KEY#abc' } }],
    counts,
  };
  it.each<[string, unknown]>([
    ['no segments (would skip the whole scan)', { ...valid, segments: [] }],
    [
      'fewer segments than the run scans (TotalSegments would change mid-scan)',
      { ...valid, segments: [{ done: true }] },
    ],
    ['more segments than the run scans', { ...valid, segments: [...valid.segments, { done: false }] }],
    ['a field that is not a cursor’s', { ...valid, extra: true }],
    [
      'a start key with another attribute',
      {
        ...valid,
        segments: [{ done: true }, { done: false, startKey: { childId: 'CP1', sk: 'RECORD', x: 1 } }],
      },
    ],
    [
      'a start key of another table',
      { ...valid, segments: [{ done: true }, { done: false, startKey: { pk: 'ORG#1', sk: 'ORG' } }] },
    ],
    [
      'a start key whose sort key no children-table item has',
      { ...valid, segments: [{ done: true }, { done: false, startKey: { childId: 'CP1', sk: 'USER' } }] },
    ],
    [
      'a finished segment with a start key',
      { ...valid, segments: [{ done: true, startKey: { childId: 'CP1', sk: 'RECORD' } }, { done: true }] },
    ],
    ['a negative count', { ...valid, counts: { ...counts, rekeyed: -1 } }],
    ['a fractional count', { ...valid, counts: { ...counts, gone: 0.5 } }],
    ['a missing count', { ...valid, counts: { rekeyed: 0, alreadyCurrent: 0, retried: 0, gone: 0 } }],
    ['a remaining count in the rekey pass', { ...valid, counts: { ...counts, remaining: 3 } }],
    ['another pass', { ...valid, pass: 'done' }],
    ['not an object', 'cursor'],
  ])('refuses a cursor with %s, before scanning anything', async (_, cursor) => {
    const job = rekeying({ totalSegments: 2 });
    await expect(job.resume(cursor)).rejects.toThrow(InvalidRekeyCursorError);
    await expect(job.run(cursor)).rejects.toThrow(InvalidRekeyCursorError);
    expect(db.commandCalls(ScanCommand)).toHaveLength(0);
    expect(db.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('restarts an unsealed check pass from the beginning of every segment, never keeping its remaining count', async () => {
    db.on(ScanCommand).resolves({ Count: 3 });
    const job = rekeying({ totalSegments: 2 });
    // A forged or stale cursor: the check "finished", or half-way with a remaining count of its own.
    for (const given of [
      { ...valid, pass: 'check', segments: [{ done: true }, { done: true }] },
      {
        ...valid,
        pass: 'check',
        segments: [{ done: true }, { done: false }],
        counts: { ...counts, remaining: 40 },
      },
    ]) {
      db.resetHistory();
      const resumed = await job.resume(given);
      expect(resumed).toMatchObject({ pass: 'check', segments: [{ done: false }, { done: false }] });
      expect(resumed.counts.remaining).toBe(0);
      const end = await job.run(given);
      expect(end.counts.remaining).toBe(6);
      expect(
        db.commandCalls(ScanCommand).map((c) => [c.args[0].input.Segment, c.args[0].input.ExclusiveStartKey]),
      ).toEqual([
        [0, undefined],
        [1, undefined],
      ]);
    }
  });

  it('seals the cursors it hands out: a sealed check pass resumes where it was, an altered one is refused', async () => {
    const page = { Count: 2, LastEvaluatedKey: { childId: 'CP0000000001', sk: 'KEY#abc' } };
    db.on(ScanCommand).resolves(page);
    const job = rekeying({ totalSegments: 1 });
    const checking = await job.run(
      { ...valid, pass: 'check', segments: [{ done: false }] },
      {
        keepGoing: (() => {
          let pages = 0;
          return () => pages++ < 1;
        })(),
      },
    );
    expect(checking.mac).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(checking.counts.remaining).toBe(2);
    expect(checking.segments).toEqual([{ done: false, startKey: page.LastEvaluatedKey }]);
    // As the state machine hands it back: JSON, to another instance of the job.
    const handedBack = JSON.parse(JSON.stringify(checking)) as RekeyCursor;
    const again = rekeying({ totalSegments: 1 });
    db.reset();
    db.on(ScanCommand).resolves({ Count: 1 });
    const end = await again.run(handedBack);
    expect(db.commandCalls(ScanCommand).map((c) => c.args[0].input.ExclusiveStartKey)).toEqual([
      page.LastEvaluatedKey,
    ]);
    expect(end.counts.remaining).toBe(3);
    for (const altered of [
      { ...handedBack, counts: { ...handedBack.counts, remaining: 0 } },
      { ...handedBack, segments: [{ done: true }] },
      { ...handedBack, mac: 'A'.repeat(22) },
    ])
      await expect(again.resume(altered)).rejects.toThrow(InvalidRekeyCursorError);
    // A seal made under another key does not hold under this one.
    const otherKey = new ChildRekeying(
      documentClient('eu-west-2'),
      tables,
      () => Promise.resolve(new BlockingKeyHasher({ current: 'k2', k2: 'c'.repeat(40) })),
      { totalSegments: 1 },
    );
    await expect(otherKey.resume(handedBack)).rejects.toThrow(InvalidRekeyCursorError);
  });

  it('takes in nextPage only a cursor it made, so a forged finished check cannot be returned as done', async () => {
    const job = rekeying({ totalSegments: 1 });
    const forged: RekeyCursor = { ...valid, pass: 'check', segments: [{ done: true }] };
    await expect(job.nextPage(forged)).rejects.toThrow(InvalidRekeyCursorError);
    const made = await job.start();
    expect(() => {
      (made.segments as { done: boolean }[])[0] = { done: true };
    }).toThrow(TypeError);
  });

  it('counts in its check pass, in pages of the largest size, the records still under an older generation', async () => {
    db.on(ScanCommand).resolves({ Count: 2 });
    const checking: RekeyCursor = {
      ...(await rekeying({ totalSegments: 1 }).start()),
      pass: 'check',
    };
    const end = await rekeying({ totalSegments: 1 }).run(checking);
    expect(end.counts.remaining).toBe(2);
    expect(db.commandCalls(ScanCommand)[0]?.args[0].input).toMatchObject({
      Select: 'COUNT',
      ExpressionAttributeValues: { ':record': 'RECORD', ':generation': 'b3.k2' },
    });
    // R7: a record with no leaving day is not done either (the index's backfill).
    expect(db.commandCalls(ScanCommand)[0]?.args[0].input.FilterExpression).toContain(
      'attribute_not_exists(retentionDay)',
    );
    // Only counting: pages of DynamoDB's largest size, so a whole check fits one invocation of the job.
    expect(db.commandCalls(ScanCommand)[0]?.args[0].input.Limit).toBeUndefined();
  });
});

describe('the rekey-children job', () => {
  let written: string[];
  beforeEach(() => {
    written = [];
    const capture = (chunk: unknown) => {
      written.push(String(chunk));
      return true;
    };
    vi.spyOn(process.stdout, 'write').mockImplementation(capture);
    vi.spyOn(process.stderr, 'write').mockImplementation(capture);
    // A fresh logger at DEBUG for the handler imported below (the one the test file's imports made is
    // silent, and the Lambda middleware puts a logger back to the level it was made with on every call).
    process.env.POWERTOOLS_LOG_LEVEL = 'DEBUG';
    vi.resetModules();
  });
  afterEach(() => {
    vi.restoreAllMocks();
    process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  });

  it('never reports done with nothing remaining from a forged cursor: it refuses one and checks every segment for another', async () => {
    const { handler, STOP_WHEN_LESS_THAN_MS } = await import('#functions/rekey-children/handler.ts');
    // The classes of the modules imported afresh for this test (see beforeEach).
    const { InvalidRekeyCursorError } = await import('#adapters/dynamo/rekey-children.ts');
    const short = { ...lambdaContext, getRemainingTimeInMillis: () => STOP_WHEN_LESS_THAN_MS - 1 };
    const long = { ...lambdaContext, getRemainingTimeInMillis: () => STOP_WHEN_LESS_THAN_MS * 5 };
    const { generation, segments } = (await handler({}, short)).cursor;
    const zero = { ...counts };
    await expect(
      handler({ cursor: { generation, pass: 'rekey', segments: [], counts: zero } }, long),
    ).rejects.toThrow(InvalidRekeyCursorError);
    db.on(ScanCommand, { Select: 'COUNT' }).resolves({ Count: 1 });
    const finished = await handler(
      {
        done: true,
        counts: zero,
        cursor: { generation, pass: 'check', segments: segments.map(() => ({ done: true })), counts: zero },
      },
      long,
    );
    expect(finished.done).toBe(true);
    expect(finished.counts.remaining).toBe(segments.length);
    expect(db.commandCalls(ScanCommand)).toHaveLength(segments.length);
  });

  it('pauses with its cursor when its time runs short, finishes from it, and logs counts but never a child’s data', async () => {
    const { handler, STOP_WHEN_LESS_THAN_MS } = await import('#functions/rekey-children/handler.ts');
    const { PreconditionFailedError } = await import('#domain/errors.ts');
    // Under a generation older than any the unit keyring's current key can be.
    const older = { ...stored, keyGeneration: 'b2.k0' };
    db.on(ScanCommand, { Select: 'COUNT' }).resolves({ Count: 0 });
    db.on(ScanCommand, { FilterExpression: 'sk = :record' }).resolves({ Items: [older] });
    db.on(TransactWriteCommand).rejectsOnce(new PreconditionFailedError('changed')).resolves({});
    db.on(GetCommand).resolves({ Item: older });
    const short = { ...lambdaContext, getRemainingTimeInMillis: () => STOP_WHEN_LESS_THAN_MS - 1 };
    const paused = await handler({}, short);
    expect(paused.done).toBe(false);
    expect(db.commandCalls(ScanCommand)).toHaveLength(0);
    const long = { ...lambdaContext, getRemainingTimeInMillis: () => STOP_WHEN_LESS_THAN_MS * 5 };
    const finished = await handler({ cursor: paused.cursor }, long);
    expect(finished.done).toBe(true);
    expect(finished.counts.retried).toBeGreaterThan(0);
    const log = written.join('');
    expect(log).toContain('re-keying finished');
    expect(log).toContain('"retried"');
    for (const secret of [
      child.givenName,
      child.familyName,
      child.dateOfBirth,
      child.nhsNumber,
      child.upn,
      child.childId,
    ])
      expect(log).not.toContain(secret);
  });
});
