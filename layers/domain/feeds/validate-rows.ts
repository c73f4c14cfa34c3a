import { FEED_FORMATS } from './columns.ts';
import type { FeedName, FeedRecord, RejectedRow } from './feed.ts';

/** A line of a feed file as its cells, before validation. */
export interface FeedLine {
  line: number;
  cells: string[];
}

export interface ValidatedRows {
  records: FeedRecord[];
  rejected: RejectedRow[];
}

/**
 * The header must name exactly the feed's columns (in any order): a file of another layout cannot be read
 * column by column, so it is refused whole — before any row changes anything. The reasons name the feed's
 * columns, and an unknown one only by its position: a file sent without its header line has a child's
 * details where the header should be, and the report may travel further than the data.
 */
export function headerProblems(feed: FeedName, header: string[]): string[] {
  const expected = FEED_FORMATS[feed].columns;
  const names = header.map((h) => h.trim());
  const unknown = names.flatMap((h, i) => (expected.includes(h) ? [] : [i + 1]));
  const missing = expected.filter((c) => !names.includes(c));
  const repeated = expected.filter((c) => names.indexOf(c) !== names.lastIndexOf(c));
  return [
    ...unknown.map((position) => `column ${position} of the header is not a column of the ${feed} feed`),
    ...missing.map((c) => `missing column ${c}`),
    ...repeated.map((c) => `column ${c} appears twice`),
  ];
}

/**
 * Validates rows one by one (R1, R8): a row with too many cells (unknown fields), too few, a bad date, an
 * invalid NHS number or UPN is rejected with its line number and the columns at fault; every other row is
 * read. A rejection never says what the cell held: the report may travel further than the data. A header
 * with problems (headerProblems) is refused with FeedHeaderError before any row is read.
 */
export function validateRows(feed: FeedName, header: string[], lines: FeedLine[]): ValidatedRows {
  const problems = headerProblems(feed, header);
  if (problems.length > 0) throw new FeedHeaderError(feed, problems);
  const format = FEED_FORMATS[feed];
  const names = header.map((h) => h.trim());
  const records: FeedRecord[] = [];
  const rejected: RejectedRow[] = [];
  for (const { line, cells } of lines) {
    if (cells.length !== names.length) {
      rejected.push({
        line,
        reasons: [
          cells.length > names.length
            ? `has ${cells.length} cells but the header names ${names.length} columns (unknown fields)`
            : `has ${cells.length} cells but the header names ${names.length} columns (missing fields)`,
        ],
      });
      continue;
    }
    const row = Object.fromEntries(names.map((n, i) => [n, cells[i] as string]));
    const result = format.read(row);
    if (!result.success) {
      const reasons = result.error.issues.map((issue) => {
        const column = issue.path.join('.');
        return column ? `${column}: ${issue.message}` : issue.message;
      });
      rejected.push({ line, reasons: [...new Set(reasons)] });
      continue;
    }
    records.push({ feed, line, ...result.data });
  }
  return { records, rejected };
}

/** The header does not name the feed's columns: no row of the file can be read. */
export class FeedHeaderError extends Error {
  override name = 'FeedHeaderError';
  constructor(
    readonly feed: FeedName,
    readonly problems: string[],
  ) {
    super(`The ${feed} file's header does not name its columns: ${problems.join('; ')}`);
  }
}
