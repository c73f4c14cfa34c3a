import middy from '@middy/core';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { adaptersFrom } from '#adapters/dependencies.ts';
import { approveAccountChange } from '#domain/use-cases/account-changes.ts';
import { accountDependencies } from '#http/account-dependencies.ts';
import type { ApiEvent } from '#http/api-event.ts';
import { json } from '#http/headers.ts';
import { apiMiddleware } from '#http/middleware.ts';
import { count } from '#runtime/metrics.ts';
import { route } from './schema.ts';

const adapters = adaptersFrom();
const deps = accountDependencies(adapters);

export const handler = middy<ApiEvent<typeof route>, APIGatewayProxyResult>()
  .use(apiMiddleware(route, adapters))
  .handler(async ({ input: { params }, principal, facts }) => {
    const { view } = await approveAccountChange(deps, principal, params.changeId, facts);
    count('AccountChanges');
    return json(200, view, { ETag: view.etag });
  });
