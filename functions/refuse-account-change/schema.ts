import { AccountChangeSchema } from '#domain/access/account-change.ts';
import { defineFunction } from '#functions/define-function.ts';
import { AccountChangePathSchema } from '#http/account-change-parameters.ts';
import { signedInAccess } from '#http/parameters.ts';
import { defineRoute } from '#http/route.ts';

export const route = defineRoute({
  operationId: 'refuseAccountChange',
  method: 'POST',
  path: '/account-changes/{changeId}/refusal',
  action: 'refuse-account-change',
  summary: 'Refuse a pending grant (second user administrator)',
  description:
    'Two-person rule (R4): a user administrator of the organisation that asked, other than the one who asked, ' +
    'refuses the change; the account never holds it. Answers with the change that was refused.',
  tags: ['Accounts'],
  request: { params: AccountChangePathSchema },
  successStatus: 200,
  responses: {
    200: { description: 'Refused', schema: AccountChangeSchema },
    403: { description: 'You asked for this change yourself, or it concerns your own account' },
    404: { description: 'No pending change of your organisation has this ID' },
  },
});

export const definition = defineFunction({
  name: 'refuse-account-change',
  trigger: { kind: 'http', route },
  access: { ...signedInAccess, directory: ['GetItem', 'DeleteItem'] },
  settings: ['adapters'],
});
