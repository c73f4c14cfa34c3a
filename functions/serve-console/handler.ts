import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { consoleFromSettings } from '#console/configure.ts';
import { consoleRequestFrom, lambdaResultFrom } from '#console/lambda-event.ts';
import { logger } from '#runtime/logger.ts';
import { readSettings } from '#runtime/settings.ts';

const answer = await consoleFromSettings(readSettings('console'));

export const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (event) => lambdaResultFrom(await answer(consoleRequestFrom(event))));
