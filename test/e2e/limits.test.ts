import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '#infra/local/stack.ts';
import {
  alertsReaching,
  type Client,
  clientFor,
  expectTrailSealedAndIntact,
  startTestStack,
} from '../support/local-stack.ts';

// R10 per-user limits small enough to reach in a test. The day limits (equal to the minute limits) make
// the test independent of where a minute boundary falls; they are read at cold start, like Lambda's.
const LIMIT = 2;
const LIMIT_SETTINGS = [
  'LIMIT_SEARCHES_PER_MINUTE',
  'LIMIT_SEARCHES_PER_DAY',
  'LIMIT_VIEWS_PER_MINUTE',
  'LIMIT_VIEWS_PER_DAY',
] as const;
for (const name of LIMIT_SETTINGS) process.env[name] = String(LIMIT);

const SOCIAL_WORKER = 'practitioner@leeds.example.gov.uk';
const search = '/children?familyName=Walker&givenName=Amelia&dateOfBirth=2016-04-09&reason=SAFEGUARDING';
let stack: LocalStack;
let childId: string;

beforeAll(async () => {
  stack = await startTestStack(20);
  const dataManager = await clientFor(stack, 'data-manager@leeds.example.gov.uk');
  const created = await dataManager.call('POST', '/children', {
    body: { givenName: 'Lottie', familyName: 'Marsh', gender: 'female', dateOfBirth: '2018-03-03' },
  });
  expect(created.status).toBe(201);
  childId = created.json().childId;
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  for (const name of LIMIT_SETTINGS) delete process.env[name];
});

/** Every route that reads a child, as the given client would call it (valid requests only). */
const childReads = (id: () => string) => ({
  view: [
    ['GET', () => `/children/${id()}?reason=SAFEGUARDING`, undefined],
    ['POST', () => `/children/${id()}/override-warnings`, {}],
    [
      'POST',
      () => `/children/${id()}/override-views`,
      {
        confirmation: 'EV-not-a-real-confirmation',
        reason: 'SAFEGUARDING',
        reasonText: 'Child protection enquiry',
      },
    ],
  ] as const,
  dataManagerView: [
    ['GET', () => `/children/${id()}/contact-requests`, undefined],
    ['GET', () => `/children/${id()}/subject-access-report`, undefined],
  ] as const,
  // Changes that answer with the record read it too, so they count as views.
  dataManagerChanges: [
    ['PATCH', () => `/children/${id()}`, { familyName: 'Marsh-Khan' }],
    ['PUT', () => `/children/${id()}/shield`, { reason: 'adult-at-risk', reviewDate: '2099-01-01' }],
    ['DELETE', () => `/children/${id()}/shield`, { reasonText: 'Risk reviewed' }],
  ] as const,
});

async function expectLimited(client: Client, method: string, path: string, body?: unknown) {
  const reply = await client.call(method, path, {
    ...(body !== undefined && { body }),
    ...(method === 'PATCH' && { headers: { 'if-match': '"1"' } }),
  });
  expect(reply.status, `${method} ${path}: ${reply.text}`).toBe(429);
  expect(reply.headers.get('content-type')).toContain('application/problem+json');
  const retryAfter = Number(reply.headers.get('retry-after'));
  expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 86_400).toBe(true);
  expect(reply.json()).toMatchObject({ type: '/problems/rate-limited', status: 429 });
  expect(reply.text).not.toContain(childId);
}

describe('R10 per-user limits, keyed on the account, over HTTP', () => {
  it('answers 429 with Retry-After on every route that reads a child once a practitioner is over the limit, whatever token they present', async () => {
    const routes = childReads(() => childId);
    const first = await clientFor(stack, SOCIAL_WORKER);
    for (let i = 0; i < LIMIT; i++) expect((await first.call('GET', search)).status).toBe(200);
    for (let i = 0; i < LIMIT; i++)
      expect((await first.call('GET', `/children/${childId}?reason=SAFEGUARDING`)).status).toBe(200);

    // Signing in again gives a new token, and the same account: the limit holds.
    const second = await clientFor(stack, SOCIAL_WORKER);
    for (const client of [first, second]) {
      await expectLimited(client, 'GET', search);
      for (const [method, path, body] of routes.view) await expectLimited(client, method, path(), body);
    }

    // Another account's allowance is its own.
    const other = await clientFor(stack, 'practitioner@leeds-ch.example.nhs.uk');
    expect((await other.call('GET', search)).status).toBe(200);
  });

  it('limits a data manager’s contact-request list, subject access reports and record-returning changes as views', async () => {
    const dataManager = await clientFor(stack, 'data-manager@leeds.example.gov.uk');
    const routes = childReads(() => childId);
    const [list, report] = routes.dataManagerView;
    // Admitted requests count whatever the handler then answers.
    expect((await dataManager.call(list[0], list[1]())).status).not.toBe(429);
    expect((await dataManager.call(report[0], report[1]())).status).toBe(200);
    for (const [method, path] of [list, report]) await expectLimited(dataManager, method, path());
    for (const [method, path, body] of routes.dataManagerChanges)
      await expectLimited(dataManager, method, path(), body);
  });

  it('audits each refusal as rate-limited under the account, with no child', async () => {
    const auditor = await clientFor(stack, 'auditor@leeds.example.gov.uk');
    const userId = stack.state.users.find((u) => u.email === SOCIAL_WORKER)?.userId;
    let entries: { action: string; outcome: string; childIds: string[] }[] = [];
    for (let i = 0; i < 100 && !entries.some((e) => e.outcome === 'rate-limited'); i++) {
      await new Promise((r) => setTimeout(r, 200));
      entries = (await auditor.call('GET', `/audit/users/${userId}?from=2020-01-01`)).json().entries;
    }
    const limited = entries.filter((e) => e.outcome === 'rate-limited');
    expect(limited.map((e) => e.action)).toEqual(expect.arrayContaining(['search-children', 'view-child']));
    for (const entry of limited) expect(entry.childIds).toEqual([]);
  });

  it('raises one rate-limited misuse alert a day for the account’s auditors, however many refusals (R10)', async () => {
    const userId = stack.state.users.find((u) => u.email === SOCIAL_WORKER)?.userId;
    const alerts = await alertsReaching(stack, 'auditor@leeds.example.gov.uk', 'rate-limited');
    expect(alerts.filter((a) => a.subjectUserId === userId)).toEqual([
      expect.objectContaining({ rule: 'rate-limited', subjectEmail: SOCIAL_WORKER, status: 'open' }),
    ]);
    expect(JSON.stringify(alerts)).not.toContain(childId);
  });
});

describe('R4 refusals are audited (R6)', () => {
  it('shows a suspended account’s refused search in its user trail to its organisation’s auditor', async () => {
    const practitioner = await clientFor(stack, 'practitioner@leeds-ch.example.nhs.uk');
    const admin = await clientFor(stack, 'user-admin@leeds.example.gov.uk');
    const me = (await practitioner.call('GET', '/me')).json() as { userId: string; etag: string };
    const suspended = await admin.call('PATCH', `/users/${me.userId}`, {
      body: { status: 'suspended' },
      headers: { 'if-match': me.etag },
    });
    expect(suspended.status).toBe(200);
    expect((await practitioner.call('GET', search)).status).toBe(403);

    const auditor = await clientFor(stack, 'auditor@leeds.example.gov.uk');
    let entries: { action: string; outcome: string; actorId: string; childIds: string[] }[] = [];
    for (let i = 0; i < 100 && !entries.some((e) => e.outcome === 'denied'); i++) {
      await new Promise((r) => setTimeout(r, 200));
      const reply = await auditor.call('GET', `/audit/users/${me.userId}?from=2020-01-01`);
      expect(reply.status).toBe(200);
      entries = reply.json().entries;
    }
    expect(entries).toContainEqual(
      expect.objectContaining({
        action: 'search-children',
        outcome: 'denied',
        actorId: me.userId,
        childIds: [],
        // The auditor sees why: the account was suspended.
        refusalReasons: ['suspended'],
      }),
    );
  });
});

describe('the audit trail at the end of this file (R6)', () => {
  it('is fully sealed and verifies against its seals, and no consumer or job reported a failure', async () => {
    await expectTrailSealedAndIntact(stack);
  });
});
