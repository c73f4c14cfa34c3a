import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { FeedRecord } from '#domain/feeds/feed.ts';
import type { LinkSummary } from '#domain/use-cases/link-feed-records.ts';
import type { LinkInput, LinkOutput } from '#functions/link-feed-chunk/schema.ts';
import { BIRTHS_HEADER, birthsRow, s3Body } from '#test/support/feed-files.ts';

// The linkage is the lead's (use case and DynamoDB adapter); here it is a stand-in that records its calls.
const linkage = { name: 'linkage-dependencies' };
vi.mock('#adapters/feed-linkage.ts', () => ({ feedLinkageFrom: () => linkage }));
const linkFeedRecords = vi.fn<(deps: unknown, records: FeedRecord[]) => Promise<LinkSummary>>();
vi.mock('#domain/use-cases/link-feed-records.ts', () => ({
  linkFeedRecords: (deps: unknown, records: FeedRecord[]) => linkFeedRecords(deps, records),
}));

const s3 = mockClient(S3Client);
const LOAD = 'births-0123456789abcdef01234567';
const CHUNK = `loads/${LOAD}/chunks/000002.json`;
let handler: (event: LinkInput, context: Context) => Promise<LinkOutput>;

beforeAll(async () => {
  handler = (await import('#functions/link-feed-chunk/handler.ts')).handler;
});
beforeEach(() => {
  s3.reset();
  s3.on(PutObjectCommand).resolves({});
  linkFeedRecords.mockReset();
  linkFeedRecords.mockImplementation(async (_deps, records) => ({
    rows: records.length,
    unchanged: 0,
    updated: 0,
    linked: 0,
    created: records.length,
    queuedForReview: 0,
  }));
});

const chunkOf = (lines: { line: number; cells: string[] }[]) =>
  s3.on(GetObjectCommand, { Key: CHUNK }).resolves({
    Body: s3Body(JSON.stringify({ feed: 'births', header: BIRTHS_HEADER, lines })),
  });
const run = (event: LinkInput) => handler(event, {} as Context);

describe('link-feed-chunk', () => {
  it('links the valid rows and returns the others by line number and reason, never a cell’s value', async () => {
    chunkOf([
      { line: 501, cells: birthsRow(1) },
      { line: 502, cells: birthsRow(2, { date_of_birth: '2026-13-45', given_names: 'Zebedee' }) },
      { line: 503, cells: birthsRow(3) },
      { line: 505, cells: [...birthsRow(4), 'an extra cell'] },
    ]);
    const out = await run({ chunkKey: CHUNK });

    expect(linkFeedRecords).toHaveBeenCalledTimes(1);
    const [deps, records] = linkFeedRecords.mock.calls[0] ?? [];
    expect(deps).toBe(linkage);
    expect(records?.map((r) => [r.line, r.sourceId])).toEqual([
      [501, 'REG0000001'],
      [503, 'REG0000003'],
    ]);
    expect(out.chunkKey).toBe(CHUNK);
    expect(out.rows).toBe(4);
    expect(out.summary).toEqual({
      rows: 2,
      unchanged: 0,
      updated: 0,
      linked: 0,
      created: 2,
      queuedForReview: 0,
    });
    expect(out.rejected.map((r) => r.line)).toEqual([502, 505]);
    expect(out.rejected[0]?.reasons.join()).toContain('date_of_birth');
    expect(out.rejected[1]?.reasons.join()).toContain('unknown fields');
    expect(JSON.stringify(out)).not.toMatch(/Zebedee|2026-13-45|an extra cell|Lovelace/);
    expect(out.rejectsKey).toBeUndefined();
  });

  it('does not call the linker for a chunk whose every row is rejected', async () => {
    chunkOf([{ line: 2, cells: birthsRow(1, { sex: 'X' }) }]);
    const out = await run({ chunkKey: CHUNK });
    expect(linkFeedRecords).not.toHaveBeenCalled();
    expect(out.summary.rows).toBe(0);
    expect(out.rejected).toEqual([{ line: 2, reasons: [expect.stringContaining('sex')] }]);
  });

  it('writes rejects too many to return through Step Functions beside the chunk, and names them', async () => {
    const lines = Array.from({ length: 3000 }, (_, i) => ({ line: i + 2, cells: ['too', 'few'] }));
    chunkOf(lines);
    const out = await run({ chunkKey: CHUNK });
    const rejectsKey = `loads/${LOAD}/rejects/000002.json`;
    expect(out).toMatchObject({ rows: 3000, rejected: [], rejectsKey });
    const put = s3.commandCalls(PutObjectCommand)[0]?.args[0].input;
    expect(put?.Key).toBe(rejectsKey);
    expect(JSON.parse(String(put?.Body))).toHaveLength(3000);
  });

  it('refuses an item that is not a chunk key of a load, reading nothing', async () => {
    await expect(run({ chunkKey: 'incoming/births/a.csv' })).rejects.toThrow('no chunk');
    await expect(run({ chunkKey: `loads/${LOAD}/report.json` })).rejects.toThrow('no chunk');
    expect(s3).not.toHaveReceivedCommand(GetObjectCommand);
  });

  it('fails the chunk (for the map to retry and report) when the linkage fails, returning no partial result', async () => {
    chunkOf([{ line: 2, cells: birthsRow(1) }]);
    linkFeedRecords.mockRejectedValueOnce(
      Object.assign(new Error('throttled'), { name: 'ThrottlingException' }),
    );
    await expect(run({ chunkKey: CHUNK })).rejects.toThrow('throttled');
  });
});
