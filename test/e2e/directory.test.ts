import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHIELDED_CONTACT_INSTRUCTION } from '#domain/disclosure/view-schema.ts';
import type { LocalStack } from '#infra/local/stack.ts';
import {
  type Client,
  clientFor,
  expectTrailSealedAndIntact,
  startTestStack,
} from '../support/local-stack.ts';

/**
 * The acceptance script of the core directory, over HTTP through the local gateway, with real tokens
 * from the local Cognito pool — as a client would use the API.
 */
let stack: LocalStack;
let dataManager: Client;
let practitioner: Client;

const first = {
  givenName: 'Maisie',
  familyName: 'Okonkwo-Bell',
  gender: 'female',
  dateOfBirth: '2015-06-21',
  nhsNumber: '4857773457',
  address: { line1: '22 Beckett Street', town: 'Leeds', postcode: 'LS9 7TF' },
  carers: [
    {
      name: 'Joy Okonkwo',
      relationship: 'mother',
      parentalResponsibility: true,
      contact: { phone: '07700 900555' },
    },
  ],
};
/** The first child's details for other children: an NHS number belongs to one record only. */
const { nhsNumber: _firstNhs, ...likeFirst } = first;
const second = {
  givenName: 'Jayden',
  familyName: 'Fairclough',
  gender: 'male',
  dateOfBirth: '2012-11-03',
  nhsNumber: '9990001227',
  upn: 'F383200013004',
  address: { line1: '7 Hidden Close', town: 'Leeds', postcode: 'LS11 5QT' },
  carers: [
    {
      name: 'Dawn Fairclough',
      relationship: 'mother',
      parentalResponsibility: true,
      contact: { phone: '07700 900777' },
    },
  ],
  education: {
    status: 'in-education',
    institutionName: 'Cross Flatts Academy',
    contact: { phone: '0113 496 0888' },
  },
  gpPractice: { practiceName: 'Beeston Hill Surgery', contact: { phone: '0113 496 0999' } },
};
/** Everything about the shielded child that reveals whereabouts or contacts (R3). */
const whereabouts = [
  'Hidden Close',
  'LS11 5QT',
  'Dawn Fairclough',
  '07700 900777',
  'Cross Flatts Academy',
  '0113 496 0888',
  'Beeston Hill Surgery',
  '0113 496 0999',
  '9990001227',
  'F383200013004',
  'Kerry Nolan',
  '0113 496 0123',
];
let firstId: string;
let secondId: string;
const practitionerBodies: string[] = [];

async function asPractitioner(method: string, path: string, body?: unknown) {
  const reply = await practitioner.call(method, path, body === undefined ? {} : { body });
  practitionerBodies.push(reply.text, JSON.stringify([...reply.headers]));
  return reply;
}

beforeAll(async () => {
  stack = await startTestStack();
  dataManager = await clientFor(stack, 'data-manager');
  practitioner = await clientFor(stack, 'practitioner');
  const a = await dataManager.call('POST', '/children', { body: first });
  const b = await dataManager.call('POST', '/children', { body: second });
  expect([a.status, b.status]).toEqual([201, 201]);
  firstId = a.json().childId;
  secondId = b.json().childId;
  // A hospital practitioner registers with the second child before it is shielded.
  const hospital = await clientFor(stack, 'practitioner@leeds-th.example.nhs.uk');
  const inv = await hospital.call('POST', `/children/${secondId}/involvements`, {
    body: {
      serviceType: 'paediatrics',
      practitionerName: 'Kerry Nolan',
      role: 'Paediatrician',
      contact: { phone: '0113 496 0123' },
      startDate: '2026-10-01',
    },
  });
  expect(inv.status).toBe(201);
  const shield = await dataManager.call('PUT', `/children/${secondId}/shield`, {
    body: {
      reason: 'adult-at-risk',
      reasonText: 'Mother in a refuge after domestic abuse',
      reviewDate: '2099-01-31',
    },
  });
  expect(shield.status).toBe(200);
});

afterAll(async () => {
  await stack?.stop();
});

describe('the core directory over HTTP', () => {
  it('answers 201 with a ContactPoint ID, an ETag and a Location when a data manager creates a child', async () => {
    const reply = await dataManager.call('POST', '/children', { body: { ...likeFirst, givenName: 'Poppy' } });
    expect(reply.status).toBe(201);
    expect(reply.json().childId).toMatch(/^CP[0-9A-Y]{9}$/);
    expect(reply.headers.get('etag')).toBe('"1"');
    expect(reply.headers.get('location')).toBe(`/children/${reply.json().childId}`);
  });

  it('refuses a second record of the shielded child with 409, naming no record, so no unshielded copy exists (R3)', async () => {
    const again = await dataManager.call('POST', '/children', { body: second });
    expect(again.status).toBe(409);
    expect(again.text).not.toContain(secondId);
    expect(again.text).not.toContain('Fairclough');
    const byPostcode = await asPractitioner(
      'GET',
      `/children?familyName=Fairclough&givenName=Jayden&dateOfBirth=2012-11-03&postcode=${encodeURIComponent('LS11 5QT')}&reason=SAFEGUARDING`,
    );
    expect(byPostcode.json()).toEqual({ matches: [] });
  });

  it('lets a practitioner find the first child by name and date of birth, as typed', async () => {
    const reply = await asPractitioner(
      'GET',
      `/children?familyName=${encodeURIComponent('okonkwo bell')}&givenName=Maisy&dateOfBirth=2015-06-21&reason=SAFEGUARDING`,
    );
    expect(reply.status).toBe(200);
    expect(reply.json().matches[0]).toMatchObject({
      childId: firstId,
      givenName: 'Maisie',
      familyName: 'Okonkwo-Bell',
    });
  });

  it('shows the practitioner the shielded child only as name, ID, gender, date of birth and whom to contact (R3)', async () => {
    const view = await asPractitioner('GET', `/children/${secondId}?reason=EMERGENCY_CARE`);
    expect(view.status).toBe(200);
    expect(view.json()).toEqual({
      disclosure: 'shielded',
      childId: secondId,
      givenName: 'Jayden',
      familyName: 'Fairclough',
      gender: 'male',
      dateOfBirth: '2012-11-03',
      contactInstruction: SHIELDED_CONTACT_INSTRUCTION,
    });
    expect(view.headers.get('etag')).toBeNull();
    const search = await asPractitioner(
      'GET',
      '/children?familyName=Fairclough&givenName=Jayden&dateOfBirth=2012-11-03&reason=EMERGENCY_CARE',
    );
    expect(search.json().matches.map((m: { childId: string }) => m.childId)).toEqual([secondId]);
  });

  it('answers a postcode search for the shielded child exactly as a search for a child who does not exist (R3)', async () => {
    const forShielded = await asPractitioner(
      'GET',
      '/children?familyName=Fairclough&givenName=Jayden&dateOfBirth=2012-11-03&postcode=LS11%205QT&reason=SAFEGUARDING',
    );
    const forNobody = await asPractitioner(
      'GET',
      '/children?familyName=Quennell&givenName=Tobias&dateOfBirth=2012-11-03&postcode=LS11%205QT&reason=SAFEGUARDING',
    );
    expect(forShielded.status).toBe(forNobody.status);
    expect(forShielded.text).toBe(forNobody.text);
    expect(forShielded.text).toBe('{"matches":[]}');
    const headersOf = (h: Headers) =>
      [...h].filter(([k]) => !['x-request-id', 'date', 'content-length'].includes(k));
    expect(headersOf(forShielded.headers)).toEqual(headersOf(forNobody.headers));
  });

  it('answers NHS number and UPN searches for the shielded child as for nobody (R3)', async () => {
    for (const query of ['nhsNumber=9990001227', 'upn=F383200013004']) {
      const reply = await asPractitioner('GET', `/children?${query}&reason=SAFEGUARDING`);
      expect(reply.text).toBe('{"matches":[]}');
    }
  });

  it('returns to the practitioner only their own involvement when they register with the shielded child (R3)', async () => {
    const reply = await asPractitioner('POST', `/children/${secondId}/involvements`, {
      serviceType: 'school-nursing',
      practitionerName: 'Priya Shah',
      role: 'School nurse',
      contact: { phone: '0113 496 0303' },
      startDate: '2026-11-01',
    });
    expect(reply.status).toBe(201);
    const updated = await practitioner.call(
      'PATCH',
      `/children/${secondId}/involvements/${reply.json().involvementId}`,
      {
        body: { assessmentCompleted: true },
        headers: { 'if-match': reply.headers.get('etag') as string },
      },
    );
    practitionerBodies.push(updated.text);
    expect(updated.status).toBe(200);
    expect(updated.json()).toMatchObject({
      practitionerName: 'Priya Shah',
      assessmentCompleted: true,
      etag: '"2"',
    });
  });

  it('lets the shielding authority’s data manager see the shielded record in full', async () => {
    const reply = await dataManager.call('GET', `/children/${secondId}?reason=DATA_QUALITY`);
    expect(reply.json()).toMatchObject({
      disclosure: 'full',
      address: second.address,
      shield: { reason: 'adult-at-risk' },
    });
  });

  it('never shows the practitioner the shielded child’s address, carers, school, GP or involvement contacts, in any response (R3)', () => {
    expect(practitionerBodies.length).toBeGreaterThan(0);
    for (const body of practitionerBodies)
      for (const secret of whereabouts) expect(body).not.toContain(secret);
  });

  it('refuses a view without a reason with 400 naming the field (R5)', async () => {
    const reply = await practitioner.call('GET', `/children/${firstId}`);
    expect(reply.status).toBe(400);
    expect(reply.headers.get('content-type')).toBe('application/problem+json');
    expect(reply.json().errors).toEqual([{ field: 'reason', message: expect.stringContaining('R5') }]);
  });

  it('refuses a body carrying a field outside R1 with 400 naming it, and stores nothing (R1)', async () => {
    const reply = await dataManager.call('POST', '/children', {
      body: { ...likeFirst, givenName: 'Ivy', caseNotes: 'Disclosed neglect at school' },
    });
    expect(reply.status).toBe(400);
    expect(reply.json().errors).toEqual([{ field: 'caseNotes', message: expect.stringContaining('R1') }]);
    const search = await practitioner.call(
      'GET',
      '/children?familyName=Okonkwo-Bell&givenName=Ivy&dateOfBirth=2015-06-21&reason=SAFEGUARDING',
    );
    expect(search.json().matches.map((m: { givenName: string }) => m.givenName)).not.toContain('Ivy');
    const patch = await dataManager.call('PATCH', `/children/${firstId}`, {
      body: { flagOfConcern: true },
      headers: { 'if-match': '"1"' },
    });
    expect(patch.status).toBe(400);
    expect(patch.json().errors[0].field).toBe('flagOfConcern');
  });

  it('gives one 200 and one 412 for two PATCHes with the same If-Match, and 428 without one', async () => {
    const created = await dataManager.call('POST', '/children', {
      body: { ...likeFirst, givenName: 'Esme', dateOfBirth: '2014-01-30' },
    });
    const id = created.json().childId;
    const etag = created.headers.get('etag') as string;
    const [a, b] = await Promise.all([
      dataManager.call('PATCH', `/children/${id}`, {
        body: { familyName: 'Brook' },
        headers: { 'if-match': etag },
      }),
      dataManager.call('PATCH', `/children/${id}`, {
        body: { familyName: 'Stone' },
        headers: { 'if-match': etag },
      }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 412]);
    const winner = a.status === 200 ? a : b;
    expect(winner.headers.get('etag')).toBe('"2"');
    const missing = await dataManager.call('PATCH', `/children/${id}`, { body: { familyName: 'Reed' } });
    expect(missing.status).toBe(428);
  });

  it('refuses a practitioner who tries to create, correct or shield a record (permission table)', async () => {
    expect((await practitioner.call('POST', '/children', { body: first })).status).toBe(403);
    expect(
      (
        await practitioner.call('PATCH', `/children/${firstId}`, {
          body: { familyName: 'X' },
          headers: { 'if-match': '"1"' },
        })
      ).status,
    ).toBe(403);
    const shield = { reason: 'adult-at-risk', reviewDate: '2099-01-01' };
    expect((await practitioner.call('PUT', `/children/${firstId}/shield`, { body: shield })).status).toBe(
      403,
    );
  });

  it('refuses another council’s data manager who tries to correct or unshield Leeds’s record', async () => {
    const bradford = await clientFor(stack, 'data-manager@bradford.example.gov.uk');
    const patch = await bradford.call('PATCH', `/children/${firstId}`, {
      body: { familyName: 'X' },
      headers: { 'if-match': '"1"' },
    });
    expect(patch.status).toBe(403);
    const unshield = await bradford.call('DELETE', `/children/${secondId}/shield`, {
      body: { reasonText: 'Not ours to lift' },
    });
    expect(unshield.status).toBe(403);
    const view = await bradford.call('GET', `/children/${secondId}?reason=SAFEGUARDING`);
    expect(view.json().disclosure).toBe('shielded');
    const correct = await bradford.call('PATCH', `/children/${secondId}`, {
      body: { gender: 'male' },
      headers: { 'if-match': '"2"' },
    });
    const reshield = await bradford.call('PUT', `/children/${secondId}/shield`, {
      body: { reason: 'serious-crime', reviewDate: '2099-06-30' },
    });
    expect([correct.status, reshield.status]).toEqual([403, 403]);
    // R3: nothing about the shielded child's whereabouts in any of those answers either.
    for (const reply of [unshield, view, correct, reshield]) {
      for (const secret of whereabouts) expect(reply.text).not.toContain(secret);
    }
  });

  it('refuses an unsigned, forged or missing token with 401', async () => {
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    const claims = Buffer.from(
      JSON.stringify({
        sub: 'x',
        'cognito:groups': ['data-manager'],
        'custom:organisationId': 'ORG-LEEDS-CC',
        token_use: 'id',
      }),
    ).toString('base64url');
    for (const authorization of [`Bearer ${header}.${claims}.`, 'Bearer not-a-token', '']) {
      const reply = await fetch(`${stack.url}/children/${firstId}?reason=SAFEGUARDING`, {
        headers: { authorization },
      });
      expect(reply.status).toBe(401);
    }
  });

  it('serves the OpenAPI document without sign-in', async () => {
    const reply = await fetch(`${stack.url}/openapi.json`);
    expect(reply.status).toBe(200);
    expect(((await reply.json()) as { openapi: string }).openapi).toBe('3.1.0');
  });
});

describe('the audit trail at the end of this file (R6)', () => {
  it('is fully sealed and verifies against its seals, and no consumer or job reported a failure', async () => {
    await expectTrailSealedAndIntact(stack);
  });
});
