import * as z from 'zod';
import { AccountChangeSchema } from '#domain/access/account-change.ts';
import { defineFunction } from '#functions/define-function.ts';
import { signedInAccess } from '#http/parameters.ts';
import { defineRoute } from '#http/route.ts';

export const route = defineRoute({
  operationId: 'listAccountChanges',
  method: 'GET',
  path: '/account-changes',
  action: 'list-account-changes',
  summary: 'Grants waiting for a second user administrator of your organisation',
  description:
    'Two-person rule (R4): data-manager, auditor, user-admin and the child-protection override, asked for by one user ' +
    'administrator, wait here until another approves or refuses them, or they lapse after 7 days.',
  tags: ['Accounts'],
  request: {},
  successStatus: 200,
  responses: {
    200: {
      description: 'The pending changes, oldest first',
      schema: z
        .object({ changes: z.array(AccountChangeSchema) })
        .strict()
        .meta({ id: 'AccountChangeList', example: { changes: [AccountChangeSchema.meta()?.example] } }),
    },
  },
});

export const definition = defineFunction({
  name: 'list-account-changes',
  trigger: { kind: 'http', route },
  access: { ...signedInAccess, directory: ['GetItem', 'Query'] },
  settings: ['adapters'],
});
