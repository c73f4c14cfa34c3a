import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ReportInputSchema } from '#functions/report-feed-load/schema.ts';
import type { SplitInput, SplitOutput } from '#functions/split-feed-file/schema.ts';
import { BIRTHS_HEADER, birthsRow, csv, s3Body } from '#test/support/feed-files.ts';

const s3 = mockClient(S3Client);
const BUCKET = 'contactpoint-unit-feeds';
let handler: (event: SplitInput, context: Context) => Promise<SplitOutput>;

beforeAll(async () => {
  // Three rows a chunk, so a few rows make several chunks.
  process.env.FEED_CHUNK_ROWS = '3';
  handler = (await import('#functions/split-feed-file/handler.ts')).handler;
});
beforeEach(() => {
  s3.reset();
  s3.on(PutObjectCommand).resolves({});
});

const landed = (key: string, versionId = 'v1'): SplitInput => ({
  'detail-type': 'Object Created',
  source: 'aws.s3',
  detail: { bucket: { name: BUCKET }, object: { key, 'version-id': versionId } },
});
const upload = (text: string, versionId = 'v1') =>
  s3.on(GetObjectCommand).callsFake(() => ({ Body: s3Body(text), VersionId: versionId, ETag: '"e"' }));
const written = () =>
  Object.fromEntries(
    s3
      .commandCalls(PutObjectCommand)
      .map((c) => [c.args[0].input.Key as string, JSON.parse(String(c.args[0].input.Body))]),
  );
const run = (event: SplitInput) => handler(event, {} as Context);

describe('split-feed-file', () => {
  it('writes the rows in chunks with the line each row is on, then the manifest of chunk keys', async () => {
    // A header, five rows, a blank line (skipped) and a sixth row: lines 2–6 and 8.
    upload(
      csv([BIRTHS_HEADER, ...[1, 2, 3, 4, 5].map((n) => birthsRow(n))]).concat(
        `\n${birthsRow(6).join(',')}\n`,
      ),
    );
    const out = await run(landed('incoming/births/2026-11-30.csv'));

    expect(out).toMatchObject({ feed: 'births', refused: false, chunks: 2, rows: 6 });
    expect(out.loadId).toMatch(/^births-[0-9a-f]{24}$/);
    expect(out.manifestKey).toBe(`loads/${out.loadId}/manifest.json`);
    expect(out.resultsPrefix).toBe(`loads/${out.loadId}/results`);
    expect(s3).toHaveReceivedCommandWith(GetObjectCommand, {
      Bucket: BUCKET,
      Key: 'incoming/births/2026-11-30.csv',
      VersionId: 'v1',
    });
    const objects = written();
    const chunkKeys = [1, 2].map((n) => `loads/${out.loadId}/chunks/00000${n}.json`);
    expect(objects[out.manifestKey]).toEqual(chunkKeys);
    expect(objects[chunkKeys[0] as string]).toEqual({
      feed: 'births',
      header: BIRTHS_HEADER,
      lines: [2, 3, 4].map((line) => ({ line, cells: birthsRow(line - 1) })),
    });
    expect(
      (objects[chunkKeys[1] as string] as { lines: { line: number }[] }).lines.map((l) => l.line),
    ).toEqual([5, 6, 8]);
    // The state the report step receives is this output with the map run's results beside it.
    const results = { ResultWriterDetails: { Bucket: BUCKET, Key: `${out.resultsPrefix}/x/manifest.json` } };
    expect(() => ReportInputSchema.parse({ ...out, results })).not.toThrow();
    // The manifest is written last: a map never starts on a half-split file.
    const keys = s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input.Key);
    expect(keys.at(-1)).toBe(out.manifestKey);
  });

  it('gives the same upload the same load, and another version of the file another load', async () => {
    const text = csv([BIRTHS_HEADER, birthsRow(1)]);
    upload(text, 'v1');
    const first = await run(landed('incoming/births/a.csv', 'v1'));
    upload(text, 'v1');
    const again = await run({ key: 'incoming/births/a.csv', versionId: 'v1' });
    upload(text, 'v2');
    const replaced = await run(landed('incoming/births/a.csv', 'v2'));
    expect(again.loadId).toBe(first.loadId);
    expect(replaced.loadId).not.toBe(first.loadId);
  });

  it('refuses a file whose header is not the feed’s, writing a report that names the columns and no chunk', async () => {
    const header = BIRTHS_HEADER.filter((c) => c !== 'date_of_birth').concat('favourite_colour');
    upload(csv([header, birthsRow(1)]));
    const out = await run(landed('incoming/births/bad.csv'));

    expect(out).toMatchObject({ refused: true, chunks: 0, rows: 0 });
    expect(out.reason).toContain('missing column date_of_birth');
    const objects = written();
    expect(Object.keys(objects)).toEqual([`loads/${out.loadId}/report.json`]);
    expect(objects[`loads/${out.loadId}/report.json`]).toEqual({
      loadId: out.loadId,
      feed: 'births',
      source: { key: 'incoming/births/bad.csv', versionId: 'v1' },
      outcome: 'refused',
      reasons: [
        'header: column 13 of the header is not a column of the births feed',
        'header: missing column date_of_birth',
      ],
      rows: 0,
    });
  });

  it('refuses a file under a folder that names no feed, an empty file and one with a header only', async () => {
    upload(csv([BIRTHS_HEADER, birthsRow(1)]));
    expect((await run(landed('incoming/adoptions/x.csv'))).reason).toContain('names no feed');
    upload('');
    expect((await run(landed('incoming/births/empty.csv'))).reason).toContain('no header line');
    upload(csv([BIRTHS_HEADER]));
    expect((await run(landed('incoming/births/header-only.csv'))).reason).toContain('no rows');
    expect(
      s3.commandCalls(PutObjectCommand).every((c) => String(c.args[0].input.Key).endsWith('report.json')),
    ).toBe(true);
  });

  it('refuses a file that stops being CSV, naming the line and never the text, and writes no manifest', async () => {
    upload(`${csv([BIRTHS_HEADER, ...[1, 2, 3, 4].map((n) => birthsRow(n))])}"Secret Name,unclosed\n`);
    const out = await run(landed('incoming/births/broken.csv'));
    expect(out.refused).toBe(true);
    expect(out.reason).toMatch(/not CSV at line \d+/);
    expect(out.reason).not.toContain('Secret');
    expect(Object.keys(written())).not.toContain(out.manifestKey);
  });

  it('refuses an event for another bucket without reading it', async () => {
    await expect(
      run({
        ...landed('incoming/births/x.csv'),
        detail: { bucket: { name: 'other' }, object: { key: 'incoming/births/x.csv' } },
      }),
    ).rejects.toThrow('another bucket');
    expect(s3).not.toHaveReceivedCommand(GetObjectCommand);
  });
});
