import * as z from 'zod';
import { AccountStatusSchema, AccountViewSchema } from '#domain/access/account.ts';
import { defineFunction } from '#functions/define-function.ts';
import { signedInAccess } from '#http/parameters.ts';
import { defineRoute } from '#http/route.ts';

export const route = defineRoute({
  operationId: 'listAccounts',
  method: 'GET',
  path: '/users',
  action: 'list-accounts',
  summary: 'List the accounts of an organisation you administer (user administrator)',
  description:
    'Your own organisation unless `organisationId` names another that your organisation administers.',
  tags: ['Accounts'],
  request: {
    query: z
      .object({
        status: AccountStatusSchema.optional().meta({ example: 'active' }),
        organisationId: z.string().min(1).optional().meta({ example: 'ORG-LEEDS-CC' }),
      })
      .strict(),
  },
  successStatus: 200,
  responses: {
    200: {
      description: 'The accounts',
      schema: z
        .object({ accounts: z.array(AccountViewSchema) })
        .strict()
        .meta({ id: 'AccountList', example: { accounts: [AccountViewSchema.meta()?.example] } }),
    },
  },
});

export const definition = defineFunction({
  name: 'list-accounts',
  trigger: { kind: 'http', route },
  access: { ...signedInAccess, directory: ['GetItem', 'Query'] },
  settings: ['adapters'],
});
