import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { ReasonCodeSchema } from '#domain/access/reasons.ts';
import { profileOf } from '#domain/search/profile.ts';
import { handler } from '#functions/search-children/handler.ts';
import { aChild } from '../../support/builders.ts';
import {
  accountItem,
  apiEvent,
  lambdaContext,
  leedsHealthOrganisation,
  mockDirectory,
  practitionerClaims,
} from '../../support/events.ts';

const db = mockClient(DynamoDBDocumentClient);
const child = aChild();
const query = {
  familyName: 'Walker',
  givenName: 'Amelia',
  dateOfBirth: '2016-04-09',
  reason: 'SAFEGUARDING',
};

function search(q: Record<string, string> = query, claims: Record<string, string> = practitionerClaims) {
  // The middleware adds `input`, `principal` and `facts`; Lambda hands over the bare proxy event.
  const event = apiEvent({ path: '/children', query: q, claims }) as Parameters<typeof handler>[0];
  return handler(event, lambdaContext);
}

beforeEach(() => {
  db.reset();
  mockDirectory(db, GetCommand);
  db.on(QueryCommand).resolves({ Items: [{ profile: profileOf(child) }] });
  db.on(PutCommand, { TableName: 'unit-audit' }).resolves({});
});

describe('GET /children', () => {
  it('returns the match and writes the audit event with the criteria and the IDs returned (R6)', async () => {
    const response = await search();
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body).matches).toEqual([
      expect.objectContaining({
        childId: child.childId,
        probability: 0.999,
        why: expect.arrayContaining(['date of birth: the same']),
      }),
    ]);
    expect(db).toHaveReceivedCommandWith(PutCommand, {
      TableName: 'unit-audit',
      Item: expect.objectContaining({
        action: 'search-children',
        outcome: 'success',
        actorId: 'user-nurse',
        childIds: [child.childId],
        reason: { code: 'SAFEGUARDING' },
        criteria: { familyName: 'Walker', givenName: 'Amelia', dateOfBirth: '2016-04-09' },
        sourceIp: '192.0.2.10',
      }),
      ConditionExpression: 'attribute_not_exists(eventId)',
    });
  });

  it('audits a search that finds nobody, with no IDs (R6)', async () => {
    db.on(QueryCommand).resolves({ Items: [] });
    const response = await search();
    expect(JSON.parse(response.body)).toEqual({ matches: [] });
    expect(db).toHaveReceivedCommandWith(PutCommand, {
      Item: expect.objectContaining({ outcome: 'no-match', childIds: [] }),
    });
  });

  it('returns 503 and no data when the audit event cannot be written (R6 fail closed)', async () => {
    db.on(PutCommand, { TableName: 'unit-audit' }).rejects(new Error('audit table unreachable'));
    const response = await search();
    expect(response.statusCode).toBe(503);
    expect(response.headers?.['content-type']).toBe('application/problem+json');
    expect(JSON.parse(response.body).type).toBe('/problems/audit-unavailable');
    expect(response.body).not.toContain('Amelia');
    expect(response.body).not.toContain(child.childId);
    expect(response.body).not.toContain('unreachable');
  });

  it('refuses a name with no letter to match on, so a search cannot browse by date of birth and postcode (R10)', async () => {
    for (const name of ['-', 'ー', "'."]) {
      const response = await search({
        givenName: name,
        dateOfBirth: '2019-02-03',
        postcode: 'LS9 9ZZ',
        reason: 'SAFEGUARDING',
      });
      expect(response.statusCode).toBe(400);
      expect(JSON.parse(response.body).errors).toContainEqual({
        field: 'givenName',
        message: 'must contain letters to match on (R10)',
      });
    }
    expect(db).not.toHaveReceivedCommand(QueryCommand);
  });

  it('lists the reason codes when a search has no reason (R5)', async () => {
    const { reason: _reason, ...withoutReason } = query;
    const response = await search(withoutReason);
    expect(response.statusCode).toBe(400);
    const { errors } = JSON.parse(response.body);
    expect(errors).toEqual([{ field: 'reason', message: expect.stringMatching(/^is required.*R5/) }]);
    for (const code of ReasonCodeSchema.options) expect(errors[0].message).toContain(code);
    expect(db).not.toHaveReceivedCommand(QueryCommand);
  });

  it('lists the reason codes when a search gives an unknown one (R5)', async () => {
    const response = await search({ ...query, reason: 'CURIOSITY' });
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body).errors).toEqual([
      {
        field: 'reason',
        message: `is not a reason code; use one of: ${ReasonCodeSchema.options.join(', ')}`,
      },
    ]);
  });

  it('challenges a request with no verified identity: 401 with WWW-Authenticate (RFC 6750)', async () => {
    const event = apiEvent({ path: '/children', query }) as Parameters<typeof handler>[0];
    const response = await handler(event, lambdaContext);
    expect(response.statusCode).toBe(401);
    expect(response.headers?.['www-authenticate']).toBe('Bearer realm="ContactPoint"');
    expect(response.headers?.['content-type']).toBe('application/problem+json');
  });

  it('words a malformed criterion for the caller, not in zod’s terms', async () => {
    const response = await search({ ...query, gender: 'f' });
    expect(JSON.parse(response.body).errors).toEqual([
      { field: 'gender', message: 'must be one of: female, male, other, not-known' },
    ]);
  });

  it('refuses a search with only a family name: a name and date of birth, or an identifier, are required (R10)', async () => {
    const response = await search({ familyName: 'Walker', reason: 'SAFEGUARDING' });
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body).errors).toEqual([expect.objectContaining({ field: 'dateOfBirth' })]);
    expect(db).not.toHaveReceivedCommand(QueryCommand);
  });

  it('refuses a malformed NHS number before any lookup', async () => {
    const response = await search({ nhsNumber: '9434765918', reason: 'SAFEGUARDING' });
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body).errors[0].field).toBe('nhsNumber');
    expect(db).not.toHaveReceivedCommand(QueryCommand);
  });

  it('answers 422 too-many-matches when more than ten children match (R10), and audits it', async () => {
    const many = Array.from({ length: 11 }, (_, i) => ({
      profile: { ...profileOf(child), childId: `CP00000000${String(i).padStart(2, '0')}` },
    }));
    db.on(QueryCommand).resolves({ Items: many });
    const response = await search();
    expect(response.statusCode).toBe(422);
    expect(JSON.parse(response.body).type).toBe('/problems/too-many-matches');
    expect(db).toHaveReceivedCommandWith(PutCommand, {
      Item: expect.objectContaining({ outcome: 'too-many-matches' }),
    });
  });

  it('refuses an operator, and audits the refusal', async () => {
    mockDirectory(db, GetCommand, { accounts: [accountItem({ roles: ['operator'] })] });
    const response = await search(query);
    expect(response.statusCode).toBe(403);
    expect(db).not.toHaveReceivedCommand(QueryCommand);
    expect(db).toHaveReceivedCommandWith(PutCommand, {
      Item: expect.objectContaining({ outcome: 'denied', refusalReasons: ['role-not-permitted'] }),
    });
  });

  it('takes roles from the registry, not the token: a token claiming data-manager is still a practitioner', async () => {
    const event = apiEvent({
      path: '/children',
      method: 'POST',
      claims: { ...practitionerClaims, 'cognito:groups': 'data-manager' },
      body: {},
    });
    const { handler: create } = await import('#functions/create-child/handler.ts');
    const response = await create(event as Parameters<typeof create>[0], lambdaContext);
    expect(response.statusCode).toBe(403);
  });
});

describe('R4: every request re-checks the account', () => {
  const refusedWhen: [string, Parameters<typeof mockDirectory>[2], string][] = [
    ['the account is suspended', { accounts: [accountItem({ status: 'suspended' })] }, 'suspended'],
    ['the account is terminated', { accounts: [accountItem({ status: 'terminated' })] }, 'terminated'],
    [
      'the DBS certificate is four years old',
      { accounts: [accountItem({ dbsCertificateDate: '2022-01-01' })] },
      'dbs-expired',
    ],
    [
      'training is not complete',
      { accounts: [accountItem({ trainingCompletedOn: '2099-01-01' })] },
      'training-incomplete',
    ],
    ['MFA is not enrolled', { accounts: [accountItem({ mfaEnrolled: false })] }, 'mfa-not-enrolled'],
    ['there is no account', { accounts: [] }, 'no-account'],
    [
      'the organisation is not accredited',
      { organisations: [{ ...leedsHealthOrganisation, accredited: false, administeredBy: 'ORG-LEEDS-CC' }] },
      'organisation-not-accredited',
    ],
  ];
  for (const [condition, directory, reason] of refusedWhen) {
    it(`refuses a signed-in practitioner with 403 when ${condition}`, async () => {
      mockDirectory(db, GetCommand, directory);
      const response = await search();
      expect(response.statusCode).toBe(403);
      expect(JSON.parse(response.body).detail).toMatch(/R4/);
      expect(db).not.toHaveReceivedCommand(QueryCommand);
    });

    it(`audits the refusal under the signed-in account when ${condition} (R6), once and with no child data`, async () => {
      mockDirectory(db, GetCommand, directory);
      await search();
      const audited = db.commandCalls(PutCommand, { TableName: 'unit-audit' });
      expect(audited).toHaveLength(1);
      expect(audited[0]?.args[0].input.Item).toMatchObject({
        actorId: 'user-nurse',
        organisationId: 'ORG-LEEDS-CH',
        action: 'search-children',
        outcome: 'denied',
        childIds: [],
        refusalReasons: [reason],
      });
      expect(audited[0]?.args[0].input.Item).not.toHaveProperty('disclosure');
    });
  }

  it('refuses a token that names a different organisation from the account, and audits it under the account', async () => {
    const response = await search(query, { ...practitionerClaims, 'custom:organisationId': 'ORG-ELSEWHERE' });
    expect(response.statusCode).toBe(403);
    expect(db).toHaveReceivedCommandWith(PutCommand, {
      TableName: 'unit-audit',
      Item: expect.objectContaining({
        actorId: 'user-nurse',
        organisationId: 'ORG-LEEDS-CH',
        outcome: 'denied',
        refusalReasons: ['organisation-mismatch'],
      }),
    });
  });

  it('answers 500 without internals when storage fails in an unexpected way', async () => {
    db.on(QueryCommand).rejects(new TypeError('secret stack detail'));
    const response = await search();
    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain('secret stack detail');
  });
});
