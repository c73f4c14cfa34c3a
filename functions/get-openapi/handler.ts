import middy from '@middy/core';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { ROUTES } from '#functions/manifest.ts';
import type { ApiEvent } from '#http/api-event.ts';
import { json } from '#http/headers.ts';
import { publicApiMiddleware } from '#http/middleware.ts';
import { openApiDocument } from '#http/openapi.ts';
import { route } from './schema.ts';

// Built once per container: the document only changes with a deployment.
const document = openApiDocument(ROUTES);

export const handler = middy<ApiEvent<typeof route>, APIGatewayProxyResult>()
  .use(publicApiMiddleware(route))
  .handler(async () => json(200, document, { 'cache-control': 'public, max-age=300' }));
