import type { APIGatewayProxyResult } from 'aws-lambda';
import type { Principal } from '#domain/access/principal.ts';
import { type ChildRecord, etagOf } from '#domain/child/record.ts';
import { childViewFor } from '#domain/disclosure/view.ts';
import type { ChildView } from '#domain/disclosure/view-schema.ts';
import type { InvolvementRepository } from '#domain/ports.ts';
import { json } from './headers.ts';

/** After a change: the record as the caller may now see it, with its new ETag. */
export async function recordResponse(
  involvements: Pick<InvolvementRepository, 'listForChild'>,
  record: ChildRecord,
  principal: Principal,
  statusCode = 200,
  headers: Record<string, string> = {},
): Promise<APIGatewayProxyResult> {
  // Version 1 is a record created by this very request: it has no involvements yet.
  const current = record.version === 1 ? [] : await involvements.listForChild(record.childId);
  return json(statusCode, childViewFor(record, current, principal), {
    ETag: etagOf(record.version),
    ...headers,
  });
}

/** After a change whose use case already worked out (and audited) the view the caller receives. */
export function changedRecordResponse(
  changed: { record: ChildRecord; view: ChildView },
  statusCode = 200,
): APIGatewayProxyResult {
  return json(statusCode, changed.view, { ETag: etagOf(changed.record.version) });
}
