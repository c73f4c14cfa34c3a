import { describe, expect, it } from 'vitest';
import { INVOLVEMENTS_WRITE_SCOPE } from '#domain/access/machine-client.ts';
import {
  isPermitted,
  MACHINE_PERMISSIONS,
  routeScopes,
  USER_ACCESS_SCOPE,
} from '#domain/access/permissions.ts';
import { ROUTES } from '#functions/manifest.ts';
import { openApiDocument } from '#http/openapi.ts';

describe('route scopes (R8)', () => {
  it('gives scopes exactly to the routes whose action a machine scope allows, with the users’ scope beside it', () => {
    for (const route of ROUTES) {
      const machineMay = Object.values(MACHINE_PERMISSIONS).some(
        (actions) => route.action !== null && actions.has(route.action),
      );
      expect(routeScopes(route.action), route.operationId).toEqual(
        machineMay ? [INVOLVEMENTS_WRITE_SCOPE, USER_ACCESS_SCOPE] : [],
      );
    }
  });

  it('grants nothing by the users’ scope itself: a machine principal holding only it may do nothing', () => {
    const machine = {
      userId: 'client:x',
      roles: [],
      machineClientId: 'x',
      scopes: [USER_ACCESS_SCOPE],
      organisationId: 'ORG-LEEDS-CH',
      organisationName: 'Leeds Community Healthcare NHS Trust',
    };
    expect(isPermitted(machine, 'register-involvement')).toBe(false);
    expect(isPermitted({ ...machine, scopes: [INVOLVEMENTS_WRITE_SCOPE] }, 'register-involvement')).toBe(
      true,
    );
  });

  it('tells integrators in the OpenAPI document which routes take an access token, and with which scopes', () => {
    const document = openApiDocument(ROUTES) as unknown as {
      paths: Record<string, Record<string, { operationId: string; security: Record<string, string[]>[] }>>;
    };
    for (const route of ROUTES) {
      const operation = document.paths[route.path]?.[route.method.toLowerCase()];
      const scopes = routeScopes(route.action);
      const expected =
        route.action === null
          ? []
          : scopes.length > 0
            ? [{ cognitoAccessToken: [...scopes] }]
            : [{ cognito: [] }];
      expect(operation?.security, route.operationId).toEqual(expected);
    }
  });
});
