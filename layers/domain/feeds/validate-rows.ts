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
 * column by column, so it is refused whole — before any row changes anything. The reasons name columns,
 * never values.
 */
export function headerProblems(feed: FeedName, header: string[]): string[] {
  const expected = FEED_FORMATS[feed].columns;
  const names = header.map((h) => h.trim());
  const unknown = names.filter((h) => !expected.includes(h));
  const missing = expected.filter((c) => !names.includes(c));
  const repeated = names.filter((h, i) => names.indexOf(h) !== i);
  return [
    ...unknown.map((c) => `unknown column ${JSON.stringify(c)}`),
    ...missing.map((c) => `missing column ${c}`),
    ...[...new Set(repeated)].map((c) => `column ${c} appears twice`),
  ];
}

/**
 * Validates rows one by one (R1, R8): a row with too many cells (unknown fields), too few, a bad date, an
 * invalid NHS number or UPN is rejected with its line number and the columns at fault; every other row is
 * read. A rejection never says what the cell held: the report may travel further than the data.
 */
export function validateRows(feed: FeedName, header: string[], lines: FeedLine[]): ValidatedRows {
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
