import { ChildFieldsSchema, childFieldsExample } from '#domain/child/schema.ts';
import { ChildViewSchema } from '#domain/disclosure/view-schema.ts';
import { etagHeader, signedInAccess } from '#http/parameters.ts';
import { defineRoute } from '#http/route.ts';

export const route = defineRoute({
  operationId: 'createChild',
  method: 'POST',
  path: '/children',
  functionName: 'create-child',
  action: 'create-child',
  access: { ...signedInAccess, children: ['PutItem'] },
  summary: 'Create a child record (ContactPoint team)',
  description:
    'Creates a record in the caller’s own authority. Only the fields of R1 are accepted: any other field is ' +
    '400 naming it. Returns the new record with its ContactPoint ID and an ETag.',
  tags: ['Children'],
  request: { body: ChildFieldsSchema, bodyExample: childFieldsExample },
  successStatus: 201,
  responses: {
    201: {
      description: 'Created',
      schema: ChildViewSchema,
      headers: { ...etagHeader, Location: 'Path of the new record' },
    },
  },
});
