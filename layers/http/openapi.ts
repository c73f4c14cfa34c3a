import {
  OpenAPIRegistry,
  OpenApiGeneratorV31,
  type ResponseConfig,
  type RouteConfig,
} from '@asteasolutions/zod-to-openapi';
import * as z from 'zod';
import { routeScopes } from '#domain/access/permissions.ts';
import {
  IDEMPOTENCY_KEY_HEADER,
  IDEMPOTENCY_KEY_PATTERN,
  IDEMPOTENT_REPLAYED_HEADER,
} from './idempotency.ts';
import { PROBLEM_TYPES, problemTypeUri } from './problem-details.ts';
import type { RouteDefinition } from './route.ts';

const ProblemSchema = z
  .object({
    type: z
      .string()
      .meta({ description: `One of: ${PROBLEM_TYPES.map((p) => problemTypeUri(p.slug)).join(', ')}` }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().optional(),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  })
  .meta({
    id: 'Problem',
    description: 'RFC 9457 problem details',
    example: {
      type: '/problems/validation-error',
      title: 'The request is not valid',
      status: 400,
      detail: 'caseNotes: is not a field ContactPoint may hold (R1)',
      errors: [{ field: 'caseNotes', message: 'is not a field ContactPoint may hold (R1)' }],
    },
  });

function problem(description: string, headers?: ResponseConfig['headers']): ResponseConfig {
  return {
    description,
    content: { 'application/problem+json': { schema: ProblemSchema } },
    ...(headers && { headers }),
  };
}

/** RFC 6750: every 401 names the scheme (see bearerChallenge in problem-details.ts). */
const CHALLENGE_HEADER = {
  'WWW-Authenticate': {
    description:
      'Bearer realm="ContactPoint", with error="invalid_token" when the token presented was refused',
    schema: { type: 'string' as const },
  },
};

/** Refusals every signed-in route can give, beside its own. */
const COMMON_PROBLEMS: Record<number, string> = {
  400: 'Malformed input; `errors` names each field',
  401: 'No valid sign-in',
  403: 'The caller’s role or authority does not permit this',
  503: 'Audit trail or storage unavailable: no data returned and nothing changed (R6)',
};

/** R10: a route that reads a child counts against the caller's per-user limit. */
const RETRY_AFTER_HEADER = {
  'Retry-After': {
    description: 'Seconds until the full window (the minute or the UTC day) resets',
    schema: { type: 'integer' as const, minimum: 1 },
  },
};

/** R8: on an answer given before, to a retry with the same Idempotency-Key. */
const REPLAYED_HEADER = {
  [IDEMPOTENT_REPLAYED_HEADER]: {
    description: '`true` when this is the answer to an earlier request with the same Idempotency-Key',
    schema: { type: 'string' as const, enum: ['true'] },
  },
};

function responsesOf(route: RouteDefinition): Record<string, ResponseConfig> {
  const responses: Record<string, ResponseConfig> = {};
  const common = route.action === null ? {} : COMMON_PROBLEMS;
  for (const [status, description] of Object.entries(common))
    responses[status] = problem(description, status === '401' ? CHALLENGE_HEADER : undefined);
  if (route.usageLimit !== undefined) {
    responses['429'] = problem(
      `This account has used its ${route.usageLimit === 'search' ? 'searches' : 'views'} for this minute or day (R10); retry after Retry-After seconds`,
      RETRY_AFTER_HEADER,
    );
  }
  for (const [status, definition] of Object.entries(route.responses)) {
    let headers: ResponseConfig['headers'] = definition.headers
      ? Object.fromEntries(
          Object.entries(definition.headers).map(([h, d]) => [
            h,
            { description: d, schema: { type: 'string' as const } },
          ]),
        )
      : undefined;
    if (route.request.idempotencyKey && Number(status) === route.successStatus) {
      headers = { ...headers, ...REPLAYED_HEADER };
    }
    responses[status] = definition.schema
      ? {
          description: definition.description,
          content: { 'application/json': { schema: definition.schema } },
          ...(headers && { headers }),
        }
      : problem(definition.description);
  }
  return responses;
}

function pathConfig(route: RouteDefinition): RouteConfig {
  const { params, query, body, ifMatch, idempotencyKey, bodyExample } = route.request;
  const headers = {
    ...(ifMatch && { 'If-Match': z.string().meta({ description: 'The ETag last read', example: '"1"' }) }),
    ...(idempotencyKey && {
      [IDEMPOTENCY_KEY_HEADER]: z
        .string()
        .regex(IDEMPOTENCY_KEY_PATTERN)
        .optional()
        .meta({
          description:
            'Optional; recommended for every push by a case management system (R8). A key of your own, new ' +
            'for each change (a UUID): a retry with the same key, path and body within 24 hours is answered ' +
            'with the first answer and changes nothing more; the same key with another path or body is 422. ' +
            'Keys are yours alone and this route’s alone.',
          example: '0b6f2e8e-8a4c-4a7e-9d1e-5c2b7f3a9e10',
        }),
    }),
  };
  return {
    method: route.method.toLowerCase() as RouteConfig['method'],
    path: route.path,
    operationId: route.operationId,
    summary: route.summary,
    description: route.description,
    tags: route.tags,
    security: securityOf(route),
    request: {
      ...(params && { params }),
      ...(query && { query }),
      ...(Object.keys(headers).length > 0 && { headers: z.object(headers) }),
      ...(body && {
        body: {
          required: true,
          content: {
            'application/json': { schema: body, ...(bodyExample !== undefined && { example: bodyExample }) },
          },
        },
      }),
    },
    responses: responsesOf(route),
  };
}

/** ID tokens everywhere but the routes with scopes (routeScopes), which take an access token holding one. */
function securityOf(route: RouteDefinition) {
  if (route.action === null) return [];
  const scopes = routeScopes(route.action);
  return scopes.length > 0 ? [{ cognitoAccessToken: [...scopes] }] : [{ cognito: [] }];
}

/** The complete OpenAPI 3.1 document, generated from the route table's zod schemas. */
export function openApiDocument(routes: readonly RouteDefinition[]) {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'cognito', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'Cognito ID token (locally: `npm run -s token -- <role>`)',
  });
  registry.registerComponent('securitySchemes', 'cognitoAccessToken', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description:
      'Cognito access token whose `scope` holds one of the listed scopes: a case management system’s ' +
      'client-credentials token or a user’s hosted sign-in (`contactpoint/involvements.write`), or a ' +
      'user’s password sign-in (`aws.cognito.signin.user.admin`). Locally: `npm run -s token -- --client <organisationId>` or ' +
      '`npm run -s token -- --access <role>`.',
  });
  for (const route of routes) registry.registerPath(pathConfig(route));
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'ContactPoint API',
      version: '0.1.0',
      description:
        'Who else is working with this child, and how to reach them. Every search and view needs a reason (R5) and is audited (R6).',
    },
    servers: [{ url: '/' }],
  });
}
