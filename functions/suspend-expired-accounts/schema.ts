import { defineFunction } from '#functions/define-function.ts';

/** R4, nightly: accounts whose enhanced DBS certificate reached three years are suspended and their administrators told. */
export const definition = defineFunction({
  name: 'suspend-expired-accounts',
  trigger: {
    kind: 'schedule',
    daily: { hour: 1, minute: 15 },
    description: 'Suspend accounts whose enhanced DBS certificate is three years old (R4)',
  },
  access: {
    directory: ['GetItem', 'Query', 'PutItem'],
    audit: ['PutItem'],
    alerts: ['BatchWriteItem'],
  },
  identityActions: ['AdminDisableUser', 'AdminUserGlobalSignOut'],
  settings: ['adapters', 'identity', 'alerts'],
  timeoutSeconds: 300,
});
