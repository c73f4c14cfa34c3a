import { INVOLVEMENTS_BY_RECORDER_INDEX } from '#adapters/dynamo/tables.ts';
import { CaseloadPageSchema, CaseloadQuerySchema } from '#domain/involvement/caseload.ts';
import { defineFunction } from '#functions/define-function.ts';
import { signedInAccess } from '#http/parameters.ts';
import { defineRoute } from '#http/route.ts';

export const route = defineRoute({
  operationId: 'listOwnInvolvements',
  method: 'GET',
  path: '/me/involvements',
  action: 'list-own-involvements',
  summary: 'Your caseload: the involvements you recorded',
  description:
    'The involvements you registered yourself — never anyone else’s — newest recorded first: `status=active` ' +
    '(the default: no end date, or one still to come) or `status=ended`. Up to `limit` a page (default 20); pass ' +
    '`next` back as `cursor`. Each involvement carries its `etag`, to send as If-Match when you end it. The child ' +
    'is shown only as your own view of the record would show them (R2, R3): name, ContactPoint ID, gender and date ' +
    'of birth, and for a shielded record whom to contact — never an address or anything else that says where they ' +
    'are. Audited (R6): the children named are recorded.',
  tags: ['Involvements'],
  request: { query: CaseloadQuerySchema, queryExample: { status: 'active', limit: '20' } },
  successStatus: 200,
  responses: { 200: { description: 'A page of your involvements', schema: CaseloadPageSchema } },
});

export const definition = defineFunction({
  name: 'list-own-involvements',
  trigger: { kind: 'http', route },
  // The recorder index for the caseload; each child's record and involvements for the caller's view of it.
  access: { ...signedInAccess, children: ['GetItem'], involvements: ['Query'] },
  // Only this function may Query the caseload index (namedOnly): the caller's own partition of it.
  indexes: { involvements: [INVOLVEMENTS_BY_RECORDER_INDEX] },
  settings: ['adapters'],
});
