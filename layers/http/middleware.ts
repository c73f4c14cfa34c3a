import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { retryAfterSeconds, type UsageLimits, windowsAt } from '#domain/access/limits.ts';
import { isPermitted, RIGHT_REQUIRED } from '#domain/access/permissions.ts';
import { holdsRight } from '#domain/access/principal.ts';
import { auditEventFor } from '#domain/audit/event.ts';
import { versionFromEtag } from '#domain/child/record.ts';
import { AccessRefusedError, ForbiddenError, RateLimitedError, ValidationError } from '#domain/errors.ts';
import { isValidContactPointId, normaliseContactPointId } from '#domain/identifiers/contactpoint-id.ts';
import type { AuditSink, DirectoryRepository, Environment, UsageCounter } from '#domain/ports.ts';
import { logger } from '#runtime/logger.ts';
import { count, metrics } from '#runtime/metrics.ts';
import type { ApiEvent } from './api-event.ts';
import { baseHeaders, headerValue } from './headers.ts';
import { type IdempotencyStore, idempotencyKeyOf, rememberAnswers } from './idempotency.ts';
import { PrincipalResolver } from './principal.ts';
import { problemFor, problemResponse } from './problem-details.ts';
import type { RouteDefinition } from './route.ts';
import { parseOrThrow, refuseUnexpected } from './validation.ts';

type Middleware<R extends RouteDefinition> = MiddlewareObj<ApiEvent<R>, APIGatewayProxyResult>;

export interface MiddlewareDependencies {
  directory: Pick<DirectoryRepository, 'getOrganisation' | 'getAccount' | 'getMachineClient'>;
  accountCacheSeconds: number;
  audit: AuditSink;
  env: Environment;
  /** R10 per-user limits: required by every route that declares a `usageLimit`. */
  usage?: { counter: UsageCounter; limits: UsageLimits } | undefined;
  /** R8 the answers kept for retries: required by every route that takes an `idempotencyKey`. */
  idempotency?: IdempotencyStore | undefined;
}

/** Last line: every error becomes problem+json; only 5xx are logged, with the error but no request data. */
function problemDetails<R extends RouteDefinition>(route: R): Middleware<R> {
  return {
    onError: (request) => {
      const requestId = request.event.requestContext?.requestId;
      const problem = problemFor(request.error, requestId);
      if (problem.status === 403) count('Denials');
      if (problem.status >= 500)
        logger.error('request failed', { route: route.operationId, error: request.error as Error });
      else logger.info('request refused', { route: route.operationId, status: problem.status });
      request.response = problemResponse(problem, request.error);
    },
  };
}

/** Publishes the request's product counters, if it counted anything (an empty EMF line is noise). */
function publishMetrics<R extends RouteDefinition>(): Middleware<R> {
  const publish = () => {
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  };
  return { after: publish, onError: publish };
}

function requestFacts<R extends RouteDefinition>(): Middleware<R> {
  return {
    before: (request) => {
      const { requestContext } = request.event;
      request.event.facts = {
        requestId: requestContext?.requestId ?? 'unknown',
        sourceIp: requestContext?.identity?.sourceIp ?? 'unknown',
      };
    },
    after: (request) => {
      if (request.response) request.response.headers = { ...baseHeaders, ...request.response.headers };
    },
  };
}

/** The child a refused request aimed at, when the path names a well-formed ContactPoint ID (never raw input). */
function childIdFromPath(event: APIGatewayProxyEvent): string[] {
  const raw = event.pathParameters?.childId;
  return raw && isValidContactPointId(raw) ? [normaliseContactPointId(raw)] : [];
}

/**
 * Who is calling and may they: the principal from verified claims, then the permission table (deny by
 * default). Every refusal — the registry's (R4) or the permission table's — is audited (R6) before it
 * is returned, under the account the token names, with a child ID only when the path names one.
 */
function authorise<R extends RouteDefinition>(route: R, deps: MiddlewareDependencies): Middleware<R> {
  const resolver = new PrincipalResolver(deps.directory, deps.accountCacheSeconds);
  return {
    before: async (request) => {
      const action = route.action;
      if (action === null) return;
      const principal = await resolver
        .resolve(request.event.requestContext?.authorizer?.claims)
        .catch(async (error: unknown) => {
          if (error instanceof AccessRefusedError) {
            await deps.audit.record(
              auditEventFor(deps.env, error.actor, request.event.facts, {
                action,
                outcome: 'denied',
                childIds: childIdFromPath(request.event),
                refusalReasons: error.reasons,
              }),
            );
          }
          throw error;
        });
      if (!isPermitted(principal, action)) {
        const right = RIGHT_REQUIRED[action];
        const lacksRight = right !== undefined && !principal.machineClientId && !holdsRight(principal, right);
        await deps.audit.record(
          auditEventFor(deps.env, principal, request.event.facts, {
            action: action,
            outcome: 'denied',
            childIds: childIdFromPath(request.event),
            refusalReasons: [
              principal.machineClientId
                ? 'scope-not-granted'
                : lacksRight
                  ? 'right-not-held'
                  : 'role-not-permitted',
            ],
          }),
        );
        if (lacksRight) throw new ForbiddenError(`Your account does not hold the ${right} right`);
        const who = principal.machineClientId
          ? 'This client’s scopes do not allow it to'
          : `The ${principal.roles.join(', ')} role may not`;
        throw new ForbiddenError(`${who} ${action.replaceAll('-', ' ')}`);
      }
      (request.event as ApiEvent<RouteDefinition>).principal = principal;
    },
  };
}

function parseJsonBody(event: APIGatewayProxyEvent): unknown {
  if (event.body === null || event.body === undefined || event.body === '') {
    throw new ValidationError([{ field: 'body', message: 'is required' }]);
  }
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ValidationError([{ field: 'body', message: 'is not valid JSON' }], { cause: error });
  }
}

/**
 * Path, query and body against the route's zod schemas: anything unknown or malformed is 400 naming it.
 * A route without a query schema takes no query parameters, and one without a body schema no body.
 */
function validateRequest<R extends RouteDefinition>(route: R): Middleware<R> {
  const { params, query, body, ifMatch, idempotencyKey } = route.request;
  return {
    before: (request) => {
      const event = request.event;
      if (!query) refuseUnexpected('query', Object.keys(event.queryStringParameters ?? {}));
      if (!body && event.body !== null && event.body !== undefined && event.body !== '')
        refuseUnexpected('body', ['body']);
      const ifMatchHeader = ifMatch ? headerValue(event, 'if-match') : undefined;
      const ifMatchVersion = ifMatchHeader === undefined ? undefined : versionFromEtag(ifMatchHeader);
      if (ifMatchHeader !== undefined && ifMatchVersion === undefined) {
        throw new ValidationError([
          {
            field: 'If-Match',
            message: /^\s*W\//.test(ifMatchHeader)
              ? 'must be the strong ETag this API issued (a weak W/ ETag never matches), e.g. "1"'
              : 'is not an ETag this API issued; send the ETag exactly as it was received, e.g. "1"',
          },
        ]);
      }
      event.input = {
        params: params ? parseOrThrow(params, event.pathParameters ?? {}, 'path') : undefined,
        query: query ? parseOrThrow(query, event.queryStringParameters ?? {}, 'query') : undefined,
        body: body ? parseOrThrow(body, parseJsonBody(event), 'body') : undefined,
        ifMatchVersion,
        idempotencyKey: idempotencyKey ? idempotencyKeyOf(event) : undefined,
      } as ApiEvent<R>['input'];
    },
  };
}

/**
 * R10 per-user limits, keyed on the account the registry resolved (a fresh token changes nothing). A
 * request is counted once it is authorised and valid; one over the limit is audited ('rate-limited', no
 * child data) and answered 429 with Retry-After, and the handler never runs.
 */
function limitUsage<R extends RouteDefinition>(route: R, deps: MiddlewareDependencies): Middleware<R>[] {
  const kind = route.usageLimit;
  if (kind === undefined || route.action === null) return [];
  const { usage } = deps;
  if (!usage)
    throw new Error(`${route.operationId} counts against the ${kind} limit: give apiMiddleware its usage`);
  const action = route.action;
  return [
    {
      before: async (request) => {
        const principal = (request.event as ApiEvent<RouteDefinition>).principal;
        const now = deps.env.now();
        const full = await usage.counter.admit(principal.userId, kind, windowsAt(now, kind, usage.limits));
        if (!full) return;
        await deps.audit.record(
          auditEventFor(deps.env, principal, request.event.facts, { action, outcome: 'rate-limited' }),
        );
        count('RateLimited');
        throw new RateLimitedError(
          retryAfterSeconds(now, full),
          `This account has made its ${full.limit} ${kind === 'search' ? 'searches' : 'views'} allowed per ${full.length}`,
        );
      },
    },
  ];
}

/**
 * The one middleware stack every API handler uses, in order: log context, problem+json on error, request facts,
 * authorisation, validation, per-user limits, and last the answers kept for retries (R8), so a retry is
 * answered only once its caller is signed in, permitted and valid. Use as
 * `middy().use(apiMiddleware(route, deps)).handler(...)`.
 */
export function apiMiddleware<R extends RouteDefinition>(
  route: R,
  deps: MiddlewareDependencies,
): Middleware<R>[] {
  return [
    injectLambdaContext(logger, { resetKeys: true }) as Middleware<R>,
    publishMetrics(),
    problemDetails(route),
    requestFacts(),
    authorise(route, deps),
    validateRequest(route),
    ...limitUsage(route, deps),
    ...idempotentChanges(route, deps),
  ];
}

/** R8: a route that takes an Idempotency-Key answers its retries from the store (layers/http/idempotency.ts). */
function idempotentChanges<R extends RouteDefinition>(
  route: R,
  deps: MiddlewareDependencies,
): Middleware<R>[] {
  if (!route.request.idempotencyKey) return [];
  if (!deps.idempotency)
    throw new Error(
      `${route.operationId} takes an Idempotency-Key: give apiMiddleware its idempotency store`,
    );
  return [rememberAnswers(route, deps.idempotency) as Middleware<R>];
}

/** The same stack for the few routes that need no sign-in (the OpenAPI document). */
export function publicApiMiddleware<R extends RouteDefinition>(route: R): Middleware<R>[] {
  if (route.action !== null) throw new Error(`${route.operationId} needs sign-in: use apiMiddleware`);
  return [
    injectLambdaContext(logger, { resetKeys: true }) as Middleware<R>,
    problemDetails(route),
    requestFacts(),
    validateRequest(route),
  ];
}
