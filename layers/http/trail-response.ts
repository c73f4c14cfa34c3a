import type { APIGatewayProxyResult } from 'aws-lambda';
import { type TrailEntry, trailCsv } from '#domain/audit/trail.ts';
import { baseHeaders, json } from './headers.ts';

/** A page of an access history as JSON, or as a CSV export with the next cursor in a header. */
export function trailResponse(
  page: { entries: TrailEntry[]; next?: string | undefined },
  format: 'json' | 'csv' | undefined,
): APIGatewayProxyResult {
  if (format !== 'csv') return json(200, page);
  return {
    statusCode: 200,
    headers: {
      ...baseHeaders,
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': 'attachment; filename="access-history.csv"',
      ...(page.next && { 'x-next-cursor': page.next }),
    },
    body: trailCsv(page.entries),
  };
}
