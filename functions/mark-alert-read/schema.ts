import * as z from 'zod';
import { AlertIdSchema, AlertViewSchema } from '#domain/alerts/child-alert.ts';
import { defineFunction } from '#functions/define-function.ts';
import { signedInAccess } from '#http/parameters.ts';
import { defineRoute } from '#http/route.ts';

export const route = defineRoute({
  operationId: 'markAlertRead',
  method: 'POST',
  path: '/me/alerts/{alertId}/read',
  action: 'mark-alert-read',
  summary: 'Mark one of your alerts read',
  description:
    'A read alert stays in your inbox until it expires (90 days) but is no longer counted by the daily digest. ' +
    'Marking it again changes nothing. Another user’s alert looks like no alert (404).',
  tags: ['Alerts'],
  request: { params: z.object({ alertId: AlertIdSchema }).strict() },
  successStatus: 200,
  responses: {
    200: { description: 'The alert, read', schema: AlertViewSchema },
    404: { description: 'You have no alert with this ID' },
  },
});

export const definition = defineFunction({
  name: 'mark-alert-read',
  trigger: { kind: 'http', route },
  access: { ...signedInAccess, alerts: ['UpdateItem'] },
  settings: ['adapters', 'alerts'],
});
