import { CloseContactRequestSchema, ContactRequestViewSchema } from '#domain/contact/request.ts';
import { defineFunction } from '#functions/define-function.ts';
import { ContactRequestPathSchema, etagHeader, signedInAccess } from '#http/parameters.ts';
import { defineRoute } from '#http/route.ts';

export const route = defineRoute({
  operationId: 'closeContactRequest',
  method: 'PATCH',
  path: '/children/{childId}/contact-requests/{requestId}',
  action: 'broker-contact',
  summary: 'Close a contact request once the team has called back (ContactPoint team)',
  description:
    'For the brokering team only (others 404). Needs If-Match with the request’s ETag (428 without, 412 when ' +
    'stale); a closed request cannot be closed again (409). Audited.',
  tags: ['Shielding'],
  request: {
    params: ContactRequestPathSchema,
    body: CloseContactRequestSchema,
    ifMatch: true,
    bodyExample: { status: 'closed', outcome: 'called-back' },
  },
  successStatus: 200,
  responses: {
    200: { description: 'Closed', schema: ContactRequestViewSchema, headers: etagHeader },
    404: { description: 'No request of your team has this ID' },
    409: { description: 'Already closed' },
    412: { description: 'The request changed since the ETag was read' },
    428: { description: 'If-Match missing' },
  },
});

export const definition = defineFunction({
  name: 'close-contact-request',
  trigger: { kind: 'http', route },
  access: { ...signedInAccess, contactRequests: ['GetItem', 'PutItem'] },
  settings: ['adapters', 'contactRequests'],
});
