import { AlertPageSchema, AlertQuerySchema } from '#domain/alerts/child-alert.ts';
import { defineFunction } from '#functions/define-function.ts';
import { signedInAccess } from '#http/parameters.ts';
import { defineRoute } from '#http/route.ts';

export const route = defineRoute({
  operationId: 'listOwnAlerts',
  method: 'GET',
  path: '/me/alerts',
  action: 'list-own-alerts',
  summary: 'Your alerts',
  description:
    'R9: what you have been told about the children you work with — a change of address, school or GP, the ' +
    'record shielded, another practitioner working with the child ("you are not alone"), a colleague’s ' +
    'involvement ended — and, for administrators, account notices. Newest first; `limit` alerts are looked at ' +
    'per page (default 20), so a page with `unread=true` may hold fewer; pass `next` back as `cursor`. Each ' +
    'alert shows only what your own view of the record would. Audited (R6): the children named are recorded.',
  tags: ['Alerts'],
  request: { query: AlertQuerySchema, queryExample: { unread: 'true', limit: '20' } },
  successStatus: 200,
  responses: { 200: { description: 'A page of your alerts', schema: AlertPageSchema } },
});

export const definition = defineFunction({
  name: 'list-own-alerts',
  trigger: { kind: 'http', route },
  access: { ...signedInAccess, alerts: ['Query'] },
  settings: ['adapters', 'alerts'],
});
