import { ChildViewSchema } from '#domain/disclosure/view-schema.ts';
import { UnshieldRequestSchema } from '#domain/shield/schema.ts';
import { defineFunction } from '#functions/define-function.ts';
import { ChildPathSchema, etagHeader, recordChangeAccess } from '#http/parameters.ts';
import { defineRoute } from '#http/route.ts';

export const route = defineRoute({
  operationId: 'unshieldChild',
  method: 'DELETE',
  path: '/children/{childId}/shield',
  action: 'unshield-child',
  usageLimit: 'view',
  summary: 'Lift a shield (the shielding team; with the maintaining team when they differ)',
  description:
    'The body gives the reason, which is audited (R3, R6). Where the council that shielded the record is not ' +
    'the one that maintains it, both teams must ask: the first request is recorded (202, still shielded) and ' +
    'the second lifts the shield (200). Anyone else is refused.',
  tags: ['Shielding'],
  request: {
    params: ChildPathSchema,
    body: UnshieldRequestSchema,
    bodyExample: { reasonText: 'Review found the risk no longer applies' },
  },
  successStatus: 200,
  responses: {
    200: { description: 'Shield lifted', schema: ChildViewSchema, headers: etagHeader },
    202: {
      description: 'Your team’s agreement is recorded; the shield lifts when the other team agrees',
      schema: ChildViewSchema,
      headers: etagHeader,
    },
    409: { description: 'The record is not shielded' },
  },
});

export const definition = defineFunction({
  name: 'unshield-child',
  trigger: { kind: 'http', route },
  access: recordChangeAccess,
  settings: ['adapters', 'searchKeys', 'limits'],
});
