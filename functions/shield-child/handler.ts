import middy from '@middy/core';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { adaptersFrom, usageFrom } from '#adapters/dependencies.ts';
import { shieldChild } from '#domain/use-cases/change-child.ts';
import type { ApiEvent } from '#http/api-event.ts';
import { apiMiddleware } from '#http/middleware.ts';
import { changedRecordResponse } from '#http/record-response.ts';
import { count } from '#runtime/metrics.ts';
import { route } from './schema.ts';

const deps = adaptersFrom();

export const handler = middy<ApiEvent<typeof route>, APIGatewayProxyResult>()
  .use(apiMiddleware(route, { ...deps, usage: usageFrom(deps.db) }))
  .handler(async ({ input: { params, body }, principal, facts }) => {
    const changed = await shieldChild(deps, principal, params.childId, body, facts);
    count('RecordChanges');
    return changedRecordResponse(changed);
  });
