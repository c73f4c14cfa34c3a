import { ArchivedChildSchema, InvestigationQuerySchema } from '#domain/retention/schema.ts';
import { defineFunction } from '#functions/define-function.ts';
import { ChildPathSchema, signedInAccess } from '#http/parameters.ts';
import { defineRoute } from '#http/route.ts';

export const route = defineRoute({
  operationId: 'readArchivedChild',
  method: 'GET',
  path: '/archive/children/{childId}',
  action: 'read-archived-child',
  usageLimit: 'view',
  summary: 'Read an archived record for an investigation (auditor)',
  description:
    'R7: a record that has left the live directory is kept, encrypted, for six years, readable only by auditors ' +
    'of the council that maintained it (of the shielding council, for a record shielded when it left) and only ' +
    'for an investigation they name: a reason code and words (R5). Every read and every refusal is audited (R6). ' +
    'Before it was archived, after its six years, and to anyone else, the answer is 404.',
  tags: ['Oversight'],
  request: {
    params: ChildPathSchema,
    query: InvestigationQuerySchema,
    queryExample: {
      reason: 'MISUSE_INVESTIGATION',
      reasonText: 'Misuse alert MA-2031-044 under investigation',
    },
  },
  successStatus: 200,
  responses: {
    200: {
      description: 'The archived record with its involvements and contact requests',
      schema: ArchivedChildSchema,
    },
    404: { description: 'No record of your council has been archived under this ContactPoint ID' },
  },
});

export const definition = defineFunction({
  name: 'read-archived-child',
  trigger: { kind: 'http', route },
  access: { ...signedInAccess, usageCounters: ['UpdateItem'], children: ['GetItem'] },
  settings: ['adapters', 'contactRequests', 'archive', 'limits'],
  archive: 'read',
});
