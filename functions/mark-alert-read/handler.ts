import middy from '@middy/core';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { adaptersFrom } from '#adapters/dependencies.ts';
import { inboxFrom } from '#adapters/dynamo/inbox.ts';
import { alertView } from '#domain/alerts/child-alert.ts';
import { markAlertRead } from '#domain/use-cases/child-alerts.ts';
import type { ApiEvent } from '#http/api-event.ts';
import { json } from '#http/headers.ts';
import { apiMiddleware } from '#http/middleware.ts';
import { route } from './schema.ts';

const adapters = adaptersFrom();
const deps = { ...adapters, inbox: inboxFrom(adapters) };

export const handler = middy<ApiEvent<typeof route>, APIGatewayProxyResult>()
  .use(apiMiddleware(route, adapters))
  .handler(async ({ input: { params }, principal, facts }) =>
    json(200, alertView(await markAlertRead(deps, principal, params.alertId, facts))),
  );
