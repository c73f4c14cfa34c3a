import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { handler as approve } from '#functions/approve-account-change/handler.ts';
import { handler as listChanges } from '#functions/list-account-changes/handler.ts';
import { handler as refuse } from '#functions/refuse-account-change/handler.ts';
import { handler as me } from '#functions/view-own-account/handler.ts';
import { accountItem, apiEvent, lambdaContext, mockDirectory } from '../../support/events.ts';

const db = mockClient(DynamoDBDocumentClient);
const adminClaims = {
  sub: 'user-admin',
  'cognito:groups': 'user-admin',
  'custom:organisationId': 'ORG-LEEDS-CH',
};
type Handler = (event: never, context: typeof lambdaContext) => Promise<{ statusCode: number; body: string }>;

beforeEach(() => {
  db.reset();
  mockDirectory(db, GetCommand, {
    accounts: [accountItem({ pk: 'USER#user-admin', userId: 'user-admin', roles: ['user-admin'] })],
  });
  db.on(QueryCommand).resolves({ Items: [] });
  db.on(PutCommand).resolves({});
});

async function send(handler: Handler, options: Parameters<typeof apiEvent>[0]) {
  const response = await handler(apiEvent({ claims: adminClaims, ...options }) as never, lambdaContext);
  return { status: response.statusCode, problem: JSON.parse(response.body) };
}

describe('a route refuses what it does not take, rather than ignoring it', () => {
  it('answers a query parameter on a route without any (GET /account-changes?x=1) 400 naming it, reading nothing', async () => {
    const { status, problem } = await send(listChanges as Handler, {
      path: '/account-changes',
      query: { x: '1' },
    });
    expect(status).toBe(400);
    expect(problem.errors).toEqual([{ field: 'x', message: 'is not a recognised parameter' }]);
    expect(db).not.toHaveReceivedCommand(QueryCommand);
    expect((await send(listChanges as Handler, { path: '/account-changes' })).status).toBe(200);
    expect((await send(me as Handler, { path: '/me', query: { debug: 'true' } })).status).toBe(400);
  });

  it.each([
    ['approval', approve],
    ['refusal', refuse],
  ])('answers a body on POST …/%s 400, deciding nothing', async (decision, handler) => {
    const { status, problem } = await send(handler as Handler, {
      path: `/account-changes/{changeId}/${decision}`,
      method: 'POST',
      pathParameters: { changeId: 'CHG-1' },
      body: { note: 'looks fine' },
    });
    expect(status).toBe(400);
    expect(problem.errors).toEqual([{ field: 'body', message: 'must be empty: this route takes no body' }]);
    expect(db).not.toHaveReceivedCommand(TransactWriteCommand);
  });
});
