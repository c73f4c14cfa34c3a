import { AlertPreferencesSchema } from '#domain/alerts/child-alert.ts';
import { defineFunction } from '#functions/define-function.ts';
import { signedInAccess } from '#http/parameters.ts';
import { defineRoute } from '#http/route.ts';

export const route = defineRoute({
  operationId: 'updateAlertPreferences',
  method: 'PUT',
  path: '/me/alert-preferences',
  action: 'update-alert-preferences',
  summary: 'Turn the daily alert digest on or off',
  description:
    'The digest is one e-mail a day when new alerts are waiting; it names no child, only how many and where to ' +
    'read them. Your inbox is kept either way. Audited (R6).',
  tags: ['Alerts'],
  request: { body: AlertPreferencesSchema, bodyExample: { digest: false } },
  successStatus: 200,
  responses: { 200: { description: 'Your preferences', schema: AlertPreferencesSchema } },
});

export const definition = defineFunction({
  name: 'update-alert-preferences',
  trigger: { kind: 'http', route },
  access: { ...signedInAccess, alerts: ['PutItem'] },
  settings: ['adapters', 'alerts'],
});
