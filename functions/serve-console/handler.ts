import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { accessTokenRoutes } from '#console/api-client.ts';
import { consoleFromSettings } from '#console/configure.ts';
import { consoleRequestFrom, lambdaResultFrom } from '#console/lambda-event.ts';
import { routeScopes } from '#domain/access/permissions.ts';
import { ROUTES } from '#functions/manifest.ts';
import { logger } from '#runtime/logger.ts';
import { readSettings } from '#runtime/settings.ts';

// The routes open to machine clients take an access token, as API Gateway's authorizer requires of them.
const answer = await consoleFromSettings(
  readSettings('console'),
  accessTokenRoutes(ROUTES.filter((route) => routeScopes(route.action).length > 0)),
);

export const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (event) => lambdaResultFrom(await answer(consoleRequestFrom(event))));
