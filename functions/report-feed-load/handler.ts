import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { feedLoadObjectsFrom, isLoadId, loadKeys } from '#adapters/feeds/load-objects.ts';
import { type ChunkResult, loadedReport } from '#domain/feeds/load-report.ts';
import { logger } from '#runtime/logger.ts';
import { metrics, recordFeedLoad } from '#runtime/metrics.ts';
import { readSettings } from '#runtime/settings.ts';
import {
  ChunkOutputSchema,
  RejectsSchema,
  type ReportInput,
  ReportInputSchema,
  type ReportOutput,
  ResultFileSchema,
  ResultManifestSchema,
} from './schema.ts';

/**
 * Writes a feed load's report: every chunk's result, as the Distributed Map wrote them under
 * loads/<loadId>/results/, summed, with every refused row by line number and why (never a value). Reads
 * only what its load wrote; a map run with a failed or unfinished chunk is not reported as loaded (the
 * state machine never gets here then, the map tolerating no failure). Logs and metrics carry counts only.
 */
const config = readSettings('feeds');
const objects = feedLoadObjectsFrom(config);

export class FeedLoadResultsError extends Error {
  override readonly name = 'FeedLoadResultsError';
}

export const handler = middy<ReportInput, ReportOutput>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (input) => {
    const { loadId, feed, source, chunks, results } = ReportInputSchema.parse(input);
    const keys = loadKeys(loadId);
    const { Bucket, Key } = results.ResultWriterDetails;
    if (!isLoadId(loadId) || Bucket !== objects.bucket || !Key.startsWith(`${keys.results}/`))
      throw new FeedLoadResultsError('The map run’s results are not this load’s');
    const manifest = ResultManifestSchema.parse(await objects.getJson(Key));
    const { SUCCEEDED, FAILED, PENDING } = manifest.ResultFiles;
    if (FAILED.length > 0 || PENDING.length > 0)
      throw new FeedLoadResultsError('The map run has chunks that failed or did not finish: redrive it');
    const chunkResults: ChunkResult[] = [];
    for (const file of SUCCEEDED) {
      if (!file.Key.startsWith(`${keys.results}/`))
        throw new FeedLoadResultsError('The map run’s manifest names a file outside this load’s results');
      for (const execution of ResultFileSchema.parse(await objects.getJson(file.Key))) {
        const output = ChunkOutputSchema.parse(JSON.parse(execution.Output ?? 'null'));
        const rejected = output.rejectsKey
          ? RejectsSchema.parse(
              await objects.getJson(loadKeys(loadId).rejects(chunkNumberOf(output.rejectsKey))),
            )
          : output.rejected;
        chunkResults.push({
          chunkKey: output.chunkKey,
          rows: output.rows,
          summary: output.summary,
          rejected,
        });
      }
    }
    if (chunkResults.length !== chunks)
      throw new FeedLoadResultsError(`The map run reports ${chunkResults.length} chunks of ${chunks}`);
    const report = loadedReport({ loadId, feed, source }, chunkResults);
    await objects.putJson(keys.report, report);
    const counts = {
      rows: report.rows,
      rejected: report.rejected,
      created: report.linking.created,
      queuedForReview: report.linking.queuedForReview,
    };
    recordFeedLoad(counts);
    metrics.publishStoredMetrics();
    logger.info('feed load reported', { loadId, feed, chunks: report.chunks, ...report.linking, ...counts });
    return { loadId, reportKey: keys.report, chunks: report.chunks, ...counts };
  });

/** The chunk number in a rejects key (loads/<loadId>/rejects/<n>.json): read back only under this load. */
function chunkNumberOf(rejectsKey: string): string {
  const number = /\/rejects\/(\d{6})\.json$/.exec(rejectsKey)?.[1];
  if (!number) throw new FeedLoadResultsError('A chunk’s rejects are named outside its load');
  return number;
}
