import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { handler as childTrail } from '#functions/read-child-audit-trail/handler.ts';
import { handler as userTrail } from '#functions/read-user-audit-trail/handler.ts';
import { accountItem, apiEvent, lambdaContext, mockDirectory } from '../../support/events.ts';

const db = mockClient(DynamoDBDocumentClient);
const auditorClaims = {
  sub: 'user-auditor',
  'cognito:groups': 'auditor',
  'custom:organisationId': 'ORG-LEEDS-CH',
};

beforeEach(() => {
  db.reset();
  mockDirectory(db, GetCommand, {
    accounts: [accountItem({ pk: 'USER#user-auditor', userId: 'user-auditor', roles: ['auditor'] })],
  });
  db.on(QueryCommand).resolves({ Items: [] });
  db.on(PutCommand).resolves({});
});

describe('an access history’s time window', () => {
  it.each([
    ['user', userTrail, '/audit/users/{userId}', { userId: 'user-nurse' }],
    ['child', childTrail, '/audit/children/{childId}', { childId: 'CP7M3K9P2XN' }],
  ] as const)(
    'answers a %s trail whose to is before its from 400 naming to, reading and auditing nothing',
    async (_which, handler, path, pathParameters) => {
      const event = apiEvent({
        path,
        pathParameters,
        query: { from: '2027-01-01', to: '2020-01-01' },
        claims: auditorClaims,
      });
      const response = await (handler as typeof userTrail)(
        event as Parameters<typeof userTrail>[0],
        lambdaContext,
      );
      expect(response.statusCode).toBe(400);
      expect(JSON.parse(response.body)).toMatchObject({
        type: '/problems/validation-error',
        errors: [{ field: 'to', message: 'is before from' }],
      });
      expect(db).not.toHaveReceivedCommand(QueryCommand);
      expect(db.commandCalls(PutCommand, { TableName: 'unit-audit' })).toEqual([]);
    },
  );

  it('accepts a one-day window (from equal to to)', async () => {
    const event = apiEvent({
      path: '/audit/users/{userId}',
      pathParameters: { userId: 'user-nurse' },
      query: { from: '2026-11-01', to: '2026-11-01' },
      claims: auditorClaims,
    });
    const response = await userTrail(event as Parameters<typeof userTrail>[0], lambdaContext);
    expect(response.statusCode).not.toBe(400);
  });
});
