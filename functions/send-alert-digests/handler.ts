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
const deps = { directory: adapters.directory, inbox: inboxFrom(adapters), ...mailFrom() };

export const handler = middy<ScheduledEvent, DigestSummary>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async () => {
    const summary = await sendAlertDigests(deps);
    logger.info('alert digests sent', { ...summary });
    metrics.addMetric('AlertDigestsMailed', MetricUnit.Count, summary.mailed);
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    return summary;
  });
