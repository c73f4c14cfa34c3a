import middy from '@middy/core';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { adaptersFrom, usageFrom } from '#adapters/dependencies.ts';
import { warnBeforeOverride } from '#domain/use-cases/break-glass.ts';
import type { ApiEvent } from '#http/api-event.ts';
import { json } from '#http/headers.ts';
import { apiMiddleware } from '#http/middleware.ts';
import { route } from './schema.ts';

const deps = adaptersFrom();

export const handler = middy<ApiEvent<typeof route>, APIGatewayProxyResult>()
  .use(apiMiddleware(route, { ...deps, usage: usageFrom(deps.db) }))
  .handler(async ({ input: { params }, principal, facts }) =>
    json(201, await warnBeforeOverride(deps, principal, params.childId, facts)),
  );
