import { DynamoDBDocumentClient, GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { handler } from '#functions/create-child/handler.ts';
import { accountItem, apiEvent, lambdaContext, mockDirectory } from '../../support/events.ts';

const db = mockClient(DynamoDBDocumentClient);
const leedsDataManagerClaims = {
  sub: 'user-dm',
  'cognito:groups': 'data-manager',
  'custom:organisationId': 'ORG-LEEDS-CC',
};

describe('malformed input (R1)', () => {
  it('answers any body that is not a lawful record with 400 naming a field — never a 5xx, never stored', async () => {
    mockDirectory(db, GetCommand, {
      organisations: [
        {
          organisationId: 'ORG-LEEDS-CC',
          name: 'Leeds City Council',
          kind: 'local-authority',
          gssCode: 'E08000035',
          accredited: true,
          administeredBy: 'ORG-LEEDS-CC',
        },
      ],
      accounts: [accountItem({ userId: 'user-dm', organisationId: 'ORG-LEEDS-CC', roles: ['data-manager'] })],
    });
    db.on(PutCommand).resolves({});
    db.on(TransactWriteCommand).resolves({});
    const aBody = fc.oneof(
      fc.jsonValue(),
      fc.string(),
      fc.dictionary(fc.string(), fc.jsonValue()),
      fc.record({
        givenName: fc.jsonValue(),
        familyName: fc.jsonValue(),
        dateOfBirth: fc.string(),
        gender: fc.string(),
      }),
    );
    await fc.assert(
      fc.asyncProperty(aBody, fc.boolean(), async (body, raw) => {
        db.resetHistory();
        const event = apiEvent({ path: '/children', method: 'POST', claims: leedsDataManagerClaims });
        event.body = raw && typeof body === 'string' ? body : JSON.stringify(body);
        const response = await handler(event as never, lambdaContext);
        expect(response.statusCode).toBe(400);
        const problem = JSON.parse(response.body);
        expect(problem.errors.length).toBeGreaterThan(0);
        expect(problem.errors.every((e: { field: string }) => e.field.length > 0)).toBe(true);
        expect(db).not.toHaveReceivedCommand(TransactWriteCommand);
      }),
      { numRuns: 300 },
    );
  });
});
