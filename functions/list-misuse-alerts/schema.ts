import { MisuseAlertPageSchema, MisuseAlertQuerySchema } from '#domain/alerts/misuse-alert.ts';
import { defineFunction } from '#functions/define-function.ts';
import { signedInAccess } from '#http/parameters.ts';
import { defineRoute } from '#http/route.ts';

export const route = defineRoute({
  operationId: 'listMisuseAlerts',
  method: 'GET',
  path: '/audit/alerts',
  action: 'list-misuse-alerts',
  summary: 'Possible misuse by users your organisation administers (auditor)',
  description:
    'The R10 misuse alerts raised for your organisation, newest first. `limit` alerts are looked at per page ' +
    '(default 50), so a page filtered by `status` may hold fewer; pass `next` back as `cursor` for the next. ' +
    'Each alert names the user and the rule, never a child: read the user’s trail to review it. Audited (R6).',
  tags: ['Oversight'],
  request: { query: MisuseAlertQuerySchema, queryExample: { status: 'open', limit: '20' } },
  successStatus: 200,
  responses: {
    200: { description: 'A page of your organisation’s misuse alerts', schema: MisuseAlertPageSchema },
  },
});

export const definition = defineFunction({
  name: 'list-misuse-alerts',
  trigger: { kind: 'http', route },
  access: { ...signedInAccess, alerts: ['Query'] },
  settings: ['adapters', 'alerts'],
});
