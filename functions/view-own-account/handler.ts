import middy from '@middy/core';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { adaptersFrom } from '#adapters/dependencies.ts';
import { viewOwnAccount } from '#domain/use-cases/accounts.ts';
import type { ApiEvent } from '#http/api-event.ts';
import { json } from '#http/headers.ts';
import { apiMiddleware } from '#http/middleware.ts';
import { route } from './schema.ts';

const deps = adaptersFrom();

export const handler = middy<ApiEvent<typeof route>, APIGatewayProxyResult>()
  .use(apiMiddleware(route, deps))
  .handler(async ({ principal }) => json(200, (await viewOwnAccount(deps, principal)).view));
