import * as z from 'zod';
import { AccountPatchSchema, AccountViewSchema } from '#domain/access/account.ts';
import { defineFunction } from '#functions/define-function.ts';
import { signedInAccess } from '#http/parameters.ts';
import { defineRoute } from '#http/route.ts';

export const route = defineRoute({
  operationId: 'updateAccount',
  method: 'PATCH',
  path: '/users/{userId}',
  action: 'update-account',
  summary:
    'Suspend, reinstate or terminate an account, update vetting dates, or change roles and rights (user administrator)',
  description:
    'Suspension and termination stop access on the very next request, whatever token is presented, and also ' +
    'disable the Cognito sign-in and revoke its sessions. Reinstatement needs every R4 prerequisite to hold. ' +
    'Only accounts of organisations your organisation administers (others answer 404); never your own. ' +
    'Separation of duties (R4): auditor never with practitioner or data-manager (409 separation-of-duties). ' +
    'Two-person rule (R4): an added data-manager, auditor or child-protection-override waits for a second ' +
    'administrator (`awaitingApproval`; see /account-changes); the rest of the change takes effect at once.',
  tags: ['Accounts'],
  request: {
    params: z
      .object({
        userId: z.string().min(1).max(128).meta({ example: '3f0c9a4e-2d8b-4c1e-9f57-0b6e1d2c3a4f' }),
      })
      .strict(),
    body: AccountPatchSchema,
    ifMatch: true,
    bodyExample: { status: 'suspended' },
  },
  successStatus: 200,
  responses: {
    200: { description: 'Updated', schema: AccountViewSchema, headers: { ETag: 'Version of the account' } },
    404: { description: 'No account you administer has this ID' },
    409: {
      description:
        'The change is not allowed from the account’s current status, or breaks separation of duties',
    },
  },
});

export const definition = defineFunction({
  name: 'update-account',
  trigger: { kind: 'http', route },
  access: { ...signedInAccess, directory: ['GetItem', 'PutItem'] },
  identityActions: [
    'AdminDisableUser',
    'AdminEnableUser',
    'AdminUserGlobalSignOut',
    'AdminAddUserToGroup',
    'AdminRemoveUserFromGroup',
  ],
  settings: ['adapters', 'identity'],
});
