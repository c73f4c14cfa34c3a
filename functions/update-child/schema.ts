import { ChildPatchSchema } from '#domain/child/schema.ts';
import { ChildViewSchema } from '#domain/disclosure/view-schema.ts';
import { defineFunction } from '#functions/define-function.ts';
import { ChildPathSchema, etagHeader, recordChangeAccess } from '#http/parameters.ts';
import { defineRoute } from '#http/route.ts';

export const route = defineRoute({
  operationId: 'updateChild',
  method: 'PATCH',
  path: '/children/{childId}',
  action: 'update-child',
  usageLimit: 'view',
  summary: 'Correct a child record (ContactPoint team)',
  description:
    'Needs If-Match with the ETag last read: without it 428, when someone else changed the record first 412 — ' +
    'never a lost update. A replaced name or address is kept for matching; a previous address is never shown.',
  tags: ['Children'],
  request: {
    params: ChildPathSchema,
    body: ChildPatchSchema,
    ifMatch: true,
    bodyExample: { address: { line1: '3 Cardigan Road', town: 'Leeds', postcode: 'LS6 3AG' } },
  },
  successStatus: 200,
  responses: {
    200: { description: 'Corrected', schema: ChildViewSchema, headers: etagHeader },
    412: { description: 'The record changed since the ETag was read' },
    428: { description: 'If-Match missing' },
  },
});

export const definition = defineFunction({
  name: 'update-child',
  trigger: { kind: 'http', route },
  access: recordChangeAccess,
  settings: ['adapters', 'searchKeys', 'limits'],
});
