import {
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { etagOf, versionFromEtag } from '#domain/child/record.ts';
import { handler as updateInvolvement } from '#functions/update-involvement/handler.ts';
import { aChild, anInvolvement } from '../../support/builders.ts';
import { apiEvent, lambdaContext, mockDirectory } from '../../support/events.ts';

const db = mockClient(DynamoDBDocumentClient);
const child = aChild();
const ours = anInvolvement({ organisationId: 'ORG-LEEDS-CH', recordedBy: 'a-nurse' });

beforeEach(() => {
  db.reset();
  mockDirectory(db, GetCommand, {
    machineClients: [
      { clientId: 'cms-leeds-ch', name: 'Leeds CH EPR', organisationId: 'ORG-LEEDS-CH', status: 'active' },
    ],
  });
  db.on(GetCommand, { TableName: 'unit-children' }).resolves({ Item: { ...child, sk: 'RECORD' } });
  db.on(GetCommand, { TableName: 'unit-involvements' }).resolves({ Item: ours });
  db.on(QueryCommand).resolves({ Items: [] });
  db.on(TransactWriteCommand).resolves({});
});

function patchWith(ifMatch: string) {
  const event = apiEvent({
    path: `/children/${child.childId}/involvements/${ours.involvementId}`,
    method: 'PATCH',
    pathParameters: { childId: child.childId, involvementId: ours.involvementId },
    claims: {
      sub: 'cms-leeds-ch',
      client_id: 'cms-leeds-ch',
      token_use: 'access',
      scope: 'contactpoint/involvements.write',
    },
    body: { assessmentCompleted: true },
    headers: { 'If-Match': ifMatch },
  });
  return updateInvolvement(event as Parameters<typeof updateInvolvement>[0], lambdaContext);
}

describe('If-Match takes only the strong ETag issued (RFC 9110 strong comparison)', () => {
  it('reads back exactly the ETags it issues, and nothing else', () => {
    for (const version of [1, 7, 42, 1_000_000]) expect(versionFromEtag(etagOf(version))).toBe(version);
    for (const other of ['W/"1"', 'w/"1"', '"01"', '"+1"', '"1.0"', '"1e0"', '1', '"0"', '"1", "2"', '*', ''])
      expect(versionFromEtag(other), other).toBeUndefined();
  });

  it.each([
    ['a weak ETag', 'W/"1"', /strong ETag/],
    ['a zero-padded ETag', '"01"', /exactly as it was received/],
  ])('refuses %s with 400 naming If-Match, and changes nothing', async (_what, ifMatch, message) => {
    const response = await patchWith(ifMatch);
    expect(response.statusCode, response.body).toBe(400);
    const problem = JSON.parse(response.body);
    expect(problem.errors).toEqual([{ field: 'If-Match', message: expect.stringMatching(message) }]);
    expect(db).not.toHaveReceivedCommand(TransactWriteCommand);
  });

  it('accepts the ETag exactly as issued', async () => {
    const response = await patchWith(etagOf(ours.version));
    expect(response.statusCode, response.body).toBe(200);
  });
});
