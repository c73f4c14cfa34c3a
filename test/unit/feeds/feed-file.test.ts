import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { EmptyFeedFileError, FeedFileSyntaxError, readFeedFile } from '#adapters/feeds/feed-file.ts';
import { FEED_FORMATS } from '#domain/feeds/columns.ts';
import { validateRows } from '#domain/feeds/validate-rows.ts';

async function read(text: string, chunkSize = 1000) {
  const chunks = [];
  for await (const chunk of readFeedFile(Readable.from([text]), chunkSize)) chunks.push(chunk);
  return { header: chunks[0]?.header, lines: chunks.flatMap((c) => c.lines), chunks };
}

const HEADER = FEED_FORMATS['child-benefit'].columns.join(',');
const row = (ref: string, given: string, extra = '') =>
  `${ref},1,2026-08-02,${given},Mayer,2014-01-15,Linnea Mayer,94 Sunny Brow,,Bradford,BD5 3BF${extra}`;

describe('a feed file is read as a stream of rows, each with the line it starts on', () => {
  it('a BOM before the header is not part of the first column name', async () => {
    const { header } = await read(`\uFEFF${HEADER}\n${row('CHB1', 'Daniel')}\n`);
    expect(header?.[0]).toBe('claim_reference');
  });

  it('blank lines are skipped but counted, so later rows keep their editor line numbers', async () => {
    const { lines } = await read(
      `${HEADER}\r\n${row('CHB1', 'Daniel')}\r\n\r\n\r\n${row('CHB2', 'Ava')}\r\n`,
    );
    expect(lines.map((l) => [l.line, l.cells[0]])).toEqual([
      [2, 'CHB1'],
      [5, 'CHB2'],
    ]);
  });

  it('a quoted cell spanning lines is one row, numbered by the line it starts on, and the rows after keep theirs', async () => {
    const text = `${HEADER}\n${row('CHB1', 'Daniel')}\n${row('CHB2', 'Ava').replace('94 Sunny Brow', '"Flat 2\n94 Sunny Brow"')}\n${row('CHB3', 'Leo')}\n`;
    const { lines } = await read(text);
    expect(lines.map((l) => l.line)).toEqual([2, 3, 5]);
    expect(lines[1]?.cells[7]).toBe('Flat 2\n94 Sunny Brow');
  });

  it('rows with too many or too few cells are passed on to be rejected by line, and nothing else is lost', async () => {
    const text = [
      HEADER,
      row('CHB1', 'Daniel'),
      row('CHB2', 'Ava', ',seen by CAMHS'),
      'CHB3,1,2026-08-02,Leo',
      row('CHB4', 'Mia'),
      row('CHB5', 'Noah').replace('2014-01-15', '2014-02-30'),
      row('CHB6', 'Isla'),
    ].join('\n');
    const { header, lines } = await read(text);
    const { records, rejected } = validateRows('child-benefit', header ?? [], lines);
    expect(records.map((r) => r.sourceId)).toEqual(['CHB1/1', 'CHB4/1', 'CHB6/1']);
    expect(rejected.map((r) => r.line)).toEqual([3, 4, 6]);
    expect(rejected[0]?.reasons[0]).toContain('unknown fields');
    expect(rejected[1]?.reasons[0]).toContain('missing fields');
    expect(rejected[2]?.reasons).toEqual(['child_date_of_birth: must be a real date written YYYY-MM-DD']);
    expect(JSON.stringify(rejected)).not.toMatch(/CAMHS|Leo|Noah/);
  });

  it('rows come in chunks of the size asked for, so a large file is never held whole', async () => {
    const text = [HEADER, ...Array.from({ length: 25 }, (_, i) => row(`CHB${i}`, 'Daniel'))].join('\n');
    const { chunks, lines } = await read(text, 10);
    expect(chunks.map((c) => c.lines.length)).toEqual([10, 10, 5]);
    expect(lines.at(-1)?.line).toBe(26);
  });

  it('a file with only a header yields no rows', async () => {
    expect((await read(`${HEADER}\n`)).lines).toEqual([]);
  });

  it('an empty file is refused as having no header', async () => {
    await expect(read('')).rejects.toThrow(EmptyFeedFileError);
  });

  it('a stray quote ends the file with an error naming the line but not the cell', async () => {
    const text = `${HEADER}\n${row('CHB1', 'Daniel')}\n${row('CHB2', 'Wal"ker')}\n`;
    const error = await read(text).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FeedFileSyntaxError);
    expect((error as FeedFileSyntaxError).line).toBe(3);
    expect(JSON.stringify({ ...(error as object), message: (error as Error).message })).not.toContain('Wal');
  });

  it('an unclosed quote is reported at the line the file ends on', async () => {
    const text = `${HEADER}\n${row('CHB1', '"Daniel')}\n${row('CHB2', 'Ava')}\n`;
    const error = await read(text).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FeedFileSyntaxError);
    expect((error as Error).message).toMatch(/never closed/);
    expect((error as Error).message).not.toContain('Daniel');
  });
});
