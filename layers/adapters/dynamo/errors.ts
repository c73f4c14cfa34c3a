import { PreconditionFailedError } from '#domain/errors.ts';

/** DynamoDB could not be reached or refused for capacity: retry later (503), never a leak of internals. */
export class StorageUnavailableError extends Error {
  override readonly name = 'StorageUnavailableError';
  constructor(options?: ErrorOptions) {
    super('Storage is temporarily unavailable', options);
  }
}

const UNAVAILABLE = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'ResourceNotFoundException',
  'TransactionConflictException',
]);

/** Why one item of a cancelled transaction failed; `Item` only when the write asked for it back. */
export interface CancellationReason {
  Code?: string;
  Item?: Record<string, { S?: string }>;
}

/** Why each item of a cancelled transaction failed, in order (the translated error keeps the SDK's as its cause). */
export function cancellationReasons(error: unknown): (CancellationReason | undefined)[] {
  const cause = error instanceof Error ? (error.cause ?? error) : error;
  return ((cause as { CancellationReasons?: CancellationReason[] } | undefined)?.CancellationReasons ??
    []) as (CancellationReason | undefined)[];
}

/** A transaction that lost to a concurrent one on the same items (503 as it stands): worth retrying at once. */
export function isTransactionConflict(error: unknown): boolean {
  return (
    error instanceof StorageUnavailableError &&
    cancellationReasons(error).some((r) => r?.Code === 'TransactionConflict')
  );
}

/**
 * Translates a failed DynamoDB call. A failed write condition is a lost race: 412. Everything that
 * says "not now" (throttling, an unreachable endpoint, a missing table) is 503. Anything else is a bug
 * and stays as it is (500, with nothing of it in the response).
 */
export function translateStorageError(error: unknown): Error {
  if (!(error instanceof Error)) return new Error('Unknown storage failure', { cause: error });
  if (error.name === 'ConditionalCheckFailedException') {
    return new PreconditionFailedError('The item has changed since it was read', { cause: error });
  }
  if (error.name === 'TransactionCanceledException') {
    const reasons =
      (error as Error & { CancellationReasons?: CancellationReason[] }).CancellationReasons ?? [];
    if (reasons.some((r) => r.Code === 'ConditionalCheckFailed')) {
      return new PreconditionFailedError('The item has changed since it was read', { cause: error });
    }
    if (reasons.some((r) => r.Code === 'TransactionConflict' || r.Code === 'ThrottlingError')) {
      return new StorageUnavailableError({ cause: error });
    }
  }
  if (UNAVAILABLE.has(error.name) || error.name === 'TimeoutError' || 'code' in error) {
    return new StorageUnavailableError({ cause: error });
  }
  return error;
}
