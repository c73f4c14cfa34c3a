import middy from '@middy/core';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { adaptersFrom } from '#adapters/dependencies.ts';
import { contactRequestsFrom } from '#adapters/dynamo/contact-request-repository.ts';
import { contactRequestView } from '#domain/contact/request.ts';
import { closeContactRequest } from '#domain/use-cases/contact-requests.ts';
import type { ApiEvent } from '#http/api-event.ts';
import { json } from '#http/headers.ts';
import { apiMiddleware } from '#http/middleware.ts';
import { route } from './schema.ts';

const adapters = adaptersFrom();
const deps = { ...adapters, contactRequests: contactRequestsFrom(adapters) };

export const handler = middy<ApiEvent<typeof route>, APIGatewayProxyResult>()
  .use(apiMiddleware(route, adapters))
  .handler(async ({ input: { params, body, ifMatchVersion }, principal, facts }) => {
    const closed = await closeContactRequest(
      deps,
      principal,
      params.childId,
      params.requestId,
      body,
      ifMatchVersion,
      facts,
    );
    const view = contactRequestView(closed);
    return json(200, view, { ETag: view.etag });
  });
