import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import middy from '@middy/core';
import type { ScheduledEvent } from 'aws-lambda';
import { adaptersFrom } from '#adapters/dependencies.ts';
import { inboxFrom } from '#adapters/dynamo/inbox.ts';
import { mailFrom } from '#adapters/mail/mailer.ts';
import { type DigestSummary, sendAlertDigests } from '#domain/use-cases/child-alerts.ts';
import { logger } from '#runtime/logger.ts';
import { metrics } from '#runtime/metrics.ts';

/** Daily (EventBridge schedule): the alert digests of R9. */
const adapters = adaptersFrom();
const deps = {
  directory: adapters.directory,
  inbox: inboxFrom(adapters),
  env: adapters.env,
  ...mailFrom(),
  // Never the address: only that a user's digest failed (their alerts wait for the next run).
  onFailure: (error: unknown) => logger.error('a digest could not be sent', { error: (error as Error).name }),
};

export const handler = middy<ScheduledEvent, DigestSummary>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async () => {
    const summary = await sendAlertDigests(deps);
    logger.info('alert digests sent', { ...summary });
    metrics.addMetric('AlertDigestsMailed', MetricUnit.Count, summary.mailed);
    metrics.addMetric('AlertDigestFailures', MetricUnit.Count, summary.failed);
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    return summary;
  });
