import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { ScheduledEvent } from 'aws-lambda';
import { CognitoIdentityAdmin } from '#adapters/cognito/identity-admin.ts';
import { onIdentitySyncFailure } from '#adapters/cognito/identity-sync.ts';
import { adaptersFrom } from '#adapters/dependencies.ts';
import { DynamoAlertRepository } from '#adapters/dynamo/alert-repository.ts';
import { suspendExpiredAccounts } from '#domain/use-cases/suspend-expired-accounts.ts';
import { logger } from '#runtime/logger.ts';
import { metrics } from '#runtime/metrics.ts';
import { readSettings } from '#runtime/settings.ts';

/** Daily (EventBridge schedule): suspends accounts whose DBS certificate has expired and tells their administrators. */
const adapters = adaptersFrom();
const deps = {
  directory: adapters.directory,
  env: adapters.env,
  identity: new CognitoIdentityAdmin(),
  alerts: new DynamoAlertRepository(adapters.db, readSettings('alerts').ALERTS_TABLE),
  onIdentitySyncFailure,
};

export const handler = middy<ScheduledEvent, { suspended: number; notices: number }>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async () => {
    const summary = await suspendExpiredAccounts(deps);
    logger.info('expired DBS certificates handled', summary);
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    return summary;
  });
