import middy from '@middy/core';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { adaptersFrom, usageFrom } from '#adapters/dependencies.ts';
import { reviewsFrom } from '#adapters/dynamo/review-queue.ts';
import { listReviews } from '#domain/use-cases/reviews.ts';
import type { ApiEvent } from '#http/api-event.ts';
import { json } from '#http/headers.ts';
import { apiMiddleware } from '#http/middleware.ts';
import { route } from './schema.ts';

const adapters = adaptersFrom();
const deps = { ...adapters, reviews: reviewsFrom(adapters) };

export const handler = middy<ApiEvent<typeof route>, APIGatewayProxyResult>()
  .use(apiMiddleware(route, { ...adapters, usage: usageFrom(adapters.db) }))
  .handler(async ({ input: { query }, principal, facts }) =>
    json(200, await listReviews(deps, principal, query, facts)),
  );
