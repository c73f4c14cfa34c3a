import middy from '@middy/core';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { adaptersFrom, usageFrom } from '#adapters/dependencies.ts';
import { matchingModelFrom } from '#adapters/matching-model.ts';
import { searchChildren } from '#domain/use-cases/search-children.ts';
import type { ApiEvent } from '#http/api-event.ts';
import { json } from '#http/headers.ts';
import { apiMiddleware } from '#http/middleware.ts';
import { count } from '#runtime/metrics.ts';
import { route } from './schema.ts';

const deps = { ...adaptersFrom(), matching: matchingModelFrom() };

export const handler = middy<ApiEvent<typeof route>, APIGatewayProxyResult>()
  .use(apiMiddleware(route, { ...deps, usage: usageFrom(deps.db) }))
  .handler(async ({ input: { query }, principal, facts }) => {
    const { reason, reasonText, ...criteria } = query;
    const matches = await searchChildren(
      deps,
      principal,
      criteria,
      { code: reason, text: reasonText },
      facts,
    );
    count('Searches');
    return json(200, { matches });
  });
