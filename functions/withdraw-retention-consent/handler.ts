import middy from '@middy/core';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { adaptersFrom } from '#adapters/dependencies.ts';
import { withdrawRetentionConsent } from '#domain/use-cases/retention.ts';
import type { ApiEvent } from '#http/api-event.ts';
import { json } from '#http/headers.ts';
import { apiMiddleware } from '#http/middleware.ts';
import { count } from '#runtime/metrics.ts';
import { route } from './schema.ts';

const deps = adaptersFrom();

/** R7: changes when the record leaves the live directory; answers with its leaving day and ETag. */
export const handler = middy<ApiEvent<typeof route>, APIGatewayProxyResult>()
  .use(apiMiddleware(route, deps))
  .handler(async ({ input: { params, body }, principal, facts }) => {
    const status = await withdrawRetentionConsent(deps, principal, params.childId, body, facts);
    count('RetentionChanges');
    return json(200, status, { ETag: status.etag });
  });
