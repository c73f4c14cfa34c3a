import { AccountViewSchema } from '#domain/access/account.ts';
import { defineFunction } from '#functions/define-function.ts';
import { signedInAccess } from '#http/parameters.ts';
import { defineRoute } from '#http/route.ts';

export const route = defineRoute({
  operationId: 'viewOwnAccount',
  method: 'GET',
  path: '/me',
  action: 'view-own-account',
  summary: 'Your own account',
  description: 'Roles, status and vetting dates, including when your DBS certificate stops being accepted.',
  tags: ['Accounts'],
  request: {},
  successStatus: 200,
  responses: { 200: { description: 'Your account', schema: AccountViewSchema } },
});

export const definition = defineFunction({
  name: 'view-own-account',
  trigger: { kind: 'http', route },
  access: signedInAccess,
  settings: ['adapters'],
});
