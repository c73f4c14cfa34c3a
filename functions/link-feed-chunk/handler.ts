import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { feedLinkageFrom } from '#adapters/feed-linkage.ts';
import { chunkOfKey, feedLoadObjectsFrom, loadKeys } from '#adapters/feeds/load-objects.ts';
import { NOTHING_LINKED } from '#domain/feeds/load-report.ts';
import { validateRows } from '#domain/feeds/validate-rows.ts';
import { linkFeedRecords } from '#domain/use-cases/link-feed-records.ts';
import { logger } from '#runtime/logger.ts';
import { readSettings } from '#runtime/settings.ts';
import { ChunkSchema, type LinkInput, LinkInputSchema, type LinkOutput } from './schema.ts';

/**
 * Links one chunk of a feed file (loads/<loadId>/chunks/<n>.json): every row validated (R1, R8), the valid
 * ones linked, the others returned by line number and reason — never a cell's value. Linking a chunk again
 * changes nothing (the linkage finds each row's child already as the row describes it), so the Distributed
 * Map may retry a chunk, and an operator may redrive a map run, safely. Rejects too many to pass back
 * through Step Functions (256 KB per item) are written beside the chunk and named instead.
 */
const config = readSettings('feeds');
const objects = feedLoadObjectsFrom(config);
const linkage = feedLinkageFrom();

/** Well under the 256 KB Step Functions allows one item's result, with room for the summary. */
export const MAX_RETURNED_REJECTS_BYTES = 200_000;

export class NotAChunkError extends Error {
  override readonly name = 'NotAChunkError';
}

export const handler = middy<LinkInput, LinkOutput>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (input) => {
    const { chunkKey } = LinkInputSchema.parse(input);
    const chunk = chunkOfKey(chunkKey);
    if (!chunk) throw new NotAChunkError('The item names no chunk of a feed load');
    const { feed, header, lines } = ChunkSchema.parse(await objects.getJson(chunkKey));
    const { records, rejected } = validateRows(feed, header, lines);
    const summary = records.length > 0 ? await linkFeedRecords(linkage, records) : NOTHING_LINKED;
    logger.info('feed chunk linked', {
      loadId: chunk.loadId,
      chunk: chunk.number,
      lines: lines.length,
      rejected: rejected.length,
      // The linker's counts: rows linked (the valid ones), and what became of them.
      ...summary,
    });
    const output: LinkOutput = { chunkKey, rows: lines.length, summary, rejected };
    if (Buffer.byteLength(JSON.stringify(rejected)) <= MAX_RETURNED_REJECTS_BYTES) return output;
    const rejectsKey = loadKeys(chunk.loadId).rejects(chunk.number);
    await objects.putJson(rejectsKey, rejected);
    return { ...output, rejected: [], rejectsKey };
  });
