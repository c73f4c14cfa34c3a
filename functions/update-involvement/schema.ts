import { InvolvementViewSchema } from '#domain/disclosure/view-schema.ts';
import { InvolvementPatchSchema } from '#domain/involvement/schema.ts';
import { defineFunction } from '#functions/define-function.ts';
import { etagHeader, InvolvementPathSchema, idempotencyAccess, signedInAccess } from '#http/parameters.ts';
import { defineRoute } from '#http/route.ts';

export const route = defineRoute({
  operationId: 'updateInvolvement',
  method: 'PATCH',
  path: '/children/{childId}/involvements/{involvementId}',
  action: 'update-involvement',
  summary: 'End an involvement, or mark lead professional or assessment completed',
  description:
    'By the practitioner who recorded it or the record’s ContactPoint team. Needs If-Match with the ' +
    'involvement’s ETag (428 without, 412 when stale). Marking lead professional clears your own ' +
    'organisation’s earlier lead; while another organisation holds the lead it is refused (409 ' +
    'lead-professional-held, naming no one) unless the caller is the record’s ContactPoint team. Send an ' +
    '`Idempotency-Key` to retry safely: a retry with the same key, path and body within 24 hours gets the ' +
    'first answer (not 412, though its If-Match is now stale) and changes nothing more.',
  tags: ['Involvements'],
  request: {
    params: InvolvementPathSchema,
    body: InvolvementPatchSchema,
    ifMatch: true,
    idempotencyKey: true,
    bodyExample: { leadProfessional: true, assessmentCompleted: true },
  },
  successStatus: 200,
  responses: {
    200: { description: 'Updated', schema: InvolvementViewSchema, headers: etagHeader },
    409: {
      description:
        'Another organisation holds the lead professional role (lead-professional-held), or a request with ' +
        'this Idempotency-Key is still in progress (idempotency-key-in-use): retry it unchanged shortly',
    },
    412: { description: 'The involvement changed since the ETag was read' },
    422: { description: 'This Idempotency-Key was used for a different request (idempotency-key-reused)' },
    428: { description: 'If-Match missing' },
  },
});

export const definition = defineFunction({
  name: 'update-involvement',
  trigger: { kind: 'http', route },
  access: {
    ...signedInAccess,
    children: ['GetItem'],
    involvements: ['GetItem', 'Query', 'PutItem', 'UpdateItem'],
    idempotency: idempotencyAccess,
  },
  settings: ['adapters', 'idempotency'],
});
