import middy from '@middy/core';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { adaptersFrom, usageFrom } from '#adapters/dependencies.ts';
import { sourceDependenciesFrom } from '#adapters/review-dependencies.ts';
import { listChildSources } from '#domain/use-cases/reviews.ts';
import type { ApiEvent } from '#http/api-event.ts';
import { json } from '#http/headers.ts';
import { apiMiddleware } from '#http/middleware.ts';
import { route } from './schema.ts';

const adapters = adaptersFrom();
const deps = sourceDependenciesFrom(adapters);

export const handler = middy<ApiEvent<typeof route>, APIGatewayProxyResult>()
  .use(apiMiddleware(route, { ...adapters, usage: usageFrom(adapters.db) }))
  .handler(async ({ input: { params }, principal, facts }) =>
    json(200, { sources: await listChildSources(deps, principal, params.childId, facts) }),
  );
