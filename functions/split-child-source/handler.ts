import middy from '@middy/core';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { adaptersFrom } from '#adapters/dependencies.ts';
import { reviewDependenciesFrom } from '#adapters/review-dependencies.ts';
import { splitSource } from '#domain/use-cases/reviews.ts';
import type { ApiEvent } from '#http/api-event.ts';
import { json } from '#http/headers.ts';
import { apiMiddleware } from '#http/middleware.ts';
import { route } from './schema.ts';

const adapters = adaptersFrom();
const deps = reviewDependenciesFrom(adapters);

export const handler = middy<ApiEvent<typeof route>, APIGatewayProxyResult>()
  .use(apiMiddleware(route, adapters))
  .handler(async ({ input: { params }, principal, facts }) => {
    const result = await splitSource(deps, principal, params.childId, params.sourceRef, facts);
    return json(200, result, { ETag: result.etag });
  });
