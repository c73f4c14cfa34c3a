import { ConsentRequestSchema, RetentionStatusSchema } from '#domain/retention/schema.ts';
import { defineFunction } from '#functions/define-function.ts';
import { ChildPathSchema, retentionChangeAccess } from '#http/parameters.ts';
import { defineRoute } from '#http/route.ts';

export const route = defineRoute({
  operationId: 'recordRetentionConsent',
  method: 'POST',
  path: '/children/{childId}/retention/consent',
  action: 'record-retention-consent',
  summary: 'Record the young person’s consent to stay until 25 (ContactPoint team)',
  description:
    'R7: the record stays in the live directory until the 25th birthday instead of the 18th (or a year after a ' +
    'recorded death, if sooner). Only the maintaining council’s ContactPoint team records it; audited (R6).',
  tags: ['Retention'],
  request: { params: ChildPathSchema, body: ConsentRequestSchema, bodyExample: { givenOn: '2026-11-20' } },
  successStatus: 200,
  responses: {
    200: {
      description: 'When the record now leaves the live directory, and why',
      schema: RetentionStatusSchema,
    },
    404: { description: 'No child has this ContactPoint ID' },
    409: { description: 'Consent is already recorded, or the record has reached its leaving day' },
  },
});

export const definition = defineFunction({
  name: 'record-retention-consent',
  trigger: { kind: 'http', route },
  access: retentionChangeAccess,
  settings: ['adapters', 'searchKeys'],
});
