import * as z from 'zod';
import { SubjectAccessReportSchema } from '#domain/audit/subject-access.ts';
import { defineFunction } from '#functions/define-function.ts';
import { ChildPathSchema, signedInAccess } from '#http/parameters.ts';
import { defineRoute } from '#http/route.ts';

export const route = defineRoute({
  operationId: 'prepareSubjectAccessReport',
  method: 'GET',
  path: '/children/{childId}/subject-access-report',
  action: 'subject-access-report',
  usageLimit: 'view',
  summary: 'Subject access report for a child (ContactPoint team, on a family’s request)',
  description:
    'Everything held, field by field with its source, the services involved (sensitive ones marked for review ' +
    'before release), and every access by organisation and role. `format=html` gives a printable page. ' +
    'For the ContactPoint team that maintains the record; preparing it is audited (R6).',
  tags: ['Oversight'],
  request: {
    params: ChildPathSchema,
    query: z.object({ format: z.enum(['json', 'html']).optional().meta({ example: 'json' }) }).strict(),
  },
  successStatus: 200,
  responses: { 200: { description: 'The report', schema: SubjectAccessReportSchema } },
});

export const definition = defineFunction({
  name: 'prepare-subject-access-report',
  trigger: { kind: 'http', route },
  access: {
    ...signedInAccess,
    usageCounters: ['UpdateItem'],
    children: ['GetItem'],
    involvements: ['Query'],
    auditIndex: ['Query'],
  },
  settings: ['adapters', 'auditIndex', 'limits'],
});
