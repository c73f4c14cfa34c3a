import middy from '@middy/core';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { adaptersFrom } from '#adapters/dependencies.ts';
import { idempotencyStoreFrom } from '#adapters/dynamo/idempotency-store.ts';
import { involvementView } from '#domain/disclosure/view.ts';
import { updateInvolvement } from '#domain/use-cases/involvements.ts';
import type { ApiEvent } from '#http/api-event.ts';
import { json } from '#http/headers.ts';
import { apiMiddleware } from '#http/middleware.ts';
import { count } from '#runtime/metrics.ts';
import { route } from './schema.ts';

const deps = adaptersFrom();
const idempotency = idempotencyStoreFrom();

export const handler = middy<ApiEvent<typeof route>, APIGatewayProxyResult>()
  .use(apiMiddleware(route, { ...deps, idempotency }))
  .handler(async ({ input: { params, body, ifMatchVersion }, principal, facts }) => {
    const { childId, involvementId } = params;
    const involvement = await updateInvolvement(
      deps,
      principal,
      childId,
      involvementId,
      body,
      ifMatchVersion,
      facts,
    );
    const view = involvementView(involvement);
    count('InvolvementChanges');
    return json(200, view, { ETag: view.etag });
  });
