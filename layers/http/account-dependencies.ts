import { CognitoIdentityAdmin } from '#adapters/cognito/identity-admin.ts';
import type { Adapters } from '#adapters/dependencies.ts';
import type { AccountDeps } from '#domain/use-cases/accounts.ts';
import { logger } from './logger.ts';
import { count } from './metrics.ts';

/** What the account-administration handlers stand on: the adapters plus Cognito administration. */
export function accountDependencies(adapters: Adapters): AccountDeps {
  return {
    directory: adapters.directory,
    audit: adapters.audit,
    env: adapters.env,
    identity: new CognitoIdentityAdmin(),
    onIdentitySyncFailure: (step, error) => {
      // Access is already refused by the registry; operators see the identity provider lagging behind.
      count('IdentitySyncFailures');
      logger.warn('identity provider did not follow the registry', { step, error: (error as Error).name });
    },
  };
}
