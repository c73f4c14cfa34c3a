import * as z from 'zod';
import { SourceRefSchema, SplitResultSchema } from '#domain/feeds/review-view.ts';
import { ContactPointIdSchema } from '#domain/identifiers/contactpoint-id.ts';
import { defineFunction } from '#functions/define-function.ts';
import { signedInAccess } from '#http/parameters.ts';
import { defineRoute } from '#http/route.ts';

export const route = defineRoute({
  operationId: 'splitChildSource',
  method: 'POST',
  path: '/children/{childId}/sources/{sourceRef}/split',
  action: 'split-child-source',
  summary: 'Split a wrongly merged feed row off a child (ContactPoint team)',
  description:
    'R8: the row named by `sourceRef` (from GET /children/{childId}/sources) is taken off the child, whose record ' +
    'becomes the best view of the rows that remain; the row is remembered as not this child and linked afresh, ' +
    'usually making a new child. Refused (409) for the child’s only source, or a row whose NHS number or UPN the ' +
    'record keeps because a team entered it. For the maintaining council’s team, or the shielding council’s ' +
    'when the child is shielded (R3); others 403. Audited (R6).',
  tags: ['Linkage'],
  request: {
    params: z.object({ childId: ContactPointIdSchema, sourceRef: SourceRefSchema }).strict(),
  },
  successStatus: 200,
  responses: {
    200: { description: 'Split off; where the row went', schema: SplitResultSchema },
    403: { description: 'Not the team that answers for this child’s sources' },
    404: { description: 'No child has this ContactPoint ID, or it holds no row with this reference' },
    409: { description: 'The child’s only source, or its identifier is still on the record' },
    412: { description: 'The record changed meanwhile: try again' },
  },
});

export const definition = defineFunction({
  name: 'split-child-source',
  trigger: { kind: 'http', route },
  access: {
    ...signedInAccess,
    reviews: ['PutItem'],
    children: ['GetItem', 'PutItem', 'DeleteItem', 'Query', 'ConditionCheckItem'],
  },
  settings: ['adapters', 'reviews', 'searchKeys', 'matching', 'linkage'],
});
