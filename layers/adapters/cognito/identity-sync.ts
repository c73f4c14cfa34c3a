import { logger } from '#runtime/logger.ts';
import { count } from '#runtime/metrics.ts';

/**
 * When Cognito does not follow a registry change (disable, enable, sign-out). Access is already refused
 * by the registry (R4); operators see the identity provider lagging behind, logged and counted.
 */
export function onIdentitySyncFailure(step: string, error: unknown): void {
  count('IdentitySyncFailures');
  logger.warn('identity provider did not follow the registry', { step, error: (error as Error).name });
}
