import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { handler as register } from '#functions/register-involvement/handler.ts';
import { handler as search } from '#functions/search-children/handler.ts';
import { handler as updateInvolvement } from '#functions/update-involvement/handler.ts';
import { aChild, anInvolvement } from '../../support/builders.ts';
import { apiEvent, lambdaContext, leedsHealthOrganisation, mockDirectory } from '../../support/events.ts';

const db = mockClient(DynamoDBDocumentClient);
const child = aChild();
/** The claims of a Cognito client-credentials access token, as the authorizer passes them. */
const machineClaims = (scope = 'contactpoint/involvements.write') => ({
  sub: 'cms-leeds-ch',
  client_id: 'cms-leeds-ch',
  token_use: 'access',
  scope,
});
const registered = (status = 'active') => ({
  machineClients: [
    { clientId: 'cms-leeds-ch', name: 'Leeds CH EPR', organisationId: 'ORG-LEEDS-CH', status },
  ],
});
const involvementBody = {
  serviceType: 'school-nursing',
  practitionerName: 'Priya Shah',
  role: 'School nurse',
  contact: { phone: '0113 496 0303' },
  startDate: '2026-09-01',
};

function call(fn: typeof register, options: Parameters<typeof apiEvent>[0]) {
  return fn(apiEvent(options) as Parameters<typeof fn>[0], lambdaContext);
}

beforeEach(() => {
  db.reset();
  mockDirectory(db, GetCommand, registered());
  db.on(QueryCommand).resolves({ Items: [] });
  db.on(PutCommand).resolves({});
  db.on(TransactWriteCommand).resolves({});
});

describe('case management systems (client credentials, R8)', () => {
  it('registers an involvement for the client’s own organisation', async () => {
    // The directory's catch-all first, then the table-specific answers (the later stub wins).
    db.on(GetCommand, { TableName: 'unit-children' }).resolves({ Item: { ...child, sk: 'RECORD' } });
    const response = await call(register, {
      path: `/children/${child.childId}/involvements`,
      method: 'POST',
      pathParameters: { childId: child.childId },
      claims: machineClaims(),
      body: involvementBody,
    });
    expect(response.statusCode).toBe(201);
    expect(JSON.parse(response.body).organisationName).toBe(leedsHealthOrganisation.name);
    expect(db).toHaveReceivedCommandWith(TransactWriteCommand, {
      TransactItems: expect.arrayContaining([
        expect.objectContaining({
          Put: expect.objectContaining({
            Item: expect.objectContaining({
              organisationId: 'ORG-LEEDS-CH',
              recordedBy: 'client:cms-leeds-ch',
            }),
          }),
        }),
      ]),
    });
  });

  it('may not search or view children, whatever its scopes', async () => {
    const event = apiEvent({
      path: '/children',
      query: { familyName: 'Walker', givenName: 'Amelia', dateOfBirth: '2016-04-09', reason: 'SAFEGUARDING' },
      claims: machineClaims(),
    });
    const response = await search(event as Parameters<typeof search>[0], lambdaContext);
    expect(response.statusCode).toBe(403);
    expect(JSON.parse(response.body).detail).toContain('scopes do not allow it to search children');
    expect(db).not.toHaveReceivedCommand(QueryCommand);
  });

  it('is refused without the involvements scope, when revoked, and when not registered', async () => {
    const attempt = () =>
      call(register, {
        path: `/children/${child.childId}/involvements`,
        method: 'POST',
        pathParameters: { childId: child.childId },
        claims: machineClaims('openid'),
        body: involvementBody,
      });
    const withoutScope = await attempt();
    expect(withoutScope.statusCode).toBe(403);
    expect(JSON.parse(withoutScope.body).detail).toContain('scopes do not allow');
    for (const directory of [registered('revoked'), { machineClients: [] }]) {
      mockDirectory(db, GetCommand, directory);
      const response = await call(register, {
        path: `/children/${child.childId}/involvements`,
        method: 'POST',
        pathParameters: { childId: child.childId },
        claims: machineClaims(),
        body: involvementBody,
      });
      expect(response.statusCode).toBe(403);
      expect(JSON.parse(response.body).detail).toContain('not registered or has been revoked');
      // The refusal is audited under the client, naming the child the path gave (R6).
      expect(db).toHaveReceivedCommandWith(PutCommand, {
        Item: expect.objectContaining({
          actorId: 'client:cms-leeds-ch',
          outcome: 'denied',
          action: 'register-involvement',
          childIds: [child.childId],
        }),
      });
      db.resetHistory();
    }
    expect(db).not.toHaveReceivedCommand(TransactWriteCommand);
  });

  it('may update only its own organisation’s involvements', async () => {
    const theirs = anInvolvement({ organisationId: 'ORG-LEEDS-TH', recordedBy: 'someone-else' });
    db.on(GetCommand, { TableName: 'unit-children' }).resolves({ Item: { ...child, sk: 'RECORD' } });
    db.on(GetCommand, { TableName: 'unit-involvements' }).resolves({ Item: theirs });
    const event = {
      path: `/children/${child.childId}/involvements/${theirs.involvementId}`,
      method: 'PATCH',
      pathParameters: {
        childId: child.childId,
        involvementId: 'INV-mhz3k2a1-0b6f2e8e-8a4c-4a7e-9d1e-5c2b7f3a9e10',
      },
      claims: machineClaims(),
      body: { assessmentCompleted: true },
      headers: { 'If-Match': '"1"' },
    };
    const response = await updateInvolvement(
      apiEvent(event) as Parameters<typeof updateInvolvement>[0],
      lambdaContext,
    );
    expect(response.statusCode).toBe(403);
    expect(JSON.parse(response.body).detail).toContain('Only the practitioner who recorded');
    expect(db).not.toHaveReceivedCommand(TransactWriteCommand);

    const ours = anInvolvement({ organisationId: 'ORG-LEEDS-CH', recordedBy: 'a-nurse' });
    db.on(GetCommand, { TableName: 'unit-involvements' }).resolves({ Item: ours });
    const allowed = await updateInvolvement(
      apiEvent(event) as Parameters<typeof updateInvolvement>[0],
      lambdaContext,
    );
    expect(allowed.statusCode, allowed.body).toBe(200);
  });
});
