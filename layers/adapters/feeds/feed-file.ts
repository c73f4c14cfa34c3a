import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import type { FeedLine } from '#domain/feeds/validate-rows.ts';

/** A feed file read as its header and its rows, each with its line number. */
export interface FeedFileChunk {
  header: string[];
  lines: FeedLine[];
}

/**
 * Reads a feed file (CSV, UTF-8, optional BOM, header first) as a stream, in chunks of `chunkSize` rows (each with the line it ends on), so a
 * file of millions of rows is never held whole. A row with another number of cells than the header is passed on
 * as it is: validation rejects it with its line number, and the lines around it are read as usual. A line that
 * is not CSV at all (an unclosed quote) ends the file there with an error naming the line.
 */
export async function* readFeedFile(input: Readable, chunkSize: number): AsyncGenerator<FeedFileChunk> {
  const parser = input.pipe(
    parse({ bom: true, relax_column_count: true, skip_empty_lines: true, info: true, trim: false }),
  );
  let header: string[] | undefined;
  let lines: FeedLine[] = [];
  for await (const { record, info } of parser as AsyncIterable<{
    record: string[];
    info: { lines: number };
  }>) {
    if (!header) {
      header = record;
      continue;
    }
    lines.push({ line: info.lines, cells: record });
    if (lines.length >= chunkSize) {
      yield { header, lines };
      lines = [];
    }
  }
  if (header && lines.length > 0) yield { header, lines };
  if (!header) throw new EmptyFeedFileError();
}

export class EmptyFeedFileError extends Error {
  override name = 'EmptyFeedFileError';
  constructor() {
    super('The feed file has no header line');
  }
}
