import * as z from 'zod';
import { defineFunction } from '#functions/define-function.ts';
import { defineRoute } from '#http/route.ts';

export const route = defineRoute({
  operationId: 'getOpenApi',
  method: 'GET',
  path: '/openapi.json',
  action: null,
  summary: 'This API’s OpenAPI 3.1 document',
  description: 'Generated from the same zod schemas that validate every request. No sign-in needed.',
  tags: ['Meta'],
  request: {},
  successStatus: 200,
  responses: {
    200: {
      description: 'The OpenAPI document',
      schema: z.looseObject({ openapi: z.string() }).meta({
        example: { openapi: '3.1.0', info: { title: 'ContactPoint API', version: '0.1.0' }, paths: {} },
      }),
    },
  },
});

export const definition = defineFunction({
  name: 'get-openapi',
  trigger: { kind: 'http', route },
  access: {},
  settings: [],
});
