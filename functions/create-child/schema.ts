import { ChildFieldsSchema, childFieldsExample } from '#domain/child/schema.ts';
import { ChildViewSchema } from '#domain/disclosure/view-schema.ts';
import { defineFunction } from '#functions/define-function.ts';
import { etagHeader, signedInAccess } from '#http/parameters.ts';
import { defineRoute } from '#http/route.ts';

export const route = defineRoute({
  operationId: 'createChild',
  method: 'POST',
  path: '/children',
  action: 'create-child',
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

export const definition = defineFunction({
  name: 'create-child',
  trigger: { kind: 'http', route },
  access: { ...signedInAccess, children: ['PutItem', 'ConditionCheckItem'] },
  settings: ['adapters', 'searchKeys'],
});
