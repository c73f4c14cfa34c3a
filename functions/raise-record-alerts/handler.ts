import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import middy from '@middy/core';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { adaptersFrom } from '#adapters/dependencies.ts';
import { recordChangeOf } from '#adapters/dynamo/change-image.ts';
import { alertFingerprint, inboxFrom } from '#adapters/dynamo/inbox.ts';
import { raiseRecordAlerts } from '#domain/use-cases/child-alerts.ts';
import { logger } from '#runtime/logger.ts';
import { metrics } from '#runtime/metrics.ts';

/** Consumer of the children table's stream (R9). A failing batch is retried whole; alerts are written once. */
const adapters = adaptersFrom();
const deps = { ...adapters, inbox: inboxFrom(adapters), fingerprint: alertFingerprint };

export const handler = middy<DynamoDBStreamEvent, void>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (event) => {
    const changes = event.Records.flatMap((record) => recordChangeOf(record) ?? []);
    const raised = await raiseRecordAlerts(deps, changes);
    // Counts only: never a child's ID or details in a log line or metric.
    if (raised > 0) logger.info('record changes weighed for alerts', { changes: changes.length, raised });
    metrics.addMetric('ChildAlerts', MetricUnit.Count, raised);
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  });
