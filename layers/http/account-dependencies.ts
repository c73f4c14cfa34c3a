import { CognitoIdentityAdmin } from '#adapters/cognito/identity-admin.ts';
import { onIdentitySyncFailure } from '#adapters/cognito/identity-sync.ts';
import type { Adapters } from '#adapters/dependencies.ts';
import type { AccountDeps } from '#domain/use-cases/accounts.ts';

/** What the account-administration handlers stand on: the adapters plus Cognito administration. */
export function accountDependencies(adapters: Adapters): AccountDeps {
  return {
    directory: adapters.directory,
    audit: adapters.audit,
    env: adapters.env,
    identity: new CognitoIdentityAdmin(),
    onIdentitySyncFailure,
  };
}
