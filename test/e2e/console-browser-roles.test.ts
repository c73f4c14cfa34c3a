import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_PAGES } from '#console/pages/index.ts';
import { type LocalStack, pickUser } from '#infra/local/stack.ts';
import {
  type AxeViolation,
  accessibilityViolations,
  capture,
  freshContext,
  launchChromium,
  signInAs,
} from '../support/browser.ts';
import {
  alertsReaching,
  type Client,
  clientFor,
  expectTrailSealedAndIntact,
  startTestStack,
} from '../support/local-stack.ts';
import { loadUncertainClaim } from '../support/uncertain-pair.ts';

/**
 * The console in Chromium as the ContactPoint team, user administrators, auditors and operators use it: a
 * data manager's correction and review-queue decision, a suspension that stops a signed-in practitioner on
 * their next page, and axe-core (WCAG 2.2 A and AA) over every GET page of the console for every role that
 * can reach it — checked against CONSOLE_PAGES so that no page can be added without being checked.
 */
const DATA_MANAGER = 'data-manager@leeds.example.gov.uk';
const PRACTITIONER = 'practitioner@leeds-ch.example.nhs.uk';
const OVERRIDE_HOLDER = 'practitioner@leeds.example.gov.uk';
/** Used only through the API (a shielded view and a contact request), so it raises the auditor's alert. */
const NURSE = 'practitioner@leeds-th.example.nhs.uk';
/** Suspended and reinstated by Bradford's user administrator; no other test of this file signs in as them. */
const SUSPENDED = 'practitioner@bradford.example.gov.uk';
const BRADFORD_ADMIN = 'user-admin@bradford.example.gov.uk';
const LEEDS_ADMIN = 'user-admin@leeds.example.gov.uk';
const AUDITOR = 'auditor@leeds.example.gov.uk';
const OPERATOR = 'operator@contactpoint.example.gov.uk';

let stack: LocalStack;
let browser: Browser;
let dataManagerApi: Client;
/** A plain Leeds record the data manager corrects. */
let correctedChildId: string;
/** A Leeds record shielded in beforeAll, viewed and asked about by the nurse. */
let shieldedChildId: string;

const userIdOf = (email: string): string => {
  const user = pickUser(stack.state, email);
  if (!user) throw new Error(`no local user ${email}`);
  return user.userId;
};

beforeAll(async () => {
  stack = await startTestStack(200);
  browser = await launchChromium();
  dataManagerApi = await clientFor(stack, DATA_MANAGER);
  const corrected = await dataManagerApi.call('POST', '/children', {
    body: {
      givenName: 'Ottilie',
      familyName: 'Brackenbury',
      gender: 'female',
      dateOfBirth: '2016-03-14',
      address: { line1: '3 Meanwood Rise', town: 'Leeds', postcode: 'LS6 4JB' },
    },
  });
  expect(corrected.status, corrected.text).toBe(201);
  correctedChildId = corrected.json().childId;
  const shielded = await dataManagerApi.call('POST', '/children', {
    body: {
      givenName: 'Wilfred',
      familyName: 'Harrowgate',
      gender: 'male',
      dateOfBirth: '2015-09-02',
      address: { line1: '18 Sheepscar Court', town: 'Leeds', postcode: 'LS7 1AB' },
    },
  });
  expect(shielded.status, shielded.text).toBe(201);
  shieldedChildId = shielded.json().childId;
  const shield = await dataManagerApi.call('PUT', `/children/${shieldedChildId}/shield`, {
    body: { reason: 'adult-at-risk', reviewDate: '2099-06-01' },
  });
  expect(shield.status, shield.text).toBe(200);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

/** Waits for the navigation a click starts, and returns the page's status. */
async function clickAndLoad(page: Page, click: () => Promise<void>): Promise<number | undefined> {
  const [response] = await Promise.all([page.waitForNavigation(), click()]);
  return response?.status();
}

/**
 * Puts one pair the linker is unsure of in the review queue the way a national feed does (as
 * console-data-manager.test.ts does): a Child Benefit row like the child, but not surely them.
 */
async function queueUncertainPair(childId: string, claimReference: string): Promise<void> {
  const { variant, summary } = await loadUncertainClaim(stack, childId, claimReference);
  expect(summary, JSON.stringify(variant)).toMatchObject({ queuedForReview: 1 });
}

/** The Leeds queue's item about this child, opened from the Review queue page. */
async function openReviewOf(page: Page, childId: string): Promise<string> {
  await page.goto(`${stack.consoleUrl}/reviews`);
  const hrefs = await page
    .locator('a[href^="/reviews/RV-"]')
    .evaluateAll((links) =>
      links.map((a) => (a as unknown as { getAttribute(n: string): string }).getAttribute('href')),
    );
  for (const href of hrefs) {
    await page.goto(`${stack.consoleUrl}${href}`);
    if ((await page.content()).includes(childId)) return href;
  }
  throw new Error(`no item about ${childId} in the Leeds queue`);
}

describe('the ContactPoint team and administrators in a browser', () => {
  it('a data manager corrects a record and resolves a review-queue pair', async () => {
    const { context, page, problems } = await freshContext(browser);
    await signInAs(page, stack, DATA_MANAGER);
    await page.goto(`${stack.consoleUrl}/children/${correctedChildId}`);
    await page.getByLabel('Checking or correcting the record (ContactPoint team)').check();
    await clickAndLoad(page, () => page.getByRole('button', { name: 'Continue' }).click());
    expect(await page.textContent('main')).toContain('3 Meanwood Rise');
    await capture(page, 'dm-child');

    await clickAndLoad(page, () => page.getByRole('link', { name: 'Correct this record' }).click());
    expect(await page.getByLabel('Address line 1', { exact: true }).inputValue()).toBe('3 Meanwood Rise');
    await capture(page, 'dm-correct-record');
    await page.getByLabel('Address line 1', { exact: true }).fill('5 Meanwood Rise');
    expect(
      await clickAndLoad(page, () => page.getByRole('button', { name: 'Save corrections' }).click()),
    ).toBe(200);
    expect(page.url()).toBe(`${stack.consoleUrl}/children/${correctedChildId}?done=corrected`);
    const main = await page.textContent('main');
    expect(main).toContain('The record has been corrected');
    expect(main).toContain('5 Meanwood Rise');
    expect(main).not.toContain('3 Meanwood Rise');
    await capture(page, 'dm-corrected');

    const example = stack.exampleChild;
    if (!example) throw new Error('the stack has no example child');
    await queueUncertainPair(example.childId, 'CB900101');
    await clickAndLoad(page, () =>
      page.getByRole('navigation', { name: 'Menu' }).getByRole('link', { name: 'Review queue' }).click(),
    );
    await capture(page, 'dm-review-queue');
    await openReviewOf(page, example.childId);
    expect(await page.textContent('main')).toContain('Is this the same child?');
    await capture(page, 'dm-review-item');
    await page.getByRole('button', { name: 'Save decision' }).click();
    await expect.poll(() => page.locator('.govuk-error-summary').count()).toBe(1);
    await capture(page, 'dm-review-item-errors');
    await page.locator('input[name="outcome"][value="different-children"]').check();
    await clickAndLoad(page, () => page.getByRole('button', { name: 'Save decision' }).click());
    expect(page.url()).toContain('/reviews?decided=');
    expect(await page.textContent('main')).toContain('A new record has been made from the feed row');
    await capture(page, 'dm-review-decided');
    expect(problems).toEqual([]);
    await context.close();
  }, 60_000);

  it('an administrator suspends a user whose next page view is refused', async () => {
    const practitioner = await freshContext(browser);
    await signInAs(practitioner.page, stack, SUSPENDED);
    expect(await practitioner.page.textContent('main')).toBeTruthy();
    await capture(practitioner.page, 'suspended-before-home');

    const admin = await freshContext(browser);
    await signInAs(admin.page, stack, BRADFORD_ADMIN);
    await clickAndLoad(admin.page, () =>
      admin.page.getByRole('navigation', { name: 'Menu' }).getByRole('link', { name: 'Users' }).click(),
    );
    await capture(admin.page, 'admin-users');
    await clickAndLoad(admin.page, () => admin.page.getByRole('link', { name: SUSPENDED }).click());
    expect(admin.page.url()).toContain(`/users/${userIdOf(SUSPENDED)}`);
    await capture(admin.page, 'admin-user');
    await clickAndLoad(admin.page, () => admin.page.getByRole('button', { name: 'Suspend account' }).click());
    expect(await admin.page.textContent('main')).toContain('The account has been suspended');
    await capture(admin.page, 'admin-user-suspended');

    const refused = await clickAndLoad(practitioner.page, () =>
      practitioner.page
        .getByRole('navigation', { name: 'Menu' })
        .getByRole('link', { name: 'Find a child' })
        .click(),
    );
    expect(refused).toBe(403);
    expect(await practitioner.page.getByRole('heading', { level: 1 }).textContent()).toBe(
      'Your account cannot be used',
    );
    expect(await practitioner.page.textContent('main')).toContain('Your account has been suspended');
    await capture(practitioner.page, 'suspended-refused');

    await clickAndLoad(admin.page, () =>
      admin.page.getByRole('button', { name: 'Reinstate account' }).click(),
    );
    expect(await admin.page.textContent('main')).toContain('The account has been reinstated');
    await capture(admin.page, 'admin-user-reinstated');
    const again = await practitioner.page.goto(`${stack.consoleUrl}/search`);
    expect(again?.status()).toBe(200);

    expect(practitioner.problems).toEqual([]);
    expect(admin.problems).toEqual([]);
    await practitioner.context.close();
    await admin.context.close();
  }, 60_000);
});

/** One page a role is shown: the route it comes from, the path asked for, and what to do before axe runs. */
interface Visit {
  route: string;
  path: string;
  name: string;
  status?: number;
  act?: (page: Page) => Promise<number | undefined>;
}

/**
 * GET routes that are not HTML pages, so axe has nothing to check. Nothing else may be left out: a page
 * added to CONSOLE_PAGES without a visit below fails the test.
 */
const NOT_HTML = new Set([
  // The access history as a CSV download (Content-Disposition: attachment).
  '/audit/children/{childId}/export',
  '/audit/users/{userId}/export',
]);

describe('accessibility of every page of the console', () => {
  let reviewId: string;
  let alertRef: string;
  let closePath: string;

  beforeAll(async () => {
    // A second uncertain pair, so that one item stays in the queue to be opened.
    await queueUncertainPair(correctedChildId, 'CB900102');
    const nurse = await clientFor(stack, NURSE);
    const viewed = await nurse.call('GET', `/children/${shieldedChildId}?reason=SAFEGUARDING`);
    expect(viewed.json().disclosure).toBe('shielded');
    const asked = await nurse.call('POST', `/children/${shieldedChildId}/contact-requests`, {
      body: { about: 'shielded-child', callBackPhone: '0113 496 0444', reason: 'SAFEGUARDING' },
    });
    expect(asked.status, asked.text).toBe(202);
    const [alert] = await alertsReaching(stack, AUDITOR, 'shielded-view');
    expect(alert).toBeDefined();
    const reviews = await dataManagerApi.call('GET', '/reviews?limit=50');
    const first = (reviews.json().reviews as { reviewId: string }[])[0];
    if (!first) throw new Error('the Leeds review queue is empty');
    reviewId = first.reviewId;
    const requests = await dataManagerApi.call('GET', '/contact-requests?status=open');
    const request = (requests.json().requests as { childId: string; requestId: string }[]).find(
      (r) => r.childId === shieldedChildId,
    );
    if (!request) throw new Error('the nurse’s contact request is not in the Leeds queue');
    closePath = `/children/${shieldedChildId}/contact-requests/${request.requestId}/close`;
  }, 120_000);

  it('axe-core finds no WCAG 2.2 A/AA violations on any page', async () => {
    const example = stack.exampleChild;
    if (!example) throw new Error('the stack has no example child');
    const found: { name: string; url: string; violations: AxeViolation[] }[] = [];
    const visited = new Set<string>();
    const check = async (page: Page, name: string) => {
      const violations = await accessibilityViolations(page);
      if (violations.length) found.push({ name, url: page.url(), violations });
    };
    const submit = (button: string) => (page: Page) =>
      clickAndLoad(page, () => page.getByRole('button', { name: button, exact: true }).click());
    const stateReason = (label: string) => async (page: Page) => {
      await page.getByLabel(label).check();
      return clickAndLoad(page, () => page.getByRole('button', { name: 'Continue' }).click());
    };
    const childPages = (prefix: string, reason: string): Visit[] => [
      // The first child page of a session asks why; stating it shows the record.
      { route: '/children/{childId}', path: `/children/${example.childId}`, name: `${prefix}-child-reason` },
      {
        route: '/children/{childId}',
        path: `/children/${example.childId}`,
        name: `${prefix}-child`,
        act: stateReason(reason),
      },
      {
        route: '/children/{childId}',
        path: `/children/${shieldedChildId}`,
        name: `${prefix}-shielded-child`,
      },
    ];
    const practitionerPages = (prefix: string): Visit[] => [
      { route: '/', path: '/', name: `${prefix}-home` },
      { route: '/search', path: '/search', name: `${prefix}-search` },
      {
        route: '/search',
        path: '/search',
        name: `${prefix}-search-errors`,
        status: 400,
        act: submit('Search'),
      },
      ...childPages(prefix, 'A concern for the safety or welfare of the child'),
      {
        route: '/children/{childId}/involvements/new',
        path: `/children/${example.childId}/involvements/new`,
        name: `${prefix}-involvement`,
      },
      {
        route: '/children/{childId}/involvements/new',
        path: `/children/${example.childId}/involvements/new`,
        name: `${prefix}-involvement-errors`,
        status: 400,
        act: submit('Register involvement'),
      },
      { route: '/caseload', path: '/caseload', name: `${prefix}-caseload` },
      { route: '/alerts', path: '/alerts', name: `${prefix}-alerts` },
    ];
    const roles: { who: string; visits: Visit[] }[] = [
      {
        who: PRACTITIONER,
        visits: [
          ...practitionerPages('practitioner'),
          { route: '(403)', path: '/users', name: 'practitioner-forbidden', status: 403 },
          { route: '(404)', path: '/no-such-page', name: 'practitioner-not-found', status: 404 },
        ],
      },
      { who: OVERRIDE_HOLDER, visits: practitionerPages('override') },
      {
        who: DATA_MANAGER,
        visits: [
          { route: '/', path: '/', name: 'dm-home' },
          { route: '/search', path: '/search', name: 'dm-search' },
          ...childPages('dm', 'Checking or correcting the record (ContactPoint team)'),
          { route: '/children/new', path: '/children/new', name: 'dm-create' },
          {
            route: '/children/new',
            path: '/children/new',
            name: 'dm-create-errors',
            status: 400,
            act: submit('Create record'),
          },
          { route: '/children/{childId}/edit', path: `/children/${correctedChildId}/edit`, name: 'dm-edit' },
          {
            route: '/children/{childId}/involvements/new',
            path: `/children/${correctedChildId}/involvements/new`,
            name: 'dm-involvement',
          },
          {
            route: '/children/{childId}/shield',
            path: `/children/${correctedChildId}/shield`,
            name: 'dm-shield',
          },
          {
            route: '/children/{childId}/shield',
            path: `/children/${shieldedChildId}/shield`,
            name: 'dm-shield-lift',
          },
          {
            route: '/children/{childId}/subject-access-report',
            path: `/children/${correctedChildId}/subject-access-report`,
            name: 'dm-subject-access-report',
          },
          { route: '/caseload', path: '/caseload', name: 'dm-caseload' },
          { route: '/alerts', path: '/alerts', name: 'dm-alerts' },
          { route: '/reviews', path: '/reviews', name: 'dm-reviews' },
          { route: '/reviews/{reviewId}', path: `/reviews/${reviewId}`, name: 'dm-review' },
          { route: '/contact-requests', path: '/contact-requests', name: 'dm-contact-requests' },
          {
            route: '/contact-requests',
            path: '/contact-requests?status=closed',
            name: 'dm-contact-requests-closed',
          },
          {
            route: '/children/{childId}/contact-requests/{requestId}/close',
            path: closePath,
            name: 'dm-contact-request-close',
          },
        ],
      },
      {
        who: LEEDS_ADMIN,
        visits: [
          { route: '/', path: '/', name: 'admin-home' },
          { route: '/alerts', path: '/alerts', name: 'admin-alerts' },
          { route: '/users', path: '/users', name: 'admin-users-leeds' },
          {
            route: '/users',
            path: '/users?organisationId=ORG-LEEDS-CH&status=active',
            name: 'admin-users-filtered',
          },
          { route: '/users/new', path: '/users/new', name: 'admin-grant' },
          {
            route: '/users/new',
            path: '/users/new',
            name: 'admin-grant-errors',
            status: 400,
            act: submit('Grant account'),
          },
          {
            route: '/users/{userId}',
            path: `/users/${userIdOf(NURSE)}?organisationId=ORG-LEEDS-TH`,
            name: 'admin-user-page',
          },
          { route: '/account-changes', path: '/account-changes', name: 'admin-account-changes' },
        ],
      },
      {
        who: AUDITOR,
        visits: [
          { route: '/', path: '/', name: 'auditor-home' },
          { route: '/alerts', path: '/alerts', name: 'auditor-alerts' },
          { route: '/audit', path: '/audit', name: 'auditor-audit' },
          { route: '/audit', path: '/audit?look=child&childId=', name: 'auditor-audit-errors', status: 400 },
          {
            route: '/audit/children/{childId}',
            path: `/audit/children/${shieldedChildId}`,
            name: 'auditor-child-trail',
          },
          {
            route: '/audit/users/{userId}',
            path: `/audit/users/${userIdOf(NURSE)}`,
            name: 'auditor-user-trail',
          },
          { route: '/audit/alerts', path: '/audit/alerts?status=open', name: 'auditor-alerts-list' },
          {
            route: '/audit/alerts/{alertRef}',
            path: '/audit/alerts?status=open',
            name: 'auditor-alert',
            act: async (page) => {
              const link = page.locator('a[href^="/audit/alerts/"]').first();
              alertRef = ((await link.getAttribute('href')) ?? '').replace('/audit/alerts/', '');
              return clickAndLoad(page, () => link.click());
            },
          },
        ],
      },
      {
        who: OPERATOR,
        visits: [
          { route: '/', path: '/', name: 'operator-home' },
          { route: '/alerts', path: '/alerts', name: 'operator-alerts' },
        ],
      },
    ];

    // Before sign-in: the sign-in pages, and the pages anyone may read.
    const anonymous = await freshContext(browser);
    {
      const { page } = anonymous;
      for (const [path, name] of [
        ['/sign-in', 'sign-in'],
        ['/accessibility', 'accessibility'],
        ['/signed-out', 'signed-out'],
      ] as const) {
        const response = await page.goto(`${stack.consoleUrl}${path}`);
        expect(response?.status(), path).toBe(200);
        await check(page, name);
      }
      const user = pickUser(stack.state, PRACTITIONER);
      await page.goto(`${stack.consoleUrl}/sign-in`);
      await page.getByRole('button', { name: 'Continue' }).click();
      await expect.poll(() => page.locator('.govuk-error-summary').count()).toBe(1);
      await check(page, 'sign-in-errors');
      await page.getByLabel('Email address').fill(user?.email ?? '');
      await page.getByLabel('Password', { exact: true }).fill(stack.state.password);
      await clickAndLoad(page, () => page.getByRole('button', { name: 'Continue' }).click());
      await page.getByLabel('Enter the code from your authenticator app').waitFor();
      await check(page, 'sign-in-code');
    }
    await anonymous.context.close();
    const problems = [...anonymous.problems];

    for (const { who, visits } of roles) {
      const { context, page, problems: seen } = await freshContext(browser);
      await signInAs(page, stack, who);
      for (const visit of visits) {
        const response = await page.goto(`${stack.consoleUrl}${visit.path}`);
        const status = visit.act ? await visit.act(page) : response?.status();
        expect(status, `${visit.name}: ${page.url()}`).toBe(visit.status ?? 200);
        await check(page, visit.name);
        visited.add(visit.route);
      }
      problems.push(...seen.map((p) => `${who}: ${p}`));
      await context.close();
    }

    expect(alertRef).toBeTruthy();
    const unvisited = CONSOLE_PAGES.filter((r) => r.method === 'GET')
      .map((r) => r.path)
      .filter((path) => !visited.has(path) && !NOT_HTML.has(path));
    expect(unvisited, 'GET pages no role visited').toEqual([]);
    expect(
      found,
      found
        .map(
          (f) =>
            `${f.name} (${f.url}):\n${f.violations.map((v) => `  ${v.id} [${v.impact}] ${v.help}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`).join('\n')}`,
        )
        .join('\n'),
    ).toEqual([]);
    expect(problems).toEqual([]);
  }, 120_000);

  it('leaves the audit trail sealed and intact, with no error reported', async () => {
    await expectTrailSealedAndIntact(stack);
  }, 60_000);
});
