import * as z from 'zod';
import { ContactRequestListSchema } from '#domain/contact/request.ts';
import { defineFunction } from '#functions/define-function.ts';
import { signedInAccess } from '#http/parameters.ts';
import { defineRoute } from '#http/route.ts';

export const route = defineRoute({
  operationId: 'listContactRequests',
  method: 'GET',
  path: '/contact-requests',
  action: 'broker-contact',
  summary: 'Your team’s queue of contact requests (ContactPoint team)',
  description:
    'The requests passed to your council’s ContactPoint team, newest first (at most 200): open ones to call ' +
    'back, or closed ones. The read is audited.',
  tags: ['Shielding'],
  request: {
    query: z.object({ status: z.enum(['open', 'closed']).default('open') }).strict(),
    queryExample: { status: 'open' },
  },
  successStatus: 200,
  responses: { 200: { description: 'The queue', schema: ContactRequestListSchema } },
});

export const definition = defineFunction({
  name: 'list-contact-requests',
  trigger: { kind: 'http', route },
  access: { ...signedInAccess, contactRequests: ['Query'] },
  settings: ['adapters', 'contactRequests'],
});
