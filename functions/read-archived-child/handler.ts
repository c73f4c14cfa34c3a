import middy from '@middy/core';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { archiveFrom, retentionStoreFrom } from '#adapters/archive/dependencies.ts';
import { adaptersFrom, usageFrom } from '#adapters/dependencies.ts';
import { readArchivedChild } from '#domain/use-cases/retention.ts';
import type { ApiEvent } from '#http/api-event.ts';
import { json } from '#http/headers.ts';
import { apiMiddleware } from '#http/middleware.ts';
import { count } from '#runtime/metrics.ts';
import { route } from './schema.ts';

const deps = adaptersFrom();
const retention = retentionStoreFrom(deps.db);
const archive = archiveFrom(() => deps.env.now());

/** R7: an auditor's investigation read of an archived record, audited with its reason (R5, R6). */
export const handler = middy<ApiEvent<typeof route>, APIGatewayProxyResult>()
  .use(apiMiddleware(route, { ...deps, usage: usageFrom(deps.db) }))
  .handler(async ({ input: { params, query }, principal, facts }) => {
    const archived = await readArchivedChild(
      { ...deps, retention, archive },
      principal,
      params.childId,
      query,
      facts,
    );
    count('ArchivedRecordReads');
    return json(200, archived);
  });
