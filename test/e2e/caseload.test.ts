import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '#infra/local/stack.ts';
import { type Client, clientFor, startTestStack } from '../support/local-stack.ts';

/**
 * The web console's "my caseload" page over HTTP: a practitioner lists the involvements they recorded, ends one
 * with the ETag the list gave, and sees a shielded child only as the shielded view shows it (R3).
 */
const HOSPITAL = 'practitioner@leeds-th.example.nhs.uk';
const COMMUNITY = 'practitioner@leeds-ch.example.nhs.uk';
const TODAY = new Date().toISOString().slice(0, 10);
const OPEN = {
  givenName: 'Rosie',
  familyName: 'Marchbank',
  gender: 'female',
  dateOfBirth: '2017-07-21',
  address: { line1: '3 Roundhay Road', town: 'Leeds', postcode: 'LS8 5AN' },
};
const HIDDEN = {
  givenName: 'Callum',
  familyName: 'Dewhirst',
  gender: 'male',
  dateOfBirth: '2015-01-30',
  address: { line1: '41 Otley Old Road', town: 'Leeds', postcode: 'LS16 6HB' },
  education: {
    status: 'in-education',
    institutionName: 'Ireland Wood Primary School',
    contact: { phone: '0113 496 0555' },
  },
};
const involvement = {
  serviceType: 'paediatrics',
  practitionerName: 'Dr Tom Okafor',
  role: 'Consultant paediatrician',
  contact: { phone: '0113 496 0444' },
  startDate: '2026-10-01',
};

type Item = {
  involvement: { involvementId: string; etag: string; endDate?: string };
  child: Record<string, unknown>;
};

let stack: LocalStack;
let dataManager: Client;
let hospital: Client;
let community: Client;
const children: Record<string, string> = {};
const registered: Record<string, string> = {};

async function caseload(client: Client, query = ''): Promise<{ involvements: Item[]; next?: string }> {
  const reply = await client.call('GET', `/me/involvements${query}`);
  expect(reply.status, reply.text).toBe(200);
  return reply.json();
}

async function register(client: Client, child: string, name: string, body: Record<string, unknown>) {
  const reply = await client.call('POST', `/children/${children[child]}/involvements`, { body });
  expect(reply.status, reply.text).toBe(201);
  registered[name] = reply.json().involvementId;
}

beforeAll(async () => {
  stack = await startTestStack(20, { streamConsumers: false });
  dataManager = await clientFor(stack, 'data-manager@leeds.example.gov.uk');
  hospital = await clientFor(stack, HOSPITAL);
  community = await clientFor(stack, COMMUNITY);
  for (const [name, child] of Object.entries({ open: OPEN, hidden: HIDDEN })) {
    const created = await dataManager.call('POST', '/children', { body: child });
    expect(created.status, created.text).toBe(201);
    children[name] = created.json().childId;
  }
  await register(hospital, 'open', 'first', involvement);
  await register(community, 'open', 'colleague', {
    ...involvement,
    serviceType: 'school-nursing',
    practitionerName: 'Priya Shah',
    role: 'School nurse',
  });
  await register(hospital, 'hidden', 'second', involvement);
  const shield = await dataManager.call('PUT', `/children/${children.hidden}/shield`, {
    body: { reason: 'adult-at-risk', reviewDate: '2099-06-30' },
  });
  expect(shield.status, shield.text).toBe(200);
}, 180_000);

afterAll(async () => {
  await stack?.stop();
});

describe('GET /me/involvements over HTTP', () => {
  it('lists the caller’s own active involvements, newest first, a shielded child as the shielded view shows it', async () => {
    const page = await caseload(hospital);
    expect(page.involvements.map((i) => i.involvement.involvementId)).toEqual([
      registered.second,
      registered.first,
    ]);
    expect(page.next).toBeUndefined();
    const [hidden, open] = page.involvements;
    expect(hidden?.child).toEqual({
      disclosure: 'shielded',
      childId: children.hidden,
      givenName: 'Callum',
      familyName: 'Dewhirst',
      gender: 'male',
      dateOfBirth: '2015-01-30',
      contactInstruction: expect.any(String),
    });
    expect(open?.child).toMatchObject({ disclosure: 'full', childId: children.open, givenName: 'Rosie' });
    for (const hiddenText of ['LS16 6HB', 'Otley Old Road', 'Ireland Wood', 'Leeds City Council', 'LS8 5AN'])
      expect(JSON.stringify(page)).not.toContain(hiddenText);
  });

  it('never shows a colleague’s involvement with the same child', async () => {
    const page = await caseload(community);
    expect(page.involvements.map((i) => i.involvement.involvementId)).toEqual([registered.colleague]);
  });

  it('pages with the cursor it gives', async () => {
    const first = await caseload(hospital, '?limit=1');
    expect(first.involvements.map((i) => i.involvement.involvementId)).toEqual([registered.second]);
    expect(first.next).toBeDefined();
    const second = await caseload(hospital, `?limit=1&cursor=${encodeURIComponent(first.next as string)}`);
    expect(second.involvements.map((i) => i.involvement.involvementId)).toEqual([registered.first]);
    // Another user's position is not theirs to start from.
    const borrowed = await community.call(
      'GET',
      `/me/involvements?cursor=${encodeURIComponent(first.next as string)}`,
    );
    expect(borrowed.status).toBe(400);
  });

  it('ends an involvement with the ETag the list gave; it then shows under status=ended only', async () => {
    const [, open] = (await caseload(hospital)).involvements;
    const ended = await hospital.call(
      'PATCH',
      `/children/${children.open}/involvements/${open?.involvement.involvementId}`,
      {
        body: { endDate: TODAY },
        headers: { 'if-match': open?.involvement.etag as string },
      },
    );
    expect(ended.status, ended.text).toBe(200);
    expect((await caseload(hospital)).involvements.map((i) => i.involvement.involvementId)).toEqual([
      registered.second,
    ]);
    const past = await caseload(hospital, '?status=ended');
    expect(past.involvements.map((i) => i.involvement)).toEqual([
      expect.objectContaining({ involvementId: registered.first, endDate: TODAY, etag: '"2"' }),
    ]);
  });

  it('refuses roles that do not register involvements, and parameters it does not know', async () => {
    const auditor = await clientFor(stack, 'auditor@leeds.example.gov.uk');
    expect((await auditor.call('GET', '/me/involvements')).status).toBe(403);
    expect((await hospital.call('GET', '/me/involvements?status=all')).status).toBe(400);
    expect((await hospital.call('GET', '/me/involvements?childId=CP7M3K9P2XN')).status).toBe(400);
  });
});
