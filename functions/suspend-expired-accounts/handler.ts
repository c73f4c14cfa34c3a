import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { ScheduledEvent } from 'aws-lambda';
import { CognitoIdentityAdmin } from '#adapters/cognito/identity-admin.ts';
import { adaptersFrom } from '#adapters/dependencies.ts';
import { DynamoAlertRepository } from '#adapters/dynamo/alert-repository.ts';
import { suspendExpiredAccounts } from '#domain/use-cases/suspend-expired-accounts.ts';
import { logger } from '#http/logger.ts';
import { ALERTS_TABLE_SETTING } from './schema.ts';

/** Daily (EventBridge schedule): suspends accounts whose DBS certificate has expired and tells their administrators. */
const adapters = adaptersFrom();
const alertsTable = ALERTS_TABLE_SETTING.parse(process.env).ALERTS_TABLE;
const deps = {
  directory: adapters.directory,
  env: adapters.env,
  identity: new CognitoIdentityAdmin(),
  alerts: new DynamoAlertRepository(adapters.db, alertsTable),
  onIdentitySyncFailure: (step: string, error: unknown) =>
    logger.warn('identity provider did not follow the registry', { step, error: (error as Error).name }),
};

export const handler = middy<ScheduledEvent, { suspended: number; notices: number }>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async () => {
    const summary = await suspendExpiredAccounts(deps);
    logger.info('expired DBS certificates handled', summary);
    return summary;
  });
