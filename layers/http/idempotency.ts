import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  IdempotencyPersistenceLayerError,
  IdempotencyValidationError,
} from '@aws-lambda-powertools/idempotency';
import { makeHandlerIdempotent } from '@aws-lambda-powertools/idempotency/middleware';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import type { MiddlewareObj, Request } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { StorageUnavailableError } from '#adapters/dynamo/errors.ts';
import { IdempotencyKeyInUseError, IdempotencyKeyReusedError, ValidationError } from '#domain/errors.ts';
import { logger } from '#runtime/logger.ts';
import { count } from '#runtime/metrics.ts';
import type { ApiEvent } from './api-event.ts';
import { headerValue } from './headers.ts';
import type { RouteDefinition } from './route.ts';

/** Where answers are kept: the Powertools persistence layer (layers/adapters/dynamo/idempotency-store.ts). */
export type IdempotencyStore = BasePersistenceLayer;

export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';
/** How long an answer is kept for its retries: a day, then the table's TTL removes it. */
export const IDEMPOTENCY_WINDOW_SECONDS = 24 * 60 * 60;
/** Set on an answer that was given before, so a client can tell a replay from a fresh change. */
export const IDEMPOTENT_REPLAYED_HEADER = 'Idempotent-Replayed';

/** 1–255 visible ASCII characters: a UUID is the obvious choice. No spaces, no list of keys. */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/** The Idempotency-Key header, checked; 400 naming it when it is sent twice or malformed. */
export function idempotencyKeyOf(event: APIGatewayProxyEvent): string | undefined {
  const lower = IDEMPOTENCY_KEY_HEADER.toLowerCase();
  const values = Object.entries(event.multiValueHeaders ?? {})
    .filter(([name]) => name.toLowerCase() === lower)
    .flatMap(([, v]) => v ?? []);
  const value = headerValue(event, IDEMPOTENCY_KEY_HEADER);
  if (value === undefined) return undefined;
  if (values.length > 1 || !IDEMPOTENCY_KEY_PATTERN.test(value)) {
    throw new ValidationError([
      {
        field: IDEMPOTENCY_KEY_HEADER,
        message: 'must be one value of 1 to 255 visible ASCII characters (no spaces), e.g. a UUID',
      },
    ]);
  }
  return value;
}

type ChangeRequest = Request<ApiEvent<RouteDefinition>, APIGatewayProxyResult>;

/**
 * R8: pushes retried safely. With an Idempotency-Key the first request takes the key (a conditional write)
 * before it changes anything; its successful answer is kept for a day and given, unchanged, to every retry
 * with the same key, path and body, without a second change. The library is Powertools' idempotency
 * middleware with its DynamoDB persistence layer; this wraps it for what the API needs:
 *
 * - the key is the caller's (principal.userId: a user's subject, or `client:<id>` for a case management
 *   system) and the route's (the key prefix is the operation), so two callers' keys never meet;
 * - the request a key stands for is the validated path and body: a different child, involvement or body is
 *   422 `idempotency-key-reused`. If-Match is left out, so a PATCH retried after it succeeded (its ETag
 *   now stale) is answered from the store, not refused 412;
 * - a request while the first is still running is 409 `idempotency-key-in-use`; neither ever releases the
 *   first request's key (the library's own onError would delete it);
 * - an error (4xx or 5xx) releases the key, so a corrected retry can proceed; only 2xx answers are kept;
 * - no header, no change in behaviour.
 *
 * What is kept is the answer the caller has already been shown (status, headers, body: its own involvement
 * as it was returned to it), and nothing of anyone else's; it is therefore lawful to hold for as long as a
 * retry can come, and it is held in a table encrypted with the data key and removed by TTL after a day.
 *
 * A replay writes no audit event: nothing changed, and the change it repeats was audited with it, in the
 * same transaction (R6). It is counted (IdempotentReplays) and logged without the key.
 */
export function rememberAnswers<R extends RouteDefinition>(
  route: R,
  store: IdempotencyStore,
): MiddlewareObj<ApiEvent<R>, APIGatewayProxyResult> {
  const library = makeHandlerIdempotent({
    persistenceStore: store,
    keyPrefix: route.operationId,
    config: new IdempotencyConfig({
      eventKeyJmesPath: '[principal.userId, input.idempotencyKey]',
      payloadValidationJmesPath: '[input.params, input.body]',
      throwOnNoIdempotencyKey: true,
      expiresAfterSeconds: IDEMPOTENCY_WINDOW_SECONDS,
      hashFunction: 'sha256',
      responseHook: (response) => {
        count('IdempotentReplays');
        logger.info('answered from an earlier request', { route: route.operationId });
        const answer = response as unknown as APIGatewayProxyResult;
        return {
          ...answer,
          headers: { ...answer.headers, [IDEMPOTENT_REPLAYED_HEADER]: 'true' },
        } as unknown as typeof response;
      },
    }),
  });
  type Hook = (request: ChangeRequest) => Promise<unknown>;
  const before = library.before as unknown as Hook;
  const after = library.after as unknown as Hook;
  const onError = library.onError as unknown as Hook;
  /** Requests that took their key (and so must release it on error or record their answer). */
  const holding = new WeakSet<object>();
  return {
    before: async (request) => {
      if ((request.event as ApiEvent<RouteDefinition>).input.idempotencyKey === undefined) return;
      try {
        const replayed = await before(request as unknown as ChangeRequest);
        if (replayed === undefined) holding.add(request);
        return replayed as APIGatewayProxyResult | undefined;
      } catch (error) {
        if (error instanceof IdempotencyValidationError)
          throw new IdempotencyKeyReusedError({ cause: error });
        if (error instanceof IdempotencyAlreadyInProgressError)
          throw new IdempotencyKeyInUseError({ cause: error });
        if (error instanceof IdempotencyPersistenceLayerError)
          throw new StorageUnavailableError({ cause: error });
        throw error;
      }
    },
    after: async (request) => {
      if (!holding.has(request)) return;
      holding.delete(request);
      // Only a success is kept; anything else releases the key, as an error does.
      const succeeded = (request.response?.statusCode ?? 500) < 300;
      try {
        await (succeeded ? after : onError)(request as unknown as ChangeRequest);
      } catch (error) {
        // The change is committed and the caller gets its answer; failing it now would invite a retry that
        // changes again. The key stays in progress until the invocation's time is up, then lapses.
        count('IdempotentAnswersNotKept');
        logger.error('the answer could not be kept for retries', { route: route.operationId, error });
      }
    },
    onError: async (request) => {
      if (!holding.has(request)) return;
      holding.delete(request);
      try {
        await onError(request as unknown as ChangeRequest);
      } catch (error) {
        // The caller still gets the original problem; the key lapses with the invocation's time.
        logger.error('the idempotency key could not be released', { route: route.operationId, error });
      }
    },
  };
}
