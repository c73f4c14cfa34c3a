import { ReviewPageSchema, ReviewQuerySchema } from '#domain/feeds/review-view.ts';
import { defineFunction } from '#functions/define-function.ts';
import { signedInAccess } from '#http/parameters.ts';
import { defineRoute } from '#http/route.ts';

export const route = defineRoute({
  operationId: 'listReviews',
  method: 'GET',
  path: '/reviews',
  action: 'list-reviews',
  usageLimit: 'view',
  summary: 'Your council’s queue of feed rows to review (ContactPoint team)',
  description:
    'R8: the national feed rows the linker could not settle, oldest first, `limit` a page (default 20); pass ' +
    '`next` back as `cursor`. Each item is the row beside the child it may describe, with the engine’s ' +
    'probability and reasons. A shielded child’s pair is shown only to the shielding council’s team (R3). The ' +
    'read is audited with the children shown (R6) and counts as a view towards your per-user limits (R10).',
  tags: ['Linkage'],
  request: { query: ReviewQuerySchema, queryExample: { limit: '20' } },
  successStatus: 200,
  responses: {
    200: { description: 'A page of your council’s open review items', schema: ReviewPageSchema },
    403: { description: 'Only a council’s ContactPoint team has a review queue' },
  },
});

export const definition = defineFunction({
  name: 'list-reviews',
  trigger: { kind: 'http', route },
  access: { ...signedInAccess, usageCounters: ['UpdateItem'], reviews: ['Query'], children: ['GetItem'] },
  settings: ['adapters', 'reviews', 'limits'],
});
