import * as z from 'zod';
import { TrailPageSchema } from '#domain/audit/trail.ts';
import { defineFunction } from '#functions/define-function.ts';
import { signedInAccess } from '#http/parameters.ts';
import { defineRoute } from '#http/route.ts';
import { TrailQuerySchema } from '#http/trail-query.ts';

export const route = defineRoute({
  operationId: 'readUserAuditTrail',
  method: 'GET',
  path: '/audit/users/{userId}',
  action: 'read-audit-trail',
  summary: 'What this user searched for and viewed (auditor)',
  description:
    'Every search (with its criteria), view, change and refusal by the user, newest first, 50 a page. For auditors ' +
    'of the organisation that administers the user; others get 404. A refusal carries `refusalReasons` (e.g. ' +
    'suspended, dbs-expired). A case management system’s history is `client:<clientId>`, for the auditors of ' +
    'the organisation that administers its organisation. `format=csv` exports the page. Audited (R6).',
  tags: ['Oversight'],
  request: {
    params: z
      .object({
        userId: z.string().min(1).max(128).meta({ example: '3f0c9a4e-2d8b-4c1e-9f57-0b6e1d2c3a4f' }),
      })
      .strict(),
    query: TrailQuerySchema,
  },
  successStatus: 200,
  responses: {
    200: { description: 'A page of the user’s activity', schema: TrailPageSchema },
    404: { description: 'No user your organisation administers has this ID' },
  },
});

export const definition = defineFunction({
  name: 'read-user-audit-trail',
  trigger: { kind: 'http', route },
  access: { ...signedInAccess, auditIndex: ['Query'] },
  settings: ['adapters', 'auditIndex'],
});
