import middy from '@middy/core';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { adaptersFrom } from '#adapters/dependencies.ts';
import { reviewDependenciesFrom } from '#adapters/review-dependencies.ts';
import { decideReview } from '#domain/use-cases/reviews.ts';
import type { ApiEvent } from '#http/api-event.ts';
import { json } from '#http/headers.ts';
import { apiMiddleware } from '#http/middleware.ts';
import { route } from './schema.ts';

const adapters = adaptersFrom();
const deps = reviewDependenciesFrom(adapters);

export const handler = middy<ApiEvent<typeof route>, APIGatewayProxyResult>()
  .use(apiMiddleware(route, adapters))
  .handler(async ({ input: { params, body }, principal, facts }) =>
    json(200, await decideReview(deps, principal, params.reviewId, body, facts)),
  );
