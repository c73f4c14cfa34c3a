import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '#infra/local/stack.ts';
import {
  alertsReaching,
  type Client,
  clientFor,
  expectTrailSealedAndIntact,
  startTestStack,
} from '../support/local-stack.ts';

/**
 * R3 over HTTP: the adopted child who must not be found by the birth name, and a record shielded by a
 * council that does not maintain it.
 */
let stack: LocalStack;
let leeds: Client;
let bradford: Client;
let practitioner: Client;

const birth = {
  givenName: 'Kacey',
  familyName: 'Thornbury',
  gender: 'female',
  dateOfBirth: '2019-02-14',
  nhsNumber: '9434765943',
  address: { line1: '3 Garnet Road', town: 'Leeds', postcode: 'LS11 5JY' },
  carers: [
    {
      name: 'Lee Thornbury',
      relationship: 'father',
      parentalResponsibility: true,
      contact: { phone: '07700 900444' },
    },
  ],
};
const WHEREABOUTS = [
  'Garnet',
  'LS11',
  'Thornbury',
  '07700 900444',
  'Leeds',
  'Bradford',
  'E08000035',
  'E08000032',
];
const reason = 'reason=SAFEGUARDING';

async function search(client: Client, query: string) {
  return client.call('GET', `/children?${query}&${reason}`);
}

beforeAll(async () => {
  stack = await startTestStack();
  leeds = await clientFor(stack, 'data-manager@leeds.example.gov.uk');
  bradford = await clientFor(stack, 'data-manager@bradford.example.gov.uk');
  practitioner = await clientFor(stack, 'practitioner@leeds-th.example.nhs.uk');
});

afterAll(async () => {
  await stack?.stop();
});

describe('an adopted child, renamed and shielded (R3)', () => {
  let childId: string;

  beforeAll(async () => {
    const created = await leeds.call('POST', '/children', { body: birth });
    expect(created.status).toBe(201);
    childId = created.json().childId;
    const renamed = await leeds.call('PATCH', `/children/${childId}`, {
      body: {
        familyName: 'Ashworth',
        address: { line1: '12 Quiet Lane', town: 'Otley', postcode: 'LS21 1AB' },
      },
      headers: { 'if-match': created.headers.get('etag') as string },
    });
    expect(renamed.status).toBe(200);
    const shield = await leeds.call('PUT', `/children/${childId}/shield`, {
      body: { reason: 'adoption-placement-at-risk', reviewDate: '2099-06-30' },
    });
    expect(shield.status).toBe(200);
  });

  it('answers a search by the birth name exactly as a search for a child who does not exist', async () => {
    const byBirthName = await search(
      practitioner,
      'givenName=Kacey&familyName=Thornbury&dateOfBirth=2019-02-14',
    );
    const forNobody = await search(
      practitioner,
      'givenName=Zebedee&familyName=Quennell&dateOfBirth=2019-02-14',
    );
    expect(byBirthName.status).toBe(200);
    expect(byBirthName.text).toBe(forNobody.text);
    expect(byBirthName.json()).toEqual({ matches: [] });
  });

  it('finds the shielded view by the current name, naming no council, place, previous name or organisation', async () => {
    const found = await search(practitioner, 'givenName=Kacey&familyName=Ashworth&dateOfBirth=2019-02-14');
    expect(found.json().matches.map((m: { childId: string }) => m.childId)).toEqual([childId]);
    const view = await practitioner.call('GET', `/children/${childId}?${reason}`);
    expect(view.json().disclosure).toBe('shielded');
    for (const secret of [...WHEREABOUTS, 'Otley', 'LS21', 'Quiet Lane'])
      expect(view.text).not.toContain(secret);
  });
});

describe('brokered contact (R2, R3)', () => {
  it('passes a practitioner’s request about a Bradford-shielded child to Bradford’s team alone, who close it; the practitioner learns nothing more', async () => {
    const created = await leeds.call('POST', '/children', {
      body: {
        ...birth,
        givenName: 'Noor',
        familyName: 'Haddad',
        nhsNumber: '9434765994',
        dateOfBirth: '2018-05-20',
      },
    });
    const childId = created.json().childId as string;
    await bradford.call('PUT', `/children/${childId}/shield`, {
      body: { reason: 'adult-at-risk', reviewDate: '2099-01-01' },
    });
    const asked = await practitioner.call('POST', `/children/${childId}/contact-requests`, {
      body: { about: 'shielded-child', callBackPhone: '0113 496 0555', reason: 'EMERGENCY_CARE' },
    });
    expect(asked.status).toBe(202);
    expect(asked.json()).toMatchObject({ status: 'passed-on' });
    for (const secret of WHEREABOUTS) expect(asked.text).not.toContain(secret);
    // The same answer for a child whose record holds nothing to broker.
    const plain = await leeds.call('POST', '/children', {
      body: { givenName: 'Ada', familyName: 'Lowe', gender: 'female', dateOfBirth: '2015-05-05' },
    });
    const other = await practitioner.call('POST', `/children/${plain.json().childId}/contact-requests`, {
      body: { about: 'specialist-services', callBackPhone: '0113 496 0555', reason: 'EMERGENCY_CARE' },
    });
    expect({ ...other.json(), requestId: 'x' }).toEqual({ ...asked.json(), requestId: 'x' });

    const leedsQueue = await leeds.call('GET', '/contact-requests?status=open');
    expect(leedsQueue.json().requests.map((r: { childId: string }) => r.childId)).not.toContain(childId);
    expect((await leeds.call('GET', `/children/${childId}/contact-requests`)).status).toBe(404);

    const queue = await bradford.call('GET', '/contact-requests?status=open');
    const request = queue.json().requests.find((r: { childId: string }) => r.childId === childId);
    expect(request).toMatchObject({
      about: 'shielded-child',
      callBackPhone: '0113 496 0555',
      requesterOrganisationName: 'Leeds Teaching Hospitals NHS Trust',
    });
    const closed = await bradford.call(
      'PATCH',
      `/children/${childId}/contact-requests/${request.requestId}`,
      {
        body: { status: 'closed', outcome: 'called-back' },
        headers: { 'if-match': request.etag },
      },
    );
    expect(closed.status).toBe(200);
    const again = await bradford.call('PATCH', `/children/${childId}/contact-requests/${request.requestId}`, {
      body: { status: 'closed', outcome: 'called-back' },
      headers: { 'if-match': closed.headers.get('etag') as string },
    });
    expect(again.status).toBe(409);
    expect((await bradford.call('GET', '/contact-requests?status=open')).json().requests).not.toContainEqual(
      expect.objectContaining({ requestId: request.requestId }),
    );
  });

  it('passes a request about the specialist services recorded to the maintaining council’s team', async () => {
    const created = await leeds.call('POST', '/children', {
      body: { givenName: 'Iris', familyName: 'Cole', gender: 'female', dateOfBirth: '2009-03-03' },
    });
    const childId = created.json().childId as string;
    await practitioner.call('POST', `/children/${childId}/contact-requests`, {
      body: { about: 'specialist-services', callBackPhone: '0113 496 0556', reason: 'SAFEGUARDING' },
    });
    const queue = await leeds.call('GET', '/contact-requests?status=open');
    expect(queue.json().requests).toContainEqual(
      expect.objectContaining({ childId, about: 'specialist-services' }),
    );
  });
});

describe('a Leeds record shielded by Bradford (decision 0004)', () => {
  let childId: string;
  let etag: string;

  beforeAll(async () => {
    const created = await leeds.call('POST', '/children', {
      body: {
        ...birth,
        givenName: 'Robyn',
        familyName: 'Calloway',
        nhsNumber: '9434765951',
        dateOfBirth: '2017-08-09',
      },
    });
    childId = created.json().childId;
    const shield = await bradford.call('PUT', `/children/${childId}/shield`, {
      body: {
        reason: 'adult-at-risk',
        reasonText: 'Mother fled to a refuge in our area',
        reviewDate: '2099-01-31',
      },
    });
    expect(shield.status).toBe(200);
    etag = shield.headers.get('etag') as string;
  });

  it('lets Leeds, which maintains it, still correct it and see who shielded it', async () => {
    const view = await leeds.call('GET', `/children/${childId}?reason=DATA_QUALITY`);
    expect(view.json()).toMatchObject({
      disclosure: 'full',
      shield: { shieldingAuthorityName: 'City of Bradford Metropolitan District Council' },
    });
    const corrected = await leeds.call('PATCH', `/children/${childId}`, {
      body: { gender: 'not-known' },
      headers: { 'if-match': etag },
    });
    expect(corrected.status).toBe(200);
    etag = corrected.headers.get('etag') as string;
  });

  it('refuses Bradford a correction and the subject access report, and Leeds the report too', async () => {
    const correction = await bradford.call('PATCH', `/children/${childId}`, {
      body: { gender: 'female' },
      headers: { 'if-match': etag },
    });
    expect(correction.status).toBe(403);
    for (const team of [bradford, leeds]) {
      expect((await team.call('GET', `/children/${childId}/subject-access-report`)).status).toBe(403);
    }
  });

  it('shows the access history in full to Bradford’s auditors, and to Leeds’s with organisations and users withheld', async () => {
    await practitioner.call('GET', `/children/${childId}?reason=EMERGENCY_CARE`);
    const bradfordAuditor = await clientFor(stack, 'auditor@bradford.example.gov.uk');
    const leedsAuditor = await clientFor(stack, 'auditor@leeds.example.gov.uk');
    let full: { entries: { action: string; actorOrganisationId: string }[] } = { entries: [] };
    const practitionerViewed = () =>
      full.entries.some((e) => e.action === 'view-child' && e.actorOrganisationId === 'ORG-LEEDS-TH');
    for (let i = 0; i < 50 && !practitionerViewed(); i++) {
      await new Promise((r) => setTimeout(r, 200));
      full = (await bradfordAuditor.call('GET', `/audit/children/${childId}`)).json();
    }
    expect(full.entries.map((e) => e.actorOrganisationId)).toContain('ORG-LEEDS-TH');
    const masked = await leedsAuditor.call('GET', `/audit/children/${childId}`);
    expect(masked.status).toBe(200);
    expect(masked.json().entries.length).toBe(full.entries.length);
    expect(masked.text).not.toContain('ORG-LEEDS-TH');
    expect(masked.text).not.toContain('ORG-BRADFORD');
    expect(masked.text).not.toContain('refuge');
  });

  it('lifts the shield only when both teams have asked: Bradford alone gets 202 and the record stays shielded', async () => {
    const body = { reasonText: 'Review: the family has moved on and the risk has passed' };
    const first = await bradford.call('DELETE', `/children/${childId}/shield`, { body });
    expect(first.status).toBe(202);
    expect((await practitioner.call('GET', `/children/${childId}?${reason}`)).json().disclosure).toBe(
      'shielded',
    );
    const second = await leeds.call('DELETE', `/children/${childId}/shield`, { body });
    expect(second.status).toBe(200);
    expect((await practitioner.call('GET', `/children/${childId}?${reason}`)).json().disclosure).toBe('full');
  });
});

describe('the subject access report of a shielded child (R2, R3)', () => {
  it('shows neither another organisation’s sensitive service nor any whereabouts field unmarked', async () => {
    const created = await leeds.call('POST', '/children', {
      body: {
        ...birth,
        givenName: 'Tegan',
        familyName: 'Marsh',
        nhsNumber: '9434765978',
        dateOfBirth: '2010-04-05',
      },
    });
    const childId = created.json().childId;
    const camhs = await practitioner.call('POST', `/children/${childId}/involvements`, {
      body: {
        serviceType: 'camhs',
        practitionerName: 'Dr Idris Penhaligon',
        role: 'Consultant psychiatrist',
        contact: { phone: '0113 496 0777' },
        startDate: '2026-09-01',
        consent: { givenBy: 'young-person', recordedOn: '2026-09-01' },
      },
    });
    expect(camhs.status).toBe(201);
    await leeds.call('PUT', `/children/${childId}/shield`, {
      body: { reason: 'risk-of-significant-harm', reviewDate: '2099-01-01' },
    });
    const report = await leeds.call('GET', `/children/${childId}/subject-access-report`);
    expect(report.status).toBe(200);
    const body = report.json();
    expect(body.shielded).toBe(true);
    for (const secret of ['camhs', 'Penhaligon', '0113 496 0777', 'Consultant psychiatrist'])
      expect(report.text).not.toContain(secret);
    for (const row of body.held as { field: string; value: string; withhold: boolean }[]) {
      if (WHEREABOUTS.some((w) => row.value.includes(w)) && !['familyName', 'givenName'].includes(row.field))
        expect(row.withhold, row.field).toBe(true);
    }
  });
});

describe('break-glass: the child-protection override (R3)', () => {
  let childId: string;
  let socialWorker: Client;
  const reasonText = 'Child brought to A&E with injuries; police need the current carers now';

  beforeAll(async () => {
    const created = await leeds.call('POST', '/children', {
      body: {
        ...birth,
        givenName: 'Ellis',
        familyName: 'Varley',
        nhsNumber: '9434765986',
        dateOfBirth: '2016-12-01',
      },
    });
    childId = created.json().childId;
    const shield = await bradford.call('PUT', `/children/${childId}/shield`, {
      body: { reason: 'risk-of-significant-harm', reviewDate: '2099-01-01' },
    });
    expect(shield.status).toBe(200);
    socialWorker = await clientFor(stack, 'practitioner@leeds.example.gov.uk');
  });

  it('refuses a user without the right with the same 403 on both steps, and no warning text', async () => {
    const warn = await practitioner.call('POST', `/children/${childId}/override-warnings`, { body: {} });
    const view = await practitioner.call('POST', `/children/${childId}/override-views`, {
      body: { confirmation: 'EV-not-a-real-confirmation', reason: 'SAFEGUARDING', reasonText },
    });
    for (const reply of [warn, view]) {
      expect(reply.status).toBe(403);
      expect(reply.text).not.toMatch(/investigation|shielded|Garnet|Bradford/i);
    }
  });

  it('warns, needs the confirmation, shows the full record once, and the next view is shielded again', async () => {
    const me = await socialWorker.call('GET', '/me');
    expect(me.json().rights).toEqual(['child-protection-override']);
    const warning = await socialWorker.call('POST', `/children/${childId}/override-warnings`, { body: {} });
    expect(warning.status).toBe(201);
    expect(warning.json().warning).toMatch(/investigation will follow/);
    const { confirmation } = warning.json();

    const unconfirmed = await socialWorker.call('POST', `/children/${childId}/override-views`, {
      body: { confirmation: `${confirmation}x`, reason: 'SAFEGUARDING', reasonText },
    });
    expect(unconfirmed.status).toBe(409);

    const broken = await socialWorker.call('POST', `/children/${childId}/override-views`, {
      body: { confirmation, reason: 'SAFEGUARDING', reasonText },
    });
    expect(broken.status).toBe(200);
    expect(broken.json()).toMatchObject({ disclosure: 'override', address: { postcode: 'LS11 5JY' } });

    const again = await socialWorker.call('POST', `/children/${childId}/override-views`, {
      body: { confirmation, reason: 'SAFEGUARDING', reasonText },
    });
    expect(again.status).toBe(409);
    const next = await socialWorker.call('GET', `/children/${childId}?${reason}`);
    expect(next.json().disclosure).toBe('shielded');
  });

  it('alerts the shielding council’s auditors at once, naming the user and not the child', async () => {
    const workerId = stack.state.users.find((u) => u.email === 'practitioner@leeds.example.gov.uk')?.userId;
    const alerts = await alertsReaching(
      stack,
      'auditor@bradford.example.gov.uk',
      'child-protection-override',
    );
    expect(alerts).toEqual([
      expect.objectContaining({ rule: 'child-protection-override', subjectUserId: workerId, status: 'open' }),
    ]);
    expect(JSON.stringify(alerts)).not.toMatch(new RegExp(`${childId}|Ellis|Varley`));
  });
});

describe('the audit trail at the end of this file (R6)', () => {
  it('is fully sealed and verifies against its seals, and no consumer or job reported a failure', async () => {
    await expectTrailSealedAndIntact(stack);
  });
});
