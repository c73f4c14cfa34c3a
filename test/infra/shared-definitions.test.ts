import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BLOCKING_KEY_INDEX, TABLES, type TableDefinition } from '#adapters/dynamo/tables.ts';
import { ACTIONS } from '#domain/access/permissions.ts';
import { FUNCTIONS, ROUTES } from '#functions/manifest.ts';
import { createTableInput } from '#infra/local/dynamodb.ts';

const root = join(import.meta.dirname, '..', '..');

describe('the function manifest that drives the stacks, IAM, monitoring and the local stand-in', () => {
  it('lists every function folder once, under its own name, with a handler', () => {
    const folders = readdirSync(join(root, 'functions'), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
    expect(FUNCTIONS.map((f) => f.name).sort()).toEqual(folders.sort());
    for (const { name } of FUNCTIONS)
      expect(existsSync(join(root, 'functions', name, 'handler.ts'))).toBe(true);
  });

  it('gives the identity settings to exactly the functions that administer sign-ins', () => {
    for (const fn of FUNCTIONS)
      expect(fn.settings.includes('identity'), fn.name).toBe((fn.identityActions ?? []).length > 0);
  });

  it('gives the audit-seal settings to exactly the functions that seal or verify the chain', () => {
    for (const fn of FUNCTIONS)
      expect(fn.settings.includes('auditSeals'), fn.name).toBe(fn.auditSeals !== undefined);
  });

  it('has one console (web) function, which touches no table: it reaches ContactPoint only through the API', () => {
    const web = FUNCTIONS.filter((f) => f.trigger.kind === 'web');
    expect(web.map((f) => f.name)).toEqual(['serve-console']);
    expect(web[0]?.access).toEqual({});
    expect(web[0]?.identityActions ?? []).toEqual([]);
    expect(web[0]?.settings).toEqual(['console']);
  });

  it('has one sign-in trigger and consumes only tables that stream', () => {
    expect(FUNCTIONS.filter((f) => f.trigger.kind === 'sign-in')).toHaveLength(1);
    for (const fn of FUNCTIONS)
      if (fn.trigger.kind === 'stream')
        expect((TABLES[fn.trigger.table] as TableDefinition).stream, fn.name).toBeDefined();
  });
});

describe('the route table that drives API Gateway, the local gateway and the OpenAPI document', () => {
  it('has one route per method and path', () => {
    const keys = ROUTES.map((r) => `${r.method} ${r.path}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('requires sign-in on every route but the OpenAPI document', () => {
    expect(ROUTES.filter((r) => r.action === null).map((r) => r.path)).toEqual(['/openapi.json']);
  });

  it('covers every action in the permission table with a route', () => {
    expect(new Set(ROUTES.map((r) => r.action).filter(Boolean))).toEqual(new Set(ACTIONS));
  });

  it('declares a schema for every path parameter', () => {
    for (const route of ROUTES) {
      const names = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      expect(Object.keys(route.request.params?.shape ?? {}).sort()).toEqual(names.sort());
    }
  });

  it('guards every PATCH with If-Match', () => {
    for (const route of ROUTES.filter((r) => r.method === 'PATCH')) expect(route.request.ifMatch).toBe(true);
  });
});

describe('the shared table definitions', () => {
  it('build tables whose key attributes are all declared', () => {
    for (const definition of Object.values(TABLES)) {
      const input = createTableInput(definition, `x-${definition.id}`);
      const declared = new Set(input.AttributeDefinitions?.map((a) => a.AttributeName));
      const used = [
        ...(input.KeySchema ?? []),
        ...(input.GlobalSecondaryIndexes ?? []).flatMap((i) => i.KeySchema ?? []),
      ].map((k) => k.AttributeName);
      for (const name of used) expect(declared.has(name)).toBe(true);
    }
  });

  it('projects only the match profile into the blocking-key index, so search reads nothing else (R3)', () => {
    const index = TABLES.children.indexes.find((i) => i.indexName === BLOCKING_KEY_INDEX);
    expect(index?.projection).toEqual({ type: 'INCLUDE', nonKeyAttributes: ['profile'] });
  });
});
