import { ConsentWithdrawalSchema, RetentionStatusSchema } from '#domain/retention/schema.ts';
import { defineFunction } from '#functions/define-function.ts';
import { ChildPathSchema, retentionChangeAccess } from '#http/parameters.ts';
import { defineRoute } from '#http/route.ts';

export const route = defineRoute({
  operationId: 'withdrawRetentionConsent',
  method: 'POST',
  path: '/children/{childId}/retention/consent-withdrawal',
  action: 'withdraw-retention-consent',
  summary: 'Record that the young person withdrew their consent (ContactPoint team)',
  description:
    'R7: the 18th-birthday rule applies again; a young person already 18 leaves at the retention job’s next ' +
    'run. Only the maintaining council’s ContactPoint team records it; audited (R6).',
  tags: ['Retention'],
  request: {
    params: ChildPathSchema,
    body: ConsentWithdrawalSchema,
    bodyExample: { withdrawnOn: '2026-12-01' },
  },
  successStatus: 200,
  responses: {
    200: {
      description: 'When the record now leaves the live directory, and why',
      schema: RetentionStatusSchema,
    },
    404: { description: 'No child has this ContactPoint ID' },
    409: { description: 'No consent is recorded' },
  },
});

export const definition = defineFunction({
  name: 'withdraw-retention-consent',
  trigger: { kind: 'http', route },
  access: retentionChangeAccess,
  settings: ['adapters', 'searchKeys'],
});
