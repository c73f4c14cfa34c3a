import { DeathNoticeRequestSchema, RetentionStatusSchema } from '#domain/retention/schema.ts';
import { defineFunction } from '#functions/define-function.ts';
import { ChildPathSchema, retentionChangeAccess } from '#http/parameters.ts';
import { defineRoute } from '#http/route.ts';

export const route = defineRoute({
  operationId: 'recordDeathNotice',
  method: 'PUT',
  path: '/children/{childId}/retention/death-notice',
  action: 'record-death-notice',
  summary: 'Record a notice of death (ContactPoint team)',
  description:
    'R7: the record stays live for one year after the date of death (or until its earlier leaving day), then ' +
    'is archived. A later notice corrects the date. Only the maintaining council’s ContactPoint team records it; ' +
    'audited (R6).',
  tags: ['Retention'],
  request: {
    params: ChildPathSchema,
    body: DeathNoticeRequestSchema,
    bodyExample: { dateOfDeath: '2026-10-02' },
  },
  successStatus: 200,
  responses: {
    200: {
      description: 'When the record now leaves the live directory, and why',
      schema: RetentionStatusSchema,
    },
    404: { description: 'No child has this ContactPoint ID' },
  },
});

export const definition = defineFunction({
  name: 'record-death-notice',
  trigger: { kind: 'http', route },
  access: retentionChangeAccess,
  settings: ['adapters', 'searchKeys'],
});
