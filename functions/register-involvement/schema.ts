import { InvolvementViewSchema } from '#domain/disclosure/view-schema.ts';
import { InvolvementRequestSchema } from '#domain/involvement/schema.ts';
import { defineFunction } from '#functions/define-function.ts';
import { ChildPathSchema, etagHeader, idempotencyAccess, signedInAccess } from '#http/parameters.ts';
import { defineRoute } from '#http/route.ts';

export const route = defineRoute({
  operationId: 'registerInvolvement',
  method: 'POST',
  path: '/children/{childId}/involvements',
  action: 'register-involvement',
  summary: 'Register your involvement with a child',
  description:
    'Recorded for the caller’s own organisation. Sexual health, CAMHS and substance misuse need `consent` or an ' +
    '`override` with justification (R2). Marking lead professional clears your own organisation’s earlier lead in ' +
    'the same transaction; while another organisation holds the lead the request is refused (409 ' +
    'lead-professional-held, naming no one). Send an `Idempotency-Key` to retry safely: a retry with the same ' +
    'key, path and body within 24 hours gets the first answer and registers nothing more.',
  tags: ['Involvements'],
  request: {
    params: ChildPathSchema,
    body: InvolvementRequestSchema,
    idempotencyKey: true,
    bodyExample: {
      serviceType: 'school-nursing',
      practitionerName: 'Priya Shah',
      role: 'School nurse',
      contact: { phone: '0113 496 0303', email: 'priya.shah@example.nhs.uk' },
      startDate: '2026-09-01',
    },
  },
  successStatus: 201,
  responses: {
    201: { description: 'Registered', schema: InvolvementViewSchema, headers: etagHeader },
    409: {
      description:
        'Another organisation holds the lead professional role (lead-professional-held), or a request with ' +
        'this Idempotency-Key is still in progress (idempotency-key-in-use): retry it unchanged shortly',
    },
    422: { description: 'This Idempotency-Key was used for a different request (idempotency-key-reused)' },
  },
});

export const definition = defineFunction({
  name: 'register-involvement',
  trigger: { kind: 'http', route },
  access: {
    ...signedInAccess,
    children: ['GetItem'],
    involvements: ['Query', 'PutItem', 'UpdateItem'],
    idempotency: idempotencyAccess,
  },
  settings: ['adapters', 'idempotency'],
});
