import { AlertPreferencesSchema } from '#domain/alerts/child-alert.ts';
import { defineFunction } from '#functions/define-function.ts';
import { signedInAccess } from '#http/parameters.ts';
import { defineRoute } from '#http/route.ts';

export const route = defineRoute({
  operationId: 'viewAlertPreferences',
  method: 'GET',
  path: '/me/alert-preferences',
  action: 'view-alert-preferences',
  summary: 'Your alert preferences',
  description: 'Whether a daily e-mail tells you new alerts are waiting (on until you turn it off).',
  tags: ['Alerts'],
  request: {},
  successStatus: 200,
  responses: { 200: { description: 'Your preferences', schema: AlertPreferencesSchema } },
});

export const definition = defineFunction({
  name: 'view-alert-preferences',
  trigger: { kind: 'http', route },
  access: { ...signedInAccess, alerts: ['GetItem'] },
  settings: ['adapters', 'alerts'],
});
