import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LinkOutput } from '#functions/link-feed-chunk/schema.ts';
import type { ReportInput, ReportOutput } from '#functions/report-feed-load/schema.ts';
import { logger } from '#runtime/logger.ts';
import { metrics } from '#runtime/metrics.ts';
import { s3Body } from '#test/support/feed-files.ts';

const s3 = mockClient(S3Client);
const BUCKET = 'contactpoint-unit-feeds';
const LOAD = 'births-0123456789abcdef01234567';
const RESULTS = `loads/${LOAD}/results/6dbfba93`;
let handler: (event: ReportInput, context: Context) => Promise<ReportOutput>;

beforeAll(async () => {
  handler = (await import('#functions/report-feed-load/handler.ts')).handler;
});
beforeEach(() => {
  s3.reset();
  s3.on(PutObjectCommand).resolves({});
});

const input = (chunks: number, key = `${RESULTS}/manifest.json`): ReportInput => ({
  loadId: LOAD,
  feed: 'births',
  source: { key: 'incoming/births/2026-11-30.csv', versionId: 'v1' },
  refused: false,
  reportKey: `loads/${LOAD}/report.json`,
  manifestKey: `loads/${LOAD}/manifest.json`,
  resultsPrefix: `loads/${LOAD}/results`,
  rows: 9,
  chunks,
  results: {
    MapRunArn: 'arn:aws:states:eu-west-2:1:mapRun:x/LinkChunks:1',
    ResultWriterDetails: { Bucket: BUCKET, Key: key },
  },
});
const chunk = (
  n: number,
  summary: Partial<LinkOutput['summary']>,
  rejected: LinkOutput['rejected'],
  rows: number,
): LinkOutput => ({
  chunkKey: `loads/${LOAD}/chunks/00000${n}.json`,
  rows,
  summary: { rows: 0, unchanged: 0, updated: 0, linked: 0, created: 0, queuedForReview: 0, ...summary },
  rejected,
});
const object = (key: string, value: unknown) =>
  s3
    .on(GetObjectCommand, { Bucket: BUCKET, Key: key })
    .callsFake(() => ({ Body: s3Body(JSON.stringify(value)) }));
const execution = (output: LinkOutput) => ({
  Status: 'SUCCEEDED',
  ExecutionArn: 'arn',
  Input: '{}',
  Output: JSON.stringify(output),
});
const run = (event: ReportInput) => handler(event, {} as Context);

describe('report-feed-load', () => {
  it('sums every chunk’s linking, lists every reject by line across chunks and writes the report', async () => {
    object(`${RESULTS}/manifest.json`, {
      DestinationBucket: BUCKET,
      ResultFiles: {
        FAILED: [],
        PENDING: [],
        SUCCEEDED: [
          { Key: `${RESULTS}/SUCCEEDED_0.json`, Size: 1 },
          { Key: `${RESULTS}/SUCCEEDED_1.json`, Size: 1 },
        ],
      },
    });
    // Results come in any order; chunk 3's rejects were too many to return and were written apart.
    object(`${RESULTS}/SUCCEEDED_0.json`, [
      execution(
        chunk(2, { rows: 2, updated: 1, linked: 1 }, [{ line: 6, reasons: ['sex: Invalid option'] }], 3),
      ),
      execution({
        ...chunk(3, { rows: 1, queuedForReview: 1 }, [], 3),
        rejectsKey: `loads/${LOAD}/rejects/000003.json`,
      }),
    ]);
    object(`${RESULTS}/SUCCEEDED_1.json`, [
      execution(
        chunk(1, { rows: 2, created: 2 }, [{ line: 3, reasons: ['date_of_birth: must be a date'] }], 3),
      ),
    ]);
    object(`loads/${LOAD}/rejects/000003.json`, [
      { line: 9, reasons: ['has 2 cells but the header names 13 columns (missing fields)'] },
      { line: 8, reasons: ['upn: invalid'] },
    ]);
    const addMetric = vi.spyOn(metrics, 'addMetric');
    const info = vi.spyOn(logger, 'info');

    const out = await run(input(3));

    expect(out).toEqual({
      loadId: LOAD,
      reportKey: `loads/${LOAD}/report.json`,
      chunks: 3,
      rows: 9,
      rejected: 4,
      created: 2,
      queuedForReview: 1,
    });
    const put = s3.commandCalls(PutObjectCommand)[0]?.args[0].input;
    expect(put?.Key).toBe(`loads/${LOAD}/report.json`);
    expect(JSON.parse(String(put?.Body))).toEqual({
      loadId: LOAD,
      feed: 'births',
      source: { key: 'incoming/births/2026-11-30.csv', versionId: 'v1' },
      outcome: 'loaded',
      chunks: 3,
      rows: 9,
      rejected: 4,
      linking: { rows: 5, unchanged: 0, updated: 1, linked: 1, created: 2, queuedForReview: 1 },
      rejects: [
        { line: 3, reasons: ['date_of_birth: must be a date'] },
        { line: 6, reasons: ['sex: Invalid option'] },
        { line: 8, reasons: ['upn: invalid'] },
        { line: 9, reasons: ['has 2 cells but the header names 13 columns (missing fields)'] },
      ],
    });
    const emitted = Object.fromEntries(addMetric.mock.calls.map(([name, , value]) => [name, value]));
    expect(emitted).toMatchObject({
      FeedRows: 9,
      FeedRowsRejected: 4,
      FeedChildrenCreated: 2,
      FeedRowsQueuedForReview: 1,
    });
    // The log line is counts and keys: no reject, no reason.
    const logged = JSON.stringify(info.mock.calls);
    expect(logged).toContain('"rejected":4');
    expect(logged).not.toMatch(/reasons|date_of_birth|line/);
  });

  it('refuses to report a map run with a failed or unfinished chunk, or fewer chunks than the file was split into', async () => {
    object(`${RESULTS}/manifest.json`, {
      ResultFiles: { FAILED: [{ Key: `${RESULTS}/FAILED_0.json` }], PENDING: [], SUCCEEDED: [] },
    });
    await expect(run(input(1))).rejects.toThrow('redrive');
    object(`${RESULTS}/manifest.json`, {
      ResultFiles: { SUCCEEDED: [{ Key: `${RESULTS}/SUCCEEDED_0.json` }] },
    });
    object(`${RESULTS}/SUCCEEDED_0.json`, [execution(chunk(1, { rows: 1, created: 1 }, [], 1))]);
    await expect(run(input(2))).rejects.toThrow('1 chunks of 2');
    expect(s3).not.toHaveReceivedCommand(PutObjectCommand);
  });

  it('reads only its own load’s results', async () => {
    await expect(
      run(input(1, 'loads/births-ffffffffffffffffffffffff/results/x/manifest.json')),
    ).rejects.toThrow('not this load');
    await expect(
      run({
        ...input(1),
        results: { ResultWriterDetails: { Bucket: 'other', Key: `${RESULTS}/manifest.json` } },
      }),
    ).rejects.toThrow('not this load');
    expect(s3).not.toHaveReceivedCommand(GetObjectCommand);
  });
});
