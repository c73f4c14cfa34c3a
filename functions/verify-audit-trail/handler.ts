import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { ScheduledEvent } from 'aws-lambda';
import { sealDependencies } from '#adapters/audit/seal-dependencies.ts';
import { describeProblem, verifyAuditTrail } from '#adapters/audit/verify-trail.ts';
import { documentClient } from '#adapters/dynamo/client.ts';
import { logger } from '#runtime/logger.ts';
import { metrics, recordVerificationFailures } from '#runtime/metrics.ts';
import { readSettings } from '#runtime/settings.ts';

/**
 * Nightly (R6): the deployed twin of `npm run audit:verify`. Every problem is logged by event ID and
 * counted; the operators' alarm fires on any. Unsealed events older than the sealing lag are problems.
 */
const config = readSettings('adapters');
const db = documentClient(config.AWS_REGION, config.DYNAMODB_ENDPOINT);
const deps = sealDependencies();
const tables = { audit: config.AUDIT_TABLE, auditIndex: readSettings('auditIndex').AUDIT_INDEX_TABLE };
const { AUDIT_SEAL_LAG_SECONDS: lagSeconds } = readSettings('auditVerification');

export const handler = middy<ScheduledEvent, { seals: number; sealedEvents: number; problems: number }>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async () => {
    const result = await verifyAuditTrail(db, tables, deps, { lagSeconds });
    for (const problem of result.problems)
      logger.error('audit trail problem', { problem: describeProblem(problem) });
    recordVerificationFailures(result.problems.length);
    metrics.publishStoredMetrics();
    return { seals: result.seals, sealedEvents: result.sealedEvents, problems: result.problems.length };
  });
