import { ChildViewSchema } from '#domain/disclosure/view-schema.ts';
import { defineFunction } from '#functions/define-function.ts';
import { ChildPathSchema, etagHeader, ReasonQuerySchema, signedInAccess } from '#http/parameters.ts';
import { defineRoute } from '#http/route.ts';

export const route = defineRoute({
  operationId: 'viewChild',
  method: 'GET',
  path: '/children/{childId}',
  action: 'view-child',
  usageLimit: 'view',
  summary: 'See a child’s record as you may see it',
  description:
    'The `disclosure` field says how much is shown: `full`; `sensitive-redacted` (specialist services of other ' +
    'organisations collapsed to one sentence, R2); or `shielded` (name, ID, gender, date of birth and whom to ' +
    'contact, R3). A reason is required (R5) and the view is audited before it is returned (R6).',
  tags: ['Children'],
  request: { params: ChildPathSchema, query: ReasonQuerySchema, queryExample: { reason: 'EMERGENCY_CARE' } },
  successStatus: 200,
  responses: {
    200: {
      description: 'The record as this viewer may see it',
      schema: ChildViewSchema,
      headers: etagHeader,
    },
    404: { description: 'No child has this ContactPoint ID' },
  },
});

export const definition = defineFunction({
  name: 'view-child',
  trigger: { kind: 'http', route },
  access: {
    ...signedInAccess,
    usageCounters: ['UpdateItem'],
    children: ['GetItem'],
    involvements: ['Query'],
  },
  settings: ['adapters', 'limits'],
});
