import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ukDate } from '#console/render.ts';
import type { LocalStack } from '#infra/local/stack.ts';
import { type ConsoleClient, type Page, signedInConsole } from '../support/console-client.ts';
import {
  alertsReaching,
  type Client,
  clientFor,
  expectTrailSealedAndIntact,
  startTestStack,
} from '../support/local-stack.ts';

/**
 * The console's administration and oversight pages over HTTP, as user administrators and auditors use
 * them: every rule is the API's (R4 prerequisites, the two-person rule, suspension on the next request,
 * R6 histories, R10 alerts); the pages show its answers.
 */

// R10: a threshold of distinct children small enough to reach in a test, read at cold start like Lambda's.
const THRESHOLD = 3;
process.env.MISUSE_DISTINCT_CHILDREN_PER_DAY = String(THRESHOLD);

const ADMIN = 'user-admin@leeds.example.gov.uk';
const SECOND_ADMIN = 'user-admin.second@leeds.example.gov.uk';
const AUDITOR = 'auditor@leeds.example.gov.uk';
const COMMUNITY = 'practitioner@leeds-ch.example.nhs.uk';
const NURSE = 'practitioner@leeds-th.example.nhs.uk';
const CHILDREN = [
  { givenName: 'Tamsin', familyName: 'Wetherall', gender: 'female', dateOfBirth: '2016-05-12' },
  { givenName: 'Idris', familyName: 'Calloway', gender: 'male', dateOfBirth: '2014-08-03' },
  { givenName: 'Hollie', familyName: 'Ravensworth', gender: 'female', dateOfBirth: '2018-12-19' },
];

let stack: LocalStack;
let admin: ConsoleClient;
let dataManager: Client;
const childIds: string[] = [];
const userIdOf = (email: string) => stack.state.users.find((u) => u.email === email)?.userId as string;
const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000);
const dateFields = (name: string, date: Date) => ({
  [`${name}-day`]: String(date.getUTCDate()),
  [`${name}-month`]: String(date.getUTCMonth() + 1),
  [`${name}-year`]: String(date.getUTCFullYear()),
});

/** A hidden field's value as a browser would send it (the page escapes it in HTML). */
function hidden(page: Page, name: string): string {
  const value = new RegExp(`name="${name}" value="([^"]*)"`).exec(page.html)?.[1];
  if (value === undefined) throw new Error(`no hidden ${name} on the page`);
  return value.replaceAll('&quot;', '"').replaceAll('&#39;', "'").replaceAll('&amp;', '&');
}

/** The page's visible words, for assertions about what the user reads. */
const text = (page: Page) =>
  page.html
    .replace(/<[^>]+>/g, ' ')
    .replaceAll('&#39;', "'")
    .replaceAll('&quot;', '"')
    .replace(/\s+/g, ' ');

beforeAll(async () => {
  stack = await startTestStack(200);
  admin = await signedInConsole(stack, ADMIN);
  dataManager = await clientFor(stack, 'data-manager@leeds.example.gov.uk');
  for (const child of CHILDREN) {
    const created = await dataManager.call('POST', '/children', { body: child });
    expect(created.status, created.text).toBe(201);
    childIds.push(created.json().childId);
  }
}, 180_000);

afterAll(async () => {
  await stack?.stop();
  delete process.env.MISUSE_DISTINCT_CHILDREN_PER_DAY;
});

describe('user administration in the console (R4)', () => {
  it('lists the accounts of an organisation the administrator administers, with their status', async () => {
    const own = await admin.get('/users');
    expect(own.status).toBe(200);
    expect(own.html).toContain(
      '<caption class="govuk-table__caption govuk-table__caption--m">Accounts of ORG-LEEDS-CC',
    );
    expect(own.html).toContain(ADMIN);
    const trust = await admin.get('/users?organisationId=ORG-LEEDS-CH&status=active');
    expect(trust.status).toBe(200);
    expect(trust.html).toContain(COMMUNITY);
    expect(trust.html).toContain('govuk-tag--green');
    const elsewhere = await admin.get('/users?organisationId=ORG-BRADFORD-MDC');
    expect(elsewhere.status).toBe(403);
    expect(elsewhere.html).toContain('You cannot do this');
  });

  it('shows a grant whose vetting does not hold as errors on each field the API named', async () => {
    await admin.get('/users/new');
    const refused = await admin.post('/users/new', {
      email: 'unvetted@leeds.example.gov.uk',
      roles: 'practitioner',
      authorisedBy: 'Team manager, manager@leeds.example.gov.uk',
      ...dateFields('dbsCertificateDate', daysAgo(4 * 365)),
      ...dateFields('trainingCompletedOn', daysAgo(5)),
      ...dateFields('agreementSignedOn', daysAgo(5)),
      mfaEnrolled: 'no',
    });
    expect(refused.status).toBe(400);
    expect(refused.html).toContain('govuk-error-summary');
    expect(refused.html).toContain('href="#dbsCertificateDate-day"');
    expect(refused.html).toContain('href="#mfaEnrolled"');
    expect(text(refused)).toContain('Date of the enhanced DBS certificate is 3 or more years old');
    // The form keeps what was typed.
    expect(refused.html).toContain('value="unvetted@leeds.example.gov.uk"');
    const listed = await admin.get('/users?status=pending');
    expect(listed.html).not.toContain('unvetted@leeds.example.gov.uk');
  });

  it('grants a data manager that waits for a second administrator, who approves it; the first cannot', async () => {
    await admin.get('/users/new');
    const granted = await admin.post('/users/new', {
      email: 'new.manager@leeds.example.gov.uk',
      roles: 'data-manager',
      authorisedBy: 'Head of service, head@leeds.example.gov.uk',
      ...dateFields('dbsCertificateDate', daysAgo(100)),
      ...dateFields('trainingCompletedOn', daysAgo(5)),
      ...dateFields('agreementSignedOn', daysAgo(5)),
      mfaEnrolled: 'yes',
    });
    expect(granted.status, text(granted)).toBe(201);
    expect(text(granted)).toContain('Waiting for a second user administrator to approve: Data manager');

    const pending = await admin.get('/account-changes');
    expect(pending.status).toBe(200);
    const changeId = /action="\/account-changes\/([^/"]+)\/approve"/.exec(pending.html)?.[1] as string;
    expect(changeId).toBeTruthy();
    expect(pending.html).toContain('new.manager@leeds.example.gov.uk');
    const selfApproval = await admin.post(`/account-changes/${changeId}/approve`, {});
    expect(selfApproval.status).toBe(403);
    expect(text(selfApproval)).toContain('Two-person rule');

    const second = await signedInConsole(stack, SECOND_ADMIN);
    await second.get('/account-changes');
    const approved = await second.post(`/account-changes/${changeId}/approve`, {});
    expect(approved.status).toBe(200);
    expect(text(approved)).toContain('The change has been approved');
    expect(approved.html).not.toContain(changeId);

    const listed = await second.get('/users');
    const href = /href="(\/users\/[^"]+)">new\.manager@leeds\.example\.gov\.uk</.exec(listed.html)?.[1];
    const account = await second.get(href as string);
    expect(account.status).toBe(200);
    expect(text(account)).toMatch(/Roles\s+Data manager/);
    expect(text(account)).toMatch(/Status\s+Active/);

    const cleared = await second.post(`${(href as string).split('?')[0]}/vetting`, {
      etag: hidden(account, 'etag'),
      ...dateFields('dbsCertificateDate', daysAgo(100)),
      ...dateFields('trainingCompletedOn', daysAgo(5)),
      'agreementSignedOn-day': '',
      'agreementSignedOn-month': '',
      'agreementSignedOn-year': '2026',
    });
    expect(cleared.status).toBe(400);
    expect(cleared.html).toContain('href="#agreementSignedOn-day"');
    const renewed = await second.post(`${(href as string).split('?')[0]}/vetting`, {
      etag: hidden(account, 'etag'),
      ...dateFields('dbsCertificateDate', daysAgo(10)),
      ...dateFields('trainingCompletedOn', daysAgo(5)),
      ...dateFields('agreementSignedOn', daysAgo(5)),
    });
    expect(renewed.status).toBe(200);
    expect(text(renewed)).toContain('The vetting dates have been updated');
    expect(text(renewed)).toContain(
      `Enhanced DBS certificate ${ukDate(daysAgo(10).toISOString())}, accepted until`,
    );
  });

  it('suspends a practitioner whose next page is the 403 page, and reinstates them to work again', async () => {
    const practitioner = await signedInConsole(stack, COMMUNITY);
    expect((await practitioner.get('/alerts')).status).toBe(200);

    const path = `/users/${userIdOf(COMMUNITY)}?organisationId=ORG-LEEDS-CH`;
    const before = await admin.get(path);
    expect(before.status).toBe(200);
    const suspended = await admin.post(`/users/${userIdOf(COMMUNITY)}/status`, {
      change: 'suspended',
      etag: hidden(before, 'etag'),
      organisationId: 'ORG-LEEDS-CH',
    });
    expect(suspended.status).toBe(200);
    expect(text(suspended)).toContain('The account has been suspended');
    expect(text(suspended)).toMatch(/Status\s+Suspended/);

    const refused = await practitioner.get('/alerts');
    expect(refused.status).toBe(403);
    expect(refused.html).toContain('<h1 class="govuk-heading-l">Your account cannot be used</h1>');
    expect(text(refused)).toContain(
      'Your account has been suspended. Contact your ContactPoint user administrator.',
    );
    expect(refused.html).not.toContain('(R4)');
    // Pages that ask the API nothing of their own (the home page, a blank form) are refused too.
    for (const path of ['/', '/search']) {
      const page = await practitioner.get(path);
      expect(page.status, path).toBe(403);
      expect(text(page), path).toContain('Your account has been suspended');
    }
    // A search is refused the same way, before anything is looked up.
    const search = await practitioner.post('/search', {
      reason: 'SAFEGUARDING',
      givenName: 'Tamsin',
      familyName: 'Wetherall',
      ...dateFields('dateOfBirth', new Date('2016-05-12T00:00:00Z')),
    });
    expect(search.status).toBe(403);
    expect(text(search)).toContain('Your account has been suspended');

    // The form sent with the version read before the suspension is refused, not applied over it.
    const stale = await admin.post(`/users/${userIdOf(COMMUNITY)}/status`, {
      change: 'active',
      etag: hidden(before, 'etag'),
      organisationId: 'ORG-LEEDS-CH',
    });
    expect(stale.status).toBe(400);
    expect(text(stale)).toContain('Someone else changed this first');

    const current = await admin.get(path);
    const reinstated = await admin.post(`/users/${userIdOf(COMMUNITY)}/status`, {
      change: 'active',
      etag: hidden(current, 'etag'),
      organisationId: 'ORG-LEEDS-CH',
    });
    expect(reinstated.status).toBe(200);
    expect(text(reinstated)).toContain('The account has been reinstated');
    expect((await practitioner.get('/alerts')).status).toBe(200);
    expect((await practitioner.get('/search')).status).toBe(200);
  });

  it('refuses a practitioner the administration pages with the 403 page', async () => {
    const practitioner = await signedInConsole(stack, 'practitioner@leeds.example.gov.uk');
    const users = await practitioner.get('/users');
    expect(users.status).toBe(403);
    expect(users.html).toContain('You cannot do this');
    expect((await practitioner.get('/account-changes')).status).toBe(403);
    expect((await practitioner.get('/audit/alerts')).status).toBe(403);
  });
});

describe('oversight in the console (R6, R10)', () => {
  it('lets an auditor read a child’s access history and the user’s activity, and download it as CSV', async () => {
    const nurse = await clientFor(stack, NURSE);
    for (const child of CHILDREN) {
      const query = new URLSearchParams({ ...child, reason: 'SAFEGUARDING' });
      query.delete('gender');
      const reply = await nurse.call('GET', `/children?${query}`);
      expect(reply.status, reply.text).toBe(200);
    }
    const auditor = await signedInConsole(stack, AUDITOR);
    const landing = await auditor.get('/audit');
    expect(landing.status).toBe(200);
    const empty = await auditor.get('/audit?look=child&childId=');
    expect(empty.status).toBe(400);
    expect(empty.html).toContain('href="#childId"');

    // The histories are filed from the audit stream: read until the nurse's searches are there.
    let child: Page = await auditor.get(`/audit?look=child&childId=${childIds[0]}`);
    for (let i = 0; i < 80 && !child.html.includes(userIdOf(NURSE)); i++) {
      await new Promise((r) => setTimeout(r, 250));
      child = await auditor.get(`/audit/children/${childIds[0]}`);
    }
    expect(child.status).toBe(200);
    expect(child.html).toContain(`href="/audit/users/${userIdOf(NURSE)}"`);
    expect(text(child)).toContain('ORG-LEEDS-TH');
    expect(text(child)).toContain('SAFEGUARDING');
    expect(child.html).toContain('<th scope="col" class="govuk-table__header">What they were shown</th>');

    const user = await auditor.get(`/audit/users/${userIdOf(NURSE)}`);
    expect(user.status).toBe(200);
    expect(user.html).toContain(`href="/audit/children/${childIds[0]}"`);
    expect(text(user)).toContain('search children');

    const today = new Date();
    const future = await auditor.get(
      `/audit/users/${userIdOf(NURSE)}?${new URLSearchParams({ ...dateFields('from', new Date(today.getTime() + 2 * 86_400_000)), ...dateFields('to', today) })}`,
    );
    expect(future.status).toBe(400);
    expect(text(future)).toContain('The to date is before from');

    const csv = await auditor.get(`/audit/children/${childIds[0]}/export`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('content-disposition')).toContain('attachment');
    expect(csv.html.split('\r\n')[0]).toMatch(/^at,action,outcome,actorId/);
    expect(csv.html).toContain(userIdOf(NURSE));
  });

  it('lets an auditor record the outcome of a misuse alert raised by a practitioner’s searches', async () => {
    const [raised] = await alertsReaching(stack, AUDITOR, 'many-children');
    expect(raised).toMatchObject({ subjectEmail: NURSE, status: 'open' });
    const auditor = await signedInConsole(stack, 'auditor@leeds.example.gov.uk');
    const list = await auditor.get('/audit/alerts?status=open');
    expect(list.status).toBe(200);
    const href = /href="(\/audit\/alerts\/[A-Za-z0-9_-]+(?:\?[^"]*)?)"/.exec(list.html)?.[1] as string;
    expect(href).toBeTruthy();
    expect(text(list)).toContain(NURSE);

    const alert = await auditor.get(href);
    expect(alert.status).toBe(200);
    expect(alert.html).toContain('<legend class="govuk-fieldset__legend govuk-fieldset__legend--m">');
    const unchosen = await auditor.post(href, { etag: hidden(alert, 'etag'), note: '' });
    expect(unchosen.status).toBe(400);
    expect(unchosen.html).toContain('href="#outcome"');

    const reviewed = await auditor.post(href, {
      etag: hidden(alert, 'etag'),
      outcome: 'investigating',
      note: 'Asked the ward manager about these searches',
    });
    expect(reviewed.status).toBe(200);
    expect(text(reviewed)).toContain('Your review has been recorded');
    expect(text(reviewed)).toContain('Asked the ward manager about these searches');
    const again = await auditor.post(href, { etag: hidden(alert, 'etag'), outcome: 'no-case' });
    expect(again.status).toBe(400);
    expect(text(again)).toContain('Someone else changed this first');

    const investigating = await auditor.get('/audit/alerts?status=investigating');
    // Its link now says it was listed among the alerts being investigated.
    expect(investigating.html).toContain(`href="${href.split('?')[0]}?status=investigating"`);
  });
});

describe('the audit trail at the end of this file (R6)', () => {
  it('is fully sealed and verifies against its seals, and no consumer or job reported a failure', async () => {
    await expectTrailSealedAndIntact(stack);
  });
});
