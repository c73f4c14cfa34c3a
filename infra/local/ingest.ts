import { createReadStream } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { FEED_NAMES, type FeedName } from '#domain/feeds/feed.ts';
import { FeedHeaderError } from '#domain/feeds/validate-rows.ts';
import { type FeedLoadReport, FeedLoadStoppedError, loadFeedFile } from './feed-load.ts';
import { localFeedLinkage } from './local-feed-linkage.ts';
import { runningStack } from './running-stack.ts';
import { writeSyntheticFeeds } from './synthetic-feed-files.ts';

/**
 * `npm run ingest -- <feed> <file>` loads one national feed file into the running local ContactPoint, as the
 * AWS feed load does: rows validated one by one (a bad row is reported by line and never stops the load), linked
 * into one record per child, uncertain pairs to the data managers' review queue. `npm run ingest -- --synthetic N`
 * writes a synthetic population of N children as the four feeds and loads them all. Progress on one line; a
 * checkpoint after every chunk, so Ctrl-C then the same command resumes; the same file loaded again changes
 * nothing. Exit code 0 when loaded, 1 when stopped or the file was refused, 2 when it could not run.
 */
const USAGE = `usage: npm run ingest -- <feed> <file>   (feed: ${FEED_NAMES.join(', ')})
       npm run ingest -- --synthetic <children> [--seed <n>]`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { synthetic: { type: 'string' }, seed: { type: 'string' }, help: { type: 'boolean' } },
});

function fail(message: string, code: number): never {
  console.error(message);
  process.exit(code);
}

if (values.help) fail(USAGE, 0);

/** Rows in the file for the progress bar: lines with something on them, less the header. */
async function countRows(file: string): Promise<number> {
  let rows = 0;
  let filled = false;
  for await (const chunk of createReadStream(file)) {
    for (const byte of chunk as Buffer) {
      if (byte === 10) {
        if (filled) rows += 1;
        filled = false;
      } else if (byte !== 13 && byte !== 32) filled = true;
    }
  }
  return Math.max(0, rows + (filled ? 1 : 0) - 1);
}

function bar(done: number, total: number): string {
  const width = 30;
  const filled = total > 0 ? Math.min(width, Math.round((done / total) * width)) : 0;
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}

const { stateDir, runtime } = runningStack();
const deps = localFeedLinkage({ stateDir, dynamoEndpoint: runtime.dynamoEndpoint, tables: runtime.tables });

let stopping = false;
process.once('SIGINT', () => {
  stopping = true;
  process.stdout.write('\nStopping after this chunk; run the same command again to resume.\n');
});

async function ingest(feed: FeedName, file: string): Promise<FeedLoadReport> {
  const total = await countRows(file);
  const started = Date.now();
  const report = await loadFeedFile(deps, feed, file, {
    stateDir,
    keepGoing: () => !stopping,
    onProgress: ({ rows, rejected }) => {
      const rate = Math.round(rows / Math.max(0.001, (Date.now() - started) / 1000));
      process.stdout.write(
        `\r  ${feed.padEnd(16)} ${bar(rows, total)} ${rows}/${total} rows, ${rejected} rejected, ${rate} rows/s   `,
      );
    },
  });
  process.stdout.write('\n');
  const { summary: s, rejected } = report;
  console.log(
    `  ${feed}: ${report.rows} rows in ${report.seconds.toFixed(1)} s` +
      `${report.resumedAfterChunks > 0 ? ` (resumed after ${report.resumedAfterChunks} chunks)` : ''}: ` +
      `${s.created} new children, ${s.linked} linked, ${s.updated} updated, ${s.unchanged} unchanged, ` +
      `${s.queuedForReview} awaiting review, ${rejected.length} rejected`,
  );
  for (const r of rejected.slice(0, 10)) console.log(`    line ${r.line}: ${r.reasons.join('; ')}`);
  if (rejected.length > 10) console.log(`    … and ${rejected.length - 10} more in the report`);
  return report;
}

try {
  if (values.synthetic !== undefined) {
    const children = Number(values.synthetic);
    if (!Number.isInteger(children) || children < 1) fail(USAGE, 2);
    const seed = Number(values.seed ?? 2026);
    const dir = join(stateDir, 'feeds', `synthetic-${children}-${seed}`);
    console.log(`Writing a synthetic population of ${children} children as four feed files to ${dir}`);
    const { files } = await writeSyntheticFeeds(dir, children, { seed });
    const started = Date.now();
    // Births first: the other sources then meet children already known, as in a national first load.
    for (const feed of FEED_NAMES) await ingest(feed, files[feed]);
    console.log(`Loaded the four feeds in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
  } else {
    const [feed, file] = positionals;
    if (!feed || !file || !(FEED_NAMES as readonly string[]).includes(feed)) fail(USAGE, 2);
    const report = await ingest(feed as FeedName, resolve(file));
    console.log(`  report: ${report.reportFile}`);
  }
  process.exit(0);
} catch (error) {
  if (error instanceof FeedLoadStoppedError) fail(error.message, 1);
  if (error instanceof FeedHeaderError) fail(`Refused, nothing loaded: ${error.message}`, 1);
  fail(`Could not load (is npm start running? any checkpoint is kept): ${(error as Error).message}`, 2);
}
