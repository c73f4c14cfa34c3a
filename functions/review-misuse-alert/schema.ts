import * as z from 'zod';
import {
  MisuseAlertIdSchema,
  MisuseAlertViewSchema,
  ReviewMisuseAlertSchema,
} from '#domain/alerts/misuse-alert.ts';
import { defineFunction } from '#functions/define-function.ts';
import { etagHeader, signedInAccess } from '#http/parameters.ts';
import { defineRoute } from '#http/route.ts';

export const route = defineRoute({
  operationId: 'reviewMisuseAlert',
  method: 'PATCH',
  path: '/audit/alerts/{alertId}',
  action: 'review-misuse-alert',
  summary: 'Record the outcome of reviewing a misuse alert (auditor)',
  description:
    'Investigating, no case or referred, with an optional note; who and when are recorded. For the auditors of ' +
    'the organisation the alert was raised for (others 404), but never by the user the alert is about (403). ' +
    'Each review is kept in the alert’s `reviews`. Needs If-Match with the alert’s ETag (428 without, ' +
    '412 when stale). Audited (R6).',
  tags: ['Oversight'],
  request: {
    params: z.object({ alertId: MisuseAlertIdSchema }).strict(),
    body: ReviewMisuseAlertSchema,
    ifMatch: true,
    bodyExample: {
      outcome: 'investigating',
      note: 'Asked the team manager about the searches of 22 November',
    },
  },
  successStatus: 200,
  responses: {
    200: { description: 'Reviewed', schema: MisuseAlertViewSchema, headers: etagHeader },
    403: { description: 'The alert is about you: another auditor reviews it (`/problems/own-misuse-alert`)' },
    404: { description: 'No alert of your organisation has this ID' },
    412: { description: 'The alert changed since the ETag was read' },
    428: { description: 'If-Match missing' },
  },
});

export const definition = defineFunction({
  name: 'review-misuse-alert',
  trigger: { kind: 'http', route },
  access: { ...signedInAccess, alerts: ['GetItem', 'PutItem'] },
  settings: ['adapters', 'alerts'],
});
