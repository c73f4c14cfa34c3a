import { ContactRequestListSchema } from '#domain/contact/request.ts';
import { defineFunction } from '#functions/define-function.ts';
import { ChildPathSchema, signedInAccess } from '#http/parameters.ts';
import { defineRoute } from '#http/route.ts';

export const route = defineRoute({
  operationId: 'listChildContactRequests',
  method: 'GET',
  path: '/children/{childId}/contact-requests',
  action: 'broker-contact',
  usageLimit: 'view',
  summary: 'Contact requests about a child (the brokering ContactPoint team)',
  description:
    'For the data managers of the council the requests were passed to — the shielding council for a shielded ' +
    'child, otherwise the maintaining council. Anyone else gets 404. The read is audited.',
  tags: ['Shielding'],
  request: { params: ChildPathSchema },
  successStatus: 200,
  responses: {
    200: { description: 'Open and closed requests, with who is asking', schema: ContactRequestListSchema },
    404: { description: 'No child of your team has this ContactPoint ID' },
  },
});

export const definition = defineFunction({
  name: 'list-child-contact-requests',
  trigger: { kind: 'http', route },
  access: {
    ...signedInAccess,
    usageCounters: ['UpdateItem'],
    children: ['GetItem'],
    contactRequests: ['Query'],
  },
  settings: ['adapters', 'contactRequests', 'limits'],
});
