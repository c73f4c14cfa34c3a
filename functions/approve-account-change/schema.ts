import { AccountViewSchema } from '#domain/access/account.ts';
import { defineFunction } from '#functions/define-function.ts';
import { AccountChangePathSchema } from '#http/account-change-parameters.ts';
import { signedInAccess } from '#http/parameters.ts';
import { defineRoute } from '#http/route.ts';

export const route = defineRoute({
  operationId: 'approveAccountChange',
  method: 'POST',
  path: '/account-changes/{changeId}/approval',
  action: 'approve-account-change',
  summary:
    'Approve a pending grant of data-manager, auditor, user-admin or the override right (second user administrator)',
  description:
    'Two-person rule (R4): only a user administrator of the organisation that asked, other than the one who ' +
    'asked, may approve; the account then holds the roles and rights. Separation of duties is checked again ' +
    'against the account as it stands (409 separation-of-duties), and so is the override right against its ' +
    'roles (400). The administrator who asked must still be an active user administrator of the organisation ' +
    '(409 requester-no-longer-administrator). A change that lapsed (7 days), was already ' +
    'decided or belongs to another organisation answers 404.',
  tags: ['Accounts'],
  request: { params: AccountChangePathSchema },
  successStatus: 200,
  responses: {
    200: { description: 'Approved: the account as it now stands', schema: AccountViewSchema },
    403: { description: 'You asked for this change yourself, or it concerns your own account' },
    404: { description: 'No pending change of your organisation has this ID' },
    400: { description: 'The override right would be held without a practitioner or data-manager role (R3)' },
    409: {
      description:
        'The account may not hold these roles together, is terminated, or the administrator who asked is no longer an active user administrator',
    },
  },
});

export const definition = defineFunction({
  name: 'approve-account-change',
  trigger: { kind: 'http', route },
  access: { ...signedInAccess, directory: ['GetItem', 'PutItem', 'DeleteItem'] },
  identityActions: ['AdminEnableUser', 'AdminAddUserToGroup'],
  settings: ['adapters', 'identity'],
});
