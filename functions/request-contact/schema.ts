import { ContactRequestBodySchema, ContactRequestReceiptSchema } from '#domain/contact/request.ts';
import { defineFunction } from '#functions/define-function.ts';
import { ChildPathSchema, signedInAccess } from '#http/parameters.ts';
import { defineRoute } from '#http/route.ts';

export const route = defineRoute({
  operationId: 'requestContact',
  method: 'POST',
  path: '/children/{childId}/contact-requests',
  action: 'request-contact',
  summary: 'Ask to be called back about a shielded child or the specialist services recorded',
  description:
    'R3: the people working with a shielded child are not shown; R2: specialist services are collapsed to one ' +
    'sentence. The request is passed to the ContactPoint team that can arrange contact (who call back); the ' +
    'answer is the same whatever the record holds, and names no council, place or service. Audited.',
  tags: ['Shielding'],
  request: {
    params: ChildPathSchema,
    body: ContactRequestBodySchema,
    bodyExample: {
      about: 'shielded-child',
      callBackPhone: '0113 496 0303',
      reason: 'SAFEGUARDING',
      message: 'A&E duty nurse: child admitted tonight, please call the ward',
    },
  },
  successStatus: 202,
  responses: {
    202: { description: 'Passed on', schema: ContactRequestReceiptSchema },
    404: { description: 'No child has this ContactPoint ID' },
  },
});

export const definition = defineFunction({
  name: 'request-contact',
  trigger: { kind: 'http', route },
  access: { ...signedInAccess, children: ['GetItem'], contactRequests: ['PutItem'] },
  settings: ['adapters', 'contactRequests'],
});
