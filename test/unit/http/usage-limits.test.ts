import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { StorageUnavailableError } from '#adapters/dynamo/errors.ts';
import { DynamoUsageCounter } from '#adapters/dynamo/usage-counter.ts';
import { windowsAt } from '#domain/access/limits.ts';
import { ChildViewSchema } from '#domain/disclosure/view-schema.ts';
import { PreconditionFailedError } from '#domain/errors.ts';
import { ROUTES } from '#functions/manifest.ts';
import { handler as search } from '#functions/search-children/handler.ts';
import { handler as updateChild } from '#functions/update-child/handler.ts';
import {
  accountItem,
  apiEvent,
  lambdaContext,
  mockDirectory,
  practitionerClaims,
} from '../../support/events.ts';

const db = mockClient(DynamoDBDocumentClient);
const query = {
  familyName: 'Walker',
  givenName: 'Amelia',
  dateOfBirth: '2016-04-09',
  reason: 'SAFEGUARDING',
};
const limits = { search: { minute: 30, day: 500 }, view: { minute: 60, day: 1000 } };

/** What the shared client makes of a transaction whose conditions failed (layers/adapters/dynamo/client.ts). */
function windowFull(codes: string[]) {
  const cancelled = Object.assign(new Error('Transaction cancelled'), {
    name: 'TransactionCanceledException',
    CancellationReasons: codes.map((Code) => ({ Code })),
  });
  return new PreconditionFailedError('The item has changed since it was read', { cause: cancelled });
}

function searchAs(claims: Record<string, string> = practitionerClaims) {
  const event = apiEvent({ path: '/children', query, claims }) as Parameters<typeof search>[0];
  return search(event, lambdaContext);
}

beforeEach(() => {
  db.reset();
  mockDirectory(db, GetCommand);
  db.on(QueryCommand).resolves({ Items: [] });
  db.on(PutCommand).resolves({});
  db.on(TransactWriteCommand).resolves({});
});

describe('R10 per-user limits: the adapter', () => {
  it('counts one request in the minute and the day at once, each only while under its limit, with a TTL', async () => {
    const now = new Date('2026-11-22T13:41:27Z');
    const admitted = await new DynamoUsageCounter(db as never, 'unit-usageCounters').admit(
      'user-nurse',
      'search',
      windowsAt(now, 'search', limits),
    );
    expect(admitted).toBeUndefined();
    const items = db.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
    expect(items.map((i) => i.Update?.Key)).toEqual([
      { counter: 'USAGE#user-nurse#search#minute#2026-11-22T13:41' },
      { counter: 'USAGE#user-nurse#search#day#2026-11-22' },
    ]);
    expect(items[0]?.Update).toMatchObject({
      TableName: 'unit-usageCounters',
      UpdateExpression: 'ADD #hits :one SET #expiresAt = :expiresAt',
      ConditionExpression: 'attribute_not_exists(#hits) OR #hits < :limit',
      ExpressionAttributeValues: {
        ':one': 1,
        ':limit': 30,
        ':expiresAt': Date.parse('2026-11-23T13:42:00Z') / 1000,
      },
    });
  });

  it('names the full window that resets last, so Retry-After never promises too early', async () => {
    const windows = windowsAt(new Date('2026-11-22T13:41:27Z'), 'view', limits);
    const counter = new DynamoUsageCounter(db as never, 'unit-usageCounters');
    db.on(TransactWriteCommand).rejects(windowFull(['ConditionalCheckFailed', 'None']));
    expect((await counter.admit('u', 'view', windows))?.length).toBe('minute');
    db.on(TransactWriteCommand).rejects(windowFull(['ConditionalCheckFailed', 'ConditionalCheckFailed']));
    expect((await counter.admit('u', 'view', windows))?.length).toBe('day');
  });

  it('retries a transaction conflict (the same user’s parallel requests) instead of answering 503', async () => {
    const conflict = new StorageUnavailableError({
      cause: Object.assign(new Error('Transaction cancelled'), {
        name: 'TransactionCanceledException',
        CancellationReasons: [{ Code: 'TransactionConflict' }, { Code: 'None' }],
      }),
    });
    const windows = windowsAt(new Date('2026-11-22T13:41:27Z'), 'view', limits);
    const counter = new DynamoUsageCounter(db as never, 'unit-usageCounters');
    db.on(TransactWriteCommand).rejectsOnce(conflict).rejectsOnce(conflict).resolves({});
    expect(await counter.admit('u', 'view', windows)).toBeUndefined();
    expect(db).toHaveReceivedCommandTimes(TransactWriteCommand, 3);
    db.on(TransactWriteCommand).rejects(conflict);
    await expect(counter.admit('u', 'view', windows)).rejects.toBeInstanceOf(StorageUnavailableError);
  });
});

describe('R10 per-user limits: the middleware', () => {
  it('admits a search under the limit and counts it against the account the registry resolved', async () => {
    const response = await searchAs();
    expect(response.statusCode).toBe(200);
    const keys = db
      .commandCalls(TransactWriteCommand)[0]
      ?.args[0].input.TransactItems?.map((i) => i.Update?.Key);
    expect(keys?.[0]?.counter).toMatch(/^USAGE#user-nurse#search#minute#/);
  });

  it('answers 429 problem+json with Retry-After over the limit, audits it with no child data and never searches', async () => {
    db.on(TransactWriteCommand).rejects(windowFull(['ConditionalCheckFailed', 'None']));
    const response = await searchAs();
    expect(response.statusCode).toBe(429);
    expect(response.headers?.['content-type']).toBe('application/problem+json');
    const retryAfter = Number(response.headers?.['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(JSON.parse(response.body)).toMatchObject({ type: '/problems/rate-limited', status: 429 });
    expect(db).not.toHaveReceivedCommand(QueryCommand);
    const audited = db.commandCalls(PutCommand, { TableName: 'unit-audit' }).map((c) => c.args[0].input.Item);
    expect(audited).toEqual([
      expect.objectContaining({
        actorId: 'user-nurse',
        action: 'search-children',
        outcome: 'rate-limited',
        childIds: [],
      }),
    ]);
    expect(audited[0]).not.toHaveProperty('criteria');
  });

  it('does not count a request the registry refused (R4)', async () => {
    mockDirectory(db, GetCommand, { accounts: [] });
    expect((await searchAs()).statusCode).toBe(403);
    expect(db).not.toHaveReceivedCommand(TransactWriteCommand);
  });

  it('does not count an invalid request', async () => {
    const event = apiEvent({
      path: '/children',
      query: { familyName: 'Walker' },
      claims: practitionerClaims,
    });
    expect((await search(event as Parameters<typeof search>[0], lambdaContext)).statusCode).toBe(400);
    expect(db).not.toHaveReceivedCommand(TransactWriteCommand);
  });
});

describe('R10 per-user limits: which routes count as a view', () => {
  it('counts every route that answers with a child’s record, contacts or trail, writes included', () => {
    const counted = ROUTES.filter((r) => r.usageLimit === 'view').map((r) => r.operationId);
    expect(counted.sort()).toEqual(
      [
        'viewChild',
        'updateChild',
        'shieldChild',
        'unshieldChild',
        'listChildContactRequests',
        'warnBeforeOverride',
        'viewWithOverride',
        'prepareSubjectAccessReport',
        // R8: a team's review queue and a child's held feed rows show records too.
        'listReviews',
        'listChildSources',
        // R7: an auditor's read of an archived record, for an investigation.
        'readArchivedChild',
      ].sort(),
    );
    // Create answers with what its caller just sent and the new ID: the one record-returning route not counted.
    const returningRecords = ROUTES.filter((r) =>
      Object.values(r.responses).some((response) => response.schema === ChildViewSchema),
    );
    for (const route of returningRecords.filter((r) => r.operationId !== 'createChild'))
      expect(route.usageLimit, route.operationId).toBe('view');
  });

  it('answers a correction over the view limit 429 with Retry-After, audited, without reading or changing the record', async () => {
    mockDirectory(db, GetCommand, {
      organisations: [
        {
          pk: 'ORG#ORG-LEEDS-CC',
          sk: 'ORG',
          organisationId: 'ORG-LEEDS-CC',
          name: 'Leeds City Council',
          kind: 'local-authority',
          gssCode: 'E08000035',
          accredited: true,
          administeredBy: 'ORG-LEEDS-CC',
        },
      ],
      accounts: [
        accountItem({
          pk: 'USER#user-dm',
          userId: 'user-dm',
          organisationId: 'ORG-LEEDS-CC',
          roles: ['data-manager'],
        }),
      ],
    });
    db.on(TransactWriteCommand).rejects(windowFull(['None', 'ConditionalCheckFailed']));
    const event = apiEvent({
      path: '/children/{childId}',
      method: 'PATCH',
      pathParameters: { childId: 'CP7M3K9P2XN' },
      headers: { 'If-Match': '"1"' },
      body: { familyName: 'Khan' },
      claims: { sub: 'user-dm', 'cognito:groups': 'data-manager', 'custom:organisationId': 'ORG-LEEDS-CC' },
    });
    const response = await updateChild(event as Parameters<typeof updateChild>[0], lambdaContext);
    expect(response.statusCode).toBe(429);
    expect(Number(response.headers?.['retry-after'])).toBeGreaterThanOrEqual(1);
    const audited = db.commandCalls(PutCommand, { TableName: 'unit-audit' }).map((c) => c.args[0].input.Item);
    expect(audited).toEqual([
      expect.objectContaining({ actorId: 'user-dm', action: 'update-child', outcome: 'rate-limited' }),
    ]);
    expect(db.commandCalls(GetCommand, { TableName: 'unit-children' })).toEqual([]);
  });
});
