import middy from '@middy/core';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { adaptersFrom, usageFrom } from '#adapters/dependencies.ts';
import { unshieldChild } from '#domain/use-cases/change-child.ts';
import type { ApiEvent } from '#http/api-event.ts';
import { apiMiddleware } from '#http/middleware.ts';
import { changedRecordResponse } from '#http/record-response.ts';
import { count } from '#runtime/metrics.ts';
import { route } from './schema.ts';

const deps = adaptersFrom();

export const handler = middy<ApiEvent<typeof route>, APIGatewayProxyResult>()
  .use(apiMiddleware(route, { ...deps, usage: usageFrom(deps.db) }))
  .handler(async ({ input: { params, body }, principal, facts }) => {
    const changed = await unshieldChild(deps, principal, params.childId, body, facts);
    count('RecordChanges');
    // Still shielded: this team's agreement is recorded, and the other team's will lift it.
    return changedRecordResponse(changed, changed.record.shield ? 202 : 200);
  });
