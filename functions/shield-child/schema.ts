import { ChildViewSchema } from '#domain/disclosure/view-schema.ts';
import { ShieldRequestSchema } from '#domain/shield/schema.ts';
import { defineFunction } from '#functions/define-function.ts';
import { ChildPathSchema, etagHeader, recordChangeAccess } from '#http/parameters.ts';
import { defineRoute } from '#http/route.ts';

export const route = defineRoute({
  operationId: 'shieldChild',
  method: 'PUT',
  path: '/children/{childId}/shield',
  action: 'shield-child',
  usageLimit: 'view',
  summary: 'Shield a record (ContactPoint team)',
  description:
    'R3: from now on everyone but this authority’s ContactPoint team sees only name, ContactPoint ID, gender, ' +
    'date of birth and whom to contact, and searches by postcode, NHS number or UPN no longer find the child. ' +
    'Once shielded, only the shielding authority may change the shield.',
  tags: ['Shielding'],
  request: {
    params: ChildPathSchema,
    body: ShieldRequestSchema,
    bodyExample: {
      reason: 'adult-at-risk',
      reasonText: 'Mother in a refuge after domestic abuse',
      reviewDate: '2027-05-01',
    },
  },
  successStatus: 200,
  responses: { 200: { description: 'Shielded', schema: ChildViewSchema, headers: etagHeader } },
});

export const definition = defineFunction({
  name: 'shield-child',
  trigger: { kind: 'http', route },
  access: recordChangeAccess,
  settings: ['adapters', 'searchKeys', 'limits'],
});
