import type { Readable } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import type { FeedLine } from '#domain/feeds/validate-rows.ts';

/** A feed file read as its header and its rows, each with its line number. */
export interface FeedFileChunk {
  header: string[];
  lines: FeedLine[];
}

const LINE_BREAK = /\r\n|\n|\r/g;
const lineBreaksIn = (cells: string[]) => cells.reduce((n, c) => n + (c.match(LINE_BREAK)?.length ?? 0), 0);

/**
 * Reads a feed file (CSV, UTF-8, optional BOM, header first) as a stream, in chunks of `chunkSize` rows, so a
 * file of millions of rows is never held whole. Each row carries the line it starts on (a quoted cell may
 * span lines), as an editor numbers them; empty lines are skipped but counted. A row with another number of
 * cells than the header is passed on as it is: validation rejects it with its line number, and the lines
 * around it are read as usual. A line that is not CSV at all (a stray or unclosed quote) ends the file there
 * with a FeedFileSyntaxError naming the line, never its content.
 */
export async function* readFeedFile(input: Readable, chunkSize: number): AsyncGenerator<FeedFileChunk> {
  const parser = input.pipe(
    parse({ bom: true, relax_column_count: true, skip_empty_lines: true, info: true, trim: false }),
  );
  let header: string[] | undefined;
  let lines: FeedLine[] = [];
  try {
    for await (const { record, info } of parser as AsyncIterable<{
      record: string[];
      info: { lines: number };
    }>) {
      if (!header) {
        header = record;
        continue;
      }
      lines.push({ line: info.lines - lineBreaksIn(record), cells: record });
      if (lines.length >= chunkSize) {
        yield { header, lines };
        lines = [];
      }
    }
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    throw new FeedFileSyntaxError((error as { lines?: number }).lines, error.code);
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

/**
 * The file is not CSV at `line` (for a quote never closed, the line the file ends on). The parser's own error is not kept as the cause: its message and
 * fields quote the cell it stopped in, which may be a child's name.
 */
export class FeedFileSyntaxError extends Error {
  override name = 'FeedFileSyntaxError';
  constructor(
    readonly line: number | undefined,
    readonly code: string,
  ) {
    super(
      code === 'CSV_QUOTE_NOT_CLOSED'
        ? `The feed file ends at line ${line ?? 'unknown'} inside a quoted cell that is never closed`
        : `The feed file is not valid CSV at line ${line ?? 'unknown'} (${code})`,
    );
  }
}
