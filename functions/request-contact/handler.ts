import middy from '@middy/core';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { adaptersFrom } from '#adapters/dependencies.ts';
import { contactRequestsFrom } from '#adapters/dynamo/contact-request-repository.ts';
import { requestContact } from '#domain/use-cases/contact-requests.ts';
import type { ApiEvent } from '#http/api-event.ts';
import { json } from '#http/headers.ts';
import { apiMiddleware } from '#http/middleware.ts';
import { route } from './schema.ts';

const adapters = adaptersFrom();
const deps = { ...adapters, contactRequests: contactRequestsFrom(adapters) };

export const handler = middy<ApiEvent<typeof route>, APIGatewayProxyResult>()
  .use(apiMiddleware(route, adapters))
  .handler(async ({ input: { params, body }, principal, facts }) =>
    json(202, await requestContact(deps, principal, params.childId, body, facts)),
  );
