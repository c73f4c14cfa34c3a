import middy from '@middy/core';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { adaptersFrom } from '#adapters/dependencies.ts';
import { trailIndexFrom } from '#adapters/dynamo/audit-index.ts';
import { readUserTrail } from '#domain/use-cases/audit-trail.ts';
import type { ApiEvent } from '#http/api-event.ts';
import { apiMiddleware } from '#http/middleware.ts';
import { trailResponse } from '#http/trail-response.ts';
import { route } from './schema.ts';

const deps = adaptersFrom();
const trail = trailIndexFrom(deps.db);

export const handler = middy<ApiEvent<typeof route>, APIGatewayProxyResult>()
  .use(apiMiddleware(route, deps))
  .handler(async ({ input: { params, query }, principal, facts }) => {
    const page = await readUserTrail({ ...deps, trail }, principal, params.userId, query, facts);
    return trailResponse(page, query.format);
  });
