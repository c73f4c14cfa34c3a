import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import middy from '@middy/core';
import type { Context, ScheduledEvent } from 'aws-lambda';
import { archiveFrom, retentionJobStoreFrom } from '#adapters/archive/dependencies.ts';
import { adaptersFrom } from '#adapters/dependencies.ts';
import { inboxFrom } from '#adapters/dynamo/inbox.ts';
import { type RetentionSummary, runRetention } from '#domain/use-cases/retention.ts';
import { logger } from '#runtime/logger.ts';
import { metrics } from '#runtime/metrics.ts';

const adapters = adaptersFrom();
const deps = {
  retention: retentionJobStoreFrom(adapters.db),
  archive: archiveFrom(() => adapters.env.now()),
  inbox: inboxFrom(adapters),
  env: adapters.env,
};

/**
 * Daily (EventBridge schedule): R7 retention. Logs and metrics carry counts only — never a child's ID, name
 * or date. A run that nears its timeout stops taking records; the next run continues where the index stands.
 */
export const handler = middy<ScheduledEvent, RetentionSummary>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (_event, context: Context) => {
    const summary = await runRetention(deps, {
      timeLeft: () => context.getRemainingTimeInMillis?.() ?? Number.POSITIVE_INFINITY,
      onFailure: (error) =>
        logger.error('a record could not leave; the next run retries', { error: (error as Error).name }),
    });
    logger.info('retention run', { ...summary });
    metrics.addMetric('RecordsArchived', MetricUnit.Count, summary.archived);
    metrics.addMetric('RetentionFailures', MetricUnit.Count, summary.failed + summary.purgeFailed);
    metrics.addMetric('ArchivesPurged', MetricUnit.Count, summary.purged);
    metrics.publishStoredMetrics();
    return summary;
  });
