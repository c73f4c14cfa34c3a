import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { FEED_FORMATS } from '#domain/feeds/columns.ts';
import { FEED_NAMES, type FeedName } from '#domain/feeds/feed.ts';
import type { FeedRow } from './synthetic-feed-rows.ts';
import { type PopulationOptions, syntheticPopulation } from './synthetic-population.ts';

/** A feed file as the national source sends it: CSV, UTF-8, a header row of the feed's columns in order. */
export function feedCsv(feed: FeedName, rows: FeedRow[]): string {
  const columns = [...FEED_FORMATS[feed].columns];
  return stringify(rows, { header: true, columns, record_delimiter: 'unix' });
}

export async function writeFeedFile(path: string, feed: FeedName, rows: FeedRow[]): Promise<void> {
  await writeFile(path, feedCsv(feed, rows));
}

export interface SyntheticFeedFiles {
  files: Record<FeedName, string>;
  truthFile: string;
  rowCounts: Record<FeedName, number>;
}

/** Writes `<feed>.csv` for each of the four feeds and `truth.json` (which person each row describes) to `dir`. */
export async function writeSyntheticFeeds(
  dir: string,
  count: number,
  options: PopulationOptions = {},
): Promise<SyntheticFeedFiles> {
  const population = syntheticPopulation(count, options);
  await mkdir(dir, { recursive: true });
  const files = Object.fromEntries(FEED_NAMES.map((feed) => [feed, join(dir, `${feed}.csv`)])) as Record<
    FeedName,
    string
  >;
  for (const feed of FEED_NAMES) await writeFeedFile(files[feed], feed, population.rows[feed]);
  const truthFile = join(dir, 'truth.json');
  await writeFile(truthFile, JSON.stringify({ extractDates: population.extractDates, ...population.truth }));
  const rowCounts = Object.fromEntries(FEED_NAMES.map((f) => [f, population.rows[f].length])) as Record<
    FeedName,
    number
  >;
  return { files, truthFile, rowCounts };
}
