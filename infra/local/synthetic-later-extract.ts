import { FEED_FORMATS } from '#domain/feeds/columns.ts';
import type { FeedName } from '#domain/feeds/feed.ts';
import type { FeedRow } from './synthetic-feed-rows.ts';
import { AREAS, type Area } from './synthetic-parts.ts';
import { seededFaker, syntheticAddress } from './synthetic-people.ts';

export interface LaterExtractOptions {
  extractDate: string;
  /** The share of households (rows at the same address move together) that have moved since. */
  movedShare: number;
  seed?: number | undefined;
}

export interface LaterExtract {
  rows: FeedRow[];
  /** The source references of the rows whose address changed. */
  moved: string[];
}

const areaOf = (postcode: string): Area =>
  AREAS.find((a) => postcode.startsWith(a.outward) && /\d/.test(postcode[a.outward.length] ?? '')) ??
  AREAS[0];

/**
 * The next extract of any feed: the same rows on a later extract date, in which a share of households
 * have moved house within their council (a new address; siblings at one address move together). An
 * end-to-end test loads it after `previousRows` and checks the best view takes the newer address.
 */
export function laterExtract(
  feed: FeedName,
  previousRows: FeedRow[],
  options: LaterExtractOptions,
): LaterExtract {
  const f = seededFaker(options.seed ?? 2028);
  const format = FEED_FORMATS[feed];
  const byAddress = new Map<string, number[]>();
  previousRows.forEach((row, i) => {
    if (!row.postcode || !row.address_line1) return;
    const key = `${row.address_line1}|${row.postcode}`;
    byAddress.set(key, [...(byAddress.get(key) ?? []), i]);
  });
  const rows = previousRows.map((row) => ({ ...row, extract_date: options.extractDate }));
  const moved: string[] = [];
  for (const indices of byAddress.values()) {
    if (!f.datatype.boolean(options.movedShare)) continue;
    const first = rows[indices[0] as number] as FeedRow;
    const address = syntheticAddress(f, areaOf(first.postcode ?? ''));
    for (const i of indices) {
      const row = rows[i] as FeedRow;
      row.address_line1 = address.line1;
      row.address_line2 = address.line2 ?? '';
      row.town = address.town;
      row.postcode = address.postcode;
      const read = format.read(row);
      if (read.success) moved.push(read.data.sourceId);
    }
  }
  return { rows, moved };
}
