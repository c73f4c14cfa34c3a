import middy from '@middy/core';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { adaptersFrom } from '#adapters/dependencies.ts';
import { listOwnInvolvements } from '#domain/use-cases/caseload.ts';
import type { ApiEvent } from '#http/api-event.ts';
import { json } from '#http/headers.ts';
import { apiMiddleware } from '#http/middleware.ts';
import { route } from './schema.ts';

const deps = adaptersFrom();

export const handler = middy<ApiEvent<typeof route>, APIGatewayProxyResult>()
  .use(apiMiddleware(route, deps))
  .handler(async ({ input: { query }, principal, facts }) => {
    const page = await listOwnInvolvements(deps, principal, query, facts);
    return json(200, { involvements: page.involvements, ...(page.next && { next: page.next }) });
  });
