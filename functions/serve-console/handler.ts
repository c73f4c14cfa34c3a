import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { accessTokenRoutes } from '#console/api-client.ts';
import { NOT_THROUGH_CLOUDFRONT } from '#console/app.ts';
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
  .handler(async (event) => {
    // CloudFront's secret header first: a request that went round it is refused before anything is read.
    const headers = Object.fromEntries(
      Object.entries(event.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]),
    );
    if (!answer.admits(headers)) return lambdaResultFrom(NOT_THROUGH_CLOUDFRONT);
    return lambdaResultFrom(await answer(consoleRequestFrom(event)));
  });
