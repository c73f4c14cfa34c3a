import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INVOLVEMENTS_WRITE_SCOPE } from '#domain/access/machine-client.ts';
import type { LocalMachineClient } from '#infra/local/client-credentials.ts';
import type { LocalStack } from '#infra/local/stack.ts';
import {
  clientFor,
  clientWithToken,
  expectTrailSealedAndIntact,
  startTestStack,
} from '../support/local-stack.ts';

/**
 * R8 over HTTP: a case management system pushes involvements with a client-credentials access token
 * carrying the involvements scope, through the local gateway, which checks route scopes as API
 * Gateway's Cognito authorizer does; practitioners keep the same routes with their own access token.
 */
let stack: LocalStack;
let childId: string;
let leedsHealthCms: LocalMachineClient;
let bradfordCms: LocalMachineClient;

const involvement = {
  serviceType: 'school-nursing',
  practitionerName: 'Priya Shah',
  role: 'School nurse',
  contact: { phone: '0113 496 0303' },
  startDate: '2026-09-01',
};

beforeAll(async () => {
  stack = await startTestStack();
  childId = stack.exampleChild?.childId as string;
  expect(childId).toBeDefined();
  leedsHealthCms = await stack.registerMachineClient({
    name: 'leeds-ch-epr',
    organisationId: 'ORG-LEEDS-CH',
    scopes: [INVOLVEMENTS_WRITE_SCOPE],
  });
  bradfordCms = await stack.registerMachineClient({
    name: 'bradford-cms',
    organisationId: 'ORG-BRADFORD-MDC',
    scopes: [INVOLVEMENTS_WRITE_SCOPE],
  });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

describe('case management systems with client credentials (R8)', () => {
  let registered: { involvementId: string; etag: string };

  it('registers an involvement, for its own organisation, for a child in its area', async () => {
    const cms = clientWithToken(stack, await stack.machineTokenFor(leedsHealthCms));
    const reply = await cms.call('POST', `/children/${childId}/involvements`, { body: involvement });
    expect(reply.status, reply.text).toBe(201);
    expect(reply.json().organisationName).toBe('Leeds Community Healthcare NHS Trust');
    registered = { involvementId: reply.json().involvementId, etag: reply.headers.get('etag') as string };
    expect(registered.etag).toBeTruthy();
  });

  it('updates its own organisation’s involvement', async () => {
    const cms = clientWithToken(stack, await stack.machineTokenFor(leedsHealthCms));
    const reply = await cms.call('PATCH', `/children/${childId}/involvements/${registered.involvementId}`, {
      body: { assessmentCompleted: true },
      headers: { 'if-match': registered.etag },
    });
    expect(reply.status, reply.text).toBe(200);
    registered.etag = reply.headers.get('etag') as string;
  });

  it('stops a client of another organisation changing that involvement, as before', async () => {
    const other = clientWithToken(stack, await stack.machineTokenFor(bradfordCms));
    const reply = await other.call('PATCH', `/children/${childId}/involvements/${registered.involvementId}`, {
      body: { assessmentCompleted: false },
      headers: { 'if-match': registered.etag },
    });
    expect(reply.status).toBe(403);
  });

  it('refuses a client whose token lacks the involvements scope with 403, before any handler runs', async () => {
    const reader = await stack.registerMachineClient({
      name: 'leeds-ch-reader',
      organisationId: 'ORG-LEEDS-CH',
      // A resource-server scope the involvement routes do not list.
      scopes: ['contactpoint/involvements.read'],
    });
    const cms = clientWithToken(stack, await stack.machineTokenFor(reader));
    const reply = await cms.call('POST', `/children/${childId}/involvements`, { body: involvement });
    expect(reply.status).toBe(403);
    expect(reply.json().detail).toContain(INVOLVEMENTS_WRITE_SCOPE);
  });

  it('refuses a machine token on routes without scopes, which take only users’ ID tokens', async () => {
    const cms = clientWithToken(stack, await stack.machineTokenFor(leedsHealthCms));
    const search = await cms.call(
      'GET',
      '/children?familyName=Walker&givenName=Amelia&dateOfBirth=2016-04-09&reason=SAFEGUARDING',
    );
    expect(search.status).toBe(401);
    const view = await cms.call('GET', `/children/${childId}?reason=SAFEGUARDING`);
    expect(view.status).toBe(401);
  });

  it('issues no token for a wrong secret or for a scope the client is not allowed', async () => {
    await expect(
      stack.machineTokenFor({ ...leedsHealthCms, clientSecret: 'not-the-secret' }),
    ).rejects.toThrow('invalid_client');
    await expect(stack.machineTokenFor(bradfordCms, ['contactpoint/children.read'])).rejects.toThrow(
      'invalid_scope',
    );
  });
});

describe('practitioners on the involvement routes', () => {
  it('register with their access token, and are told to use it when they present an ID token', async () => {
    const practitioner = await clientFor(stack, 'practitioner');
    const reply = await practitioner.call('POST', `/children/${childId}/involvements`, {
      body: { ...involvement, practitionerName: 'Sam Holt', role: 'Health visitor' },
    });
    expect(reply.status, reply.text).toBe(201);
    const { idToken } = await stack.tokensFor('practitioner');
    const withIdToken = await clientWithToken(stack, idToken).call(
      'POST',
      `/children/${childId}/involvements`,
      {
        body: involvement,
      },
    );
    expect(withIdToken.status).toBe(401);
    expect(withIdToken.json().detail).toContain('access token');
  });
});

describe('the audit trail at the end of this file (R6)', () => {
  it('is fully sealed and verifies against its seals, and no consumer or job reported a failure', async () => {
    await expectTrailSealedAndIntact(stack);
  });
});
