import { ChildSourceListSchema } from '#domain/feeds/review-view.ts';
import { defineFunction } from '#functions/define-function.ts';
import { ChildPathSchema, signedInAccess } from '#http/parameters.ts';
import { defineRoute } from '#http/route.ts';

export const route = defineRoute({
  operationId: 'listChildSources',
  method: 'GET',
  path: '/children/{childId}/sources',
  action: 'list-child-sources',
  usageLimit: 'view',
  summary: 'The national feed rows a child’s record is built from (ContactPoint team)',
  description:
    'R8: each row held for the child, with what it says and an opaque `sourceRef` naming it (never the source’s ' +
    'own reference), to split a wrongly merged row off. For the maintaining council’s team, or the shielding ' +
    'council’s when the child is shielded (R3); others 403. Audited (R6); counts as a view towards your per-user limits (R10).',
  tags: ['Linkage'],
  request: { params: ChildPathSchema },
  successStatus: 200,
  responses: {
    200: { description: 'The rows held for the child', schema: ChildSourceListSchema },
    403: { description: 'Not the team that answers for this child’s sources' },
    404: { description: 'No child has this ContactPoint ID' },
  },
});

export const definition = defineFunction({
  name: 'list-child-sources',
  trigger: { kind: 'http', route },
  access: { ...signedInAccess, usageCounters: ['UpdateItem'], children: ['GetItem', 'Query'] },
  settings: ['adapters', 'limits'],
});
