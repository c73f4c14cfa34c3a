import { TrailPageSchema } from '#domain/audit/trail.ts';
import { defineFunction } from '#functions/define-function.ts';
import { ChildPathSchema, signedInAccess } from '#http/parameters.ts';
import { defineRoute } from '#http/route.ts';
import { TrailQuerySchema } from '#http/trail-query.ts';

export const route = defineRoute({
  operationId: 'readChildAuditTrail',
  method: 'GET',
  path: '/audit/children/{childId}',
  action: 'read-audit-trail',
  summary: 'Who looked at this child (auditor)',
  description:
    'Every search that returned the child and every view, change and refusal: who, from which organisation, ' +
    'when, why and what they were shown, newest first, 50 a page. For auditors of the child’s council; ' +
    'others get 404. `format=csv` exports the page. Reading the history is itself audited (R6).',
  tags: ['Oversight'],
  request: { params: ChildPathSchema, query: TrailQuerySchema },
  successStatus: 200,
  responses: {
    200: { description: 'A page of the access history', schema: TrailPageSchema },
    404: { description: 'No child of your council has this ContactPoint ID' },
  },
});

export const definition = defineFunction({
  name: 'read-child-audit-trail',
  trigger: { kind: 'http', route },
  access: { ...signedInAccess, children: ['GetItem'], auditIndex: ['Query'] },
  settings: ['adapters', 'auditIndex'],
});
