import middy from '@middy/core';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { adaptersFrom, usageFrom } from '#adapters/dependencies.ts';
import { contactRequestsFrom } from '#adapters/dynamo/contact-request-repository.ts';
import { contactRequestView } from '#domain/contact/request.ts';
import { listChildContactRequests } from '#domain/use-cases/contact-requests.ts';
import type { ApiEvent } from '#http/api-event.ts';
import { json } from '#http/headers.ts';
import { apiMiddleware } from '#http/middleware.ts';
import { route } from './schema.ts';

const adapters = adaptersFrom();
const deps = { ...adapters, contactRequests: contactRequestsFrom(adapters) };

export const handler = middy<ApiEvent<typeof route>, APIGatewayProxyResult>()
  .use(apiMiddleware(route, { ...adapters, usage: usageFrom(adapters.db) }))
  .handler(async ({ input: { params }, principal, facts }) => {
    const requests = await listChildContactRequests(deps, principal, params.childId, facts);
    return json(200, { requests: requests.map(contactRequestView) });
  });
