import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { EmptyFeedFileError, FeedFileSyntaxError, readFeedFile } from '#adapters/feeds/feed-file.ts';
import { feedLoadObjectsFrom, feedOfKey, loadIdOf, loadKeys } from '#adapters/feeds/load-objects.ts';
import type { FeedLoadReport } from '#domain/feeds/load-report.ts';
import { headerProblems } from '#domain/feeds/validate-rows.ts';
import { logger } from '#runtime/logger.ts';
import { readSettings } from '#runtime/settings.ts';
import { type SplitInput, SplitInputSchema, type SplitOutput } from './schema.ts';

/**
 * Splits an uploaded feed file (incoming/<feed>/….csv) into chunks of FEED_CHUNK_ROWS rows under
 * loads/<loadId>/chunks/, each `{feed, header, lines}` with every row's line number, then writes the list
 * of chunk keys (loads/<loadId>/manifest.json) that the Distributed Map iterates. The file is streamed:
 * never held whole.
 *
 * Refused whole, with a report saying why and nothing loaded: a key that names no feed, an empty file, a
 * header that is not the feed's columns, or text that is not CSV. A chunk already written for a file later
 * found not to be CSV is never linked (the manifest is written last) and expires with the bucket's
 * lifecycle. The same upload always gives the same load, so running this again rewrites the same chunks.
 * Logs carry counts and keys, never a row.
 */
const config = readSettings('feeds');
const objects = feedLoadObjectsFrom(config);

export class FeedBucketMismatchError extends Error {
  override readonly name = 'FeedBucketMismatchError';
}

function sourceOf(input: SplitInput): { key: string; versionId?: string | undefined } {
  const event = SplitInputSchema.parse(input);
  if ('detail' in event) {
    if (event.detail.bucket.name !== objects.bucket)
      throw new FeedBucketMismatchError('The event is for another bucket than the feeds bucket');
    return { key: event.detail.object.key, versionId: event.detail.object['version-id'] };
  }
  return event;
}

export const handler = middy<SplitInput, SplitOutput>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (input) => {
    const requested = sourceOf(input);
    const file = await objects.openFeedFile(requested.key, requested.versionId);
    const source = { key: requested.key, versionId: file.versionId ?? requested.versionId };
    const loadId = loadIdOf(source.key, source.versionId ?? file.etag ?? 'unversioned');
    const keys = loadKeys(loadId);
    const feed = feedOfKey(source.key);
    const output = (refusal: string | undefined, chunks: number, rows: number): SplitOutput => ({
      loadId,
      feed: feed ?? null,
      source,
      refused: refusal !== undefined,
      ...(refusal !== undefined && { reason: refusal }),
      reportKey: keys.report,
      manifestKey: keys.manifest,
      resultsPrefix: keys.results,
      chunks,
      rows,
    });
    const refuse = async (reasons: string[]): Promise<SplitOutput> => {
      file.body.destroy();
      const report: FeedLoadReport = {
        loadId,
        feed: feed ?? null,
        source,
        outcome: 'refused',
        reasons,
        rows: 0,
      };
      await objects.putJson(keys.report, report);
      logger.warn('feed file refused', { loadId, key: source.key, reasons: reasons.length });
      return output(`The feed file was refused: ${reasons.join('; ')}`, 0, 0);
    };

    if (!feed)
      return refuse([`the key names no feed: upload to incoming/<feed>/<file>.csv, <feed> one of the four`]);
    const manifest: string[] = [];
    let rows = 0;
    try {
      for await (const chunk of readFeedFile(file.body, config.FEED_CHUNK_ROWS)) {
        if (manifest.length === 0) {
          const problems = headerProblems(feed, chunk.header);
          if (problems.length > 0) return refuse(problems.map((p) => `header: ${p}`));
        }
        const key = keys.chunk(manifest.length + 1);
        await objects.putJson(key, { feed, header: chunk.header, lines: chunk.lines });
        manifest.push(key);
        rows += chunk.lines.length;
      }
    } catch (error) {
      if (error instanceof EmptyFeedFileError) return refuse(['the file is empty: it has no header line']);
      // The reader names the line it stopped at and never repeats the text there (it may be a child's name).
      if (error instanceof FeedFileSyntaxError)
        return refuse([`the file is not CSV at line ${error.line ?? 'unknown'}: ${error.message}`]);
      throw error;
    }
    if (rows === 0) return refuse(['the file has a header but no rows']);
    await objects.putJson(keys.manifest, manifest);
    logger.info('feed file split', { loadId, feed, chunks: manifest.length, rows });
    return output(undefined, manifest.length, rows);
  });
