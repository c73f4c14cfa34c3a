import * as z from 'zod';
import {
  ReviewDecisionBodySchema,
  ReviewDecisionResultSchema,
  ReviewIdSchema,
} from '#domain/feeds/review-view.ts';
import { defineFunction } from '#functions/define-function.ts';
import { signedInAccess } from '#http/parameters.ts';
import { defineRoute } from '#http/route.ts';

export const route = defineRoute({
  operationId: 'decideReview',
  method: 'POST',
  path: '/reviews/{reviewId}/decision',
  action: 'decide-review',
  summary: 'Decide whether a feed row describes the child beside it (ContactPoint team)',
  description:
    'R8: `same-child` joins the row to the child, whose record becomes the best view of every source held. ' +
    '`different-children` is remembered so no later load links them, and the row is linked afresh without that ' +
    'child: it may join another, make a new child, or come before a team again. The answer says where the row ' +
    'went. A decided item cannot be decided again (409); another council’s item is 404. Audited (R6).',
  tags: ['Linkage'],
  request: {
    params: z.object({ reviewId: ReviewIdSchema }).strict(),
    body: ReviewDecisionBodySchema,
    bodyExample: { outcome: 'different-children' },
  },
  successStatus: 200,
  responses: {
    200: { description: 'Decided', schema: ReviewDecisionResultSchema },
    404: { description: 'Your council’s queue holds no item with this ID' },
    409: {
      description: 'Decided already; or a later load joined the row to the child (split it instead)',
    },
    412: { description: 'The child changed while the decision was being applied: try again' },
  },
});

export const definition = defineFunction({
  name: 'decide-review',
  trigger: { kind: 'http', route },
  access: {
    ...signedInAccess,
    reviews: ['GetItem', 'PutItem'],
    children: ['GetItem', 'PutItem', 'DeleteItem', 'Query', 'ConditionCheckItem'],
  },
  settings: ['adapters', 'reviews', 'searchKeys', 'matching', 'linkage'],
});
