import { AccountViewSchema, GrantAccountSchema } from '#domain/access/account.ts';
import { defineFunction } from '#functions/define-function.ts';
import { signedInAccess } from '#http/parameters.ts';
import { defineRoute } from '#http/route.ts';

export const route = defineRoute({
  operationId: 'grantAccount',
  method: 'POST',
  path: '/users',
  action: 'grant-account',
  summary: 'Grant an account (user administrator)',
  description:
    'R4: only for an organisation your organisation administers, only when the organisation is accredited, the ' +
    'line manager authorised it, the enhanced DBS certificate is under 3 years old, training is complete, the ' +
    'end-user agreement is signed and MFA is enrolled — a refusal names each missing prerequisite. Nobody may ' +
    'grant a role above their own. Separation of duties (R4): auditor is never granted with practitioner or ' +
    'data-manager (409 separation-of-duties). Two-person rule (R4): data-manager, auditor, user-admin and the ' +
    'child-protection-override right wait for a second user administrator (`awaitingApproval`; see ' +
    '/account-changes) — the account is created without them, and is `pending` if nothing else was asked for. ' +
    'Creates the Cognito sign-in, which e-mails a temporary password.',
  tags: ['Accounts'],
  request: {
    body: GrantAccountSchema,
    bodyExample: {
      email: 'sam.okoro@leeds.example.gov.uk',
      roles: ['practitioner'],
      authorisedBy: 'Jane Hallam, Team Manager, jane.hallam@leeds.example.gov.uk',
      dbsCertificateDate: new Date(Date.now() - 200 * 86_400_000).toISOString().slice(0, 10),
      trainingCompletedOn: new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10),
      agreementSignedOn: new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10),
      mfaEnrolled: true,
    },
  },
  successStatus: 201,
  responses: {
    201: { description: 'Granted', schema: AccountViewSchema, headers: { ETag: 'Version of the account' } },
    409: {
      description:
        'A sign-in with this e-mail address already exists, or the roles break separation of duties',
    },
  },
});

export const definition = defineFunction({
  name: 'grant-account',
  trigger: { kind: 'http', route },
  access: { ...signedInAccess, directory: ['GetItem', 'PutItem'] },
  identityActions: ['AdminCreateUser', 'AdminAddUserToGroup', 'AdminDeleteUser'],
  settings: ['adapters', 'identity'],
});
