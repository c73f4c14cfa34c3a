import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import middy from '@middy/core';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { sealDependencies } from '#adapters/audit/seal-dependencies.ts';
import { adaptersFrom } from '#adapters/dependencies.ts';
import { misuseAlertsFrom } from '#adapters/dynamo/alert-repository.ts';
import { auditEventFromImage } from '#adapters/dynamo/audit-image.ts';
import { trailIndexFrom } from '#adapters/dynamo/audit-index.ts';
import { DynamoMisuseCounters } from '#adapters/dynamo/misuse-counters.ts';
import type { AuditEvent } from '#domain/audit/event.ts';
import { detectMisuseWithRetries } from '#domain/use-cases/detect-misuse.ts';
import { sealAuditEvents } from '#domain/use-cases/seal-audit-events.ts';
import { logger } from '#runtime/logger.ts';
import { count, metrics, recordSealLag } from '#runtime/metrics.ts';
import { readSettings } from '#runtime/settings.ts';

/**
 * Consumer of the audit table's stream (R6): every batch of new audit events becomes the next seal of
 * the chain. Only inserts are expected — the table is append-only — and anything else is logged as a
 * warning for the verifier to explain.
 */
const deps = sealDependencies();
const adapters = adaptersFrom();
const alerts = misuseAlertsFrom(adapters);
const counters = new DynamoMisuseCounters(adapters.db, readSettings('misuseCounters').MISUSE_COUNTERS_TABLE);
const thresholds = readSettings('misuse');
const trail = trailIndexFrom(adapters.db);

export const handler = middy<DynamoDBStreamEvent, void>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (event) => {
    const inserted: AuditEvent[] = [];
    for (const record of event.Records) {
      if (record.eventName === 'INSERT' && record.dynamodb?.NewImage) {
        const read = auditEventFromImage(record.dynamodb.NewImage as Record<string, AttributeValue>);
        if (read) inserted.push(read);
        else {
          // A poison event: sealing the rest goes on; it stays unsealed, and the verifier names it once
          // it is older than the lag. Logged by ID only, never its content.
          count('AuditPoisonEvents');
          logger.error('audit event cannot be read; left unsealed', {
            eventId: (record.dynamodb.Keys?.eventId as AttributeValue | undefined)?.S,
          });
        }
      } else {
        logger.warn('audit table changed other than by insert', { eventName: record.eventName });
      }
    }
    const seals = await sealAuditEvents(deps, inserted);
    for (const seal of seals) {
      logger.info('audit events sealed', { sequence: seal.sequence, events: seal.entries.length });
      metrics.addMetric('AuditWrites', MetricUnit.Count, seal.entries.length);
      const sealedIds = new Set(seal.entries.map((e) => e.eventId));
      const oldest = inserted.reduce(
        (min, e) => (sealedIds.has(e.eventId) && e.at < min ? e.at : min),
        seal.sealedAt,
      );
      recordSealLag((Date.parse(seal.sealedAt) - Date.parse(oldest)) / 1000);
    }
    // Filed for oversight reads once sealed; the index is derived and can be rebuilt from the trail.
    await trail.file(inserted);
    // R10: misuse detection must never hold up the seal chain. It is idempotent, so it is retried here; a
    // batch it still cannot check is counted and logged by its events' IDs (never their content).
    try {
      const raised = await detectMisuseWithRetries({ ...adapters, counters, alerts, thresholds }, inserted);
      if (raised > 0) count('MisuseAlerts');
    } catch (error) {
      count('MisuseDetectionFailures');
      logger.error('misuse detection failed', {
        error: (error as Error).name,
        eventIds: inserted.map((e) => e.eventId),
      });
    }
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  });
