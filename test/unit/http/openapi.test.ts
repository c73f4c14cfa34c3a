import { describe, expect, it } from 'vitest';
import { ROUTES } from '#functions/manifest.ts';
import { openApiDocument } from '#http/openapi.ts';

interface SchemaObject {
  $ref?: string;
  example?: unknown;
}
const document = openApiDocument(ROUTES) as unknown as {
  paths: Record<
    string,
    Record<string, { responses: Record<string, { content?: Record<string, { schema: SchemaObject }> }> }>
  >;
  components: { schemas: Record<string, SchemaObject> };
};

function resolve(schema: SchemaObject): SchemaObject {
  return schema.$ref
    ? (document.components.schemas[schema.$ref.split('/').pop() as string] as SchemaObject)
    : schema;
}

describe('the OpenAPI document', () => {
  it('gives every success response body a realistic example that its own schema accepts', () => {
    for (const route of ROUTES) {
      const declared = route.responses[route.successStatus];
      if (!declared?.schema) continue;
      const operation = document.paths[route.path]?.[route.method.toLowerCase()];
      const schema = operation?.responses[String(route.successStatus)]?.content?.['application/json']?.schema;
      const example = schema && resolve(schema).example;
      expect(example, `${route.operationId} response example`).toBeDefined();
      expect(declared.schema.safeParse(example).success, `${route.operationId} example is valid`).toBe(true);
    }
  });

  it('gives every request body an example that the request schema accepts', () => {
    for (const route of ROUTES.filter((r) => r.request.body)) {
      expect(route.request.body?.safeParse(route.request.bodyExample).success, route.operationId).toBe(true);
    }
  });

  it('documents the problem+json refusals of every signed-in route', () => {
    for (const route of ROUTES.filter((r) => r.action !== null)) {
      const responses = document.paths[route.path]?.[route.method.toLowerCase()]?.responses ?? {};
      for (const status of ['400', '401', '403', '503']) {
        expect(
          responses[status]?.content?.['application/problem+json'],
          `${route.operationId} ${status}`,
        ).toBeDefined();
      }
    }
  });

  it('documents 429 with Retry-After on exactly the routes that read a child (R10 per-user limits)', () => {
    const limited = ROUTES.filter((route) => {
      const responses = document.paths[route.path]?.[route.method.toLowerCase()]?.responses as
        | Record<string, { headers?: Record<string, unknown> }>
        | undefined;
      const tooMany = responses?.['429'];
      if (tooMany) expect(tooMany.headers?.['Retry-After'], route.operationId).toBeDefined();
      return tooMany !== undefined;
    });
    expect(limited.map((r) => r.operationId).sort()).toEqual([
      'listChildContactRequests',
      'listChildSources',
      'listReviews',
      'prepareSubjectAccessReport',
      'readArchivedChild',
      'searchChildren',
      'shieldChild',
      'unshieldChild',
      'updateChild',
      'viewChild',
      'viewWithOverride',
      'warnBeforeOverride',
    ]);
  });
});
