import middy from '@middy/core';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { adaptersFrom } from '#adapters/dependencies.ts';
import { misuseAlertsFrom } from '#adapters/dynamo/alert-repository.ts';
import { misuseAlertView } from '#domain/alerts/misuse-alert.ts';
import { reviewMisuseAlert } from '#domain/use-cases/misuse-alerts.ts';
import type { ApiEvent } from '#http/api-event.ts';
import { json } from '#http/headers.ts';
import { apiMiddleware } from '#http/middleware.ts';
import { route } from './schema.ts';

const adapters = adaptersFrom();
const deps = { ...adapters, alerts: misuseAlertsFrom(adapters) };

export const handler = middy<ApiEvent<typeof route>, APIGatewayProxyResult>()
  .use(apiMiddleware(route, adapters))
  .handler(async ({ input: { params, body, ifMatchVersion }, principal, facts }) => {
    const reviewed = await reviewMisuseAlert(deps, principal, params.alertId, body, ifMatchVersion, facts);
    const view = misuseAlertView(reviewed);
    return json(200, view, { ETag: view.etag });
  });
