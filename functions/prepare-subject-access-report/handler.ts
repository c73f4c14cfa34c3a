import middy from '@middy/core';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { adaptersFrom, usageFrom } from '#adapters/dependencies.ts';
import { trailIndexFrom } from '#adapters/dynamo/audit-index.ts';
import { subjectAccessReportHtml } from '#domain/audit/subject-access.ts';
import { prepareSubjectAccessReport } from '#domain/use-cases/audit-trail.ts';
import type { ApiEvent } from '#http/api-event.ts';
import { baseHeaders, json } from '#http/headers.ts';
import { apiMiddleware } from '#http/middleware.ts';
import { route } from './schema.ts';

const deps = adaptersFrom();
const trail = trailIndexFrom(deps.db);

export const handler = middy<ApiEvent<typeof route>, APIGatewayProxyResult>()
  .use(apiMiddleware(route, { ...deps, usage: usageFrom(deps.db) }))
  .handler(async ({ input: { params, query }, principal, facts }) => {
    const report = await prepareSubjectAccessReport({ ...deps, trail }, principal, params.childId, facts);
    if (query.format !== 'html') return json(200, report);
    return {
      statusCode: 200,
      headers: {
        ...baseHeaders,
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
      },
      body: subjectAccessReportHtml(report),
    };
  });
