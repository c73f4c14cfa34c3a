import middy from '@middy/core';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { adaptersFrom, usageFrom } from '#adapters/dependencies.ts';
import { viewChild } from '#domain/use-cases/view-child.ts';
import type { ApiEvent } from '#http/api-event.ts';
import { json } from '#http/headers.ts';
import { apiMiddleware } from '#http/middleware.ts';
import { count } from '#runtime/metrics.ts';
import { route } from './schema.ts';

const deps = adaptersFrom();

export const handler = middy<ApiEvent<typeof route>, APIGatewayProxyResult>()
  .use(apiMiddleware(route, { ...deps, usage: usageFrom(deps.db) }))
  .handler(async ({ input: { params, query }, principal, facts }) => {
    const { view, etag } = await viewChild(
      deps,
      principal,
      params.childId,
      { code: query.reason, text: query.reasonText },
      facts,
    );
    count(view.disclosure === 'shielded' ? 'ShieldedViews' : 'Views');
    return json(200, view, etag ? { ETag: etag } : {});
  });
