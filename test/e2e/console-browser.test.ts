import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '#infra/local/stack.ts';
import { capture, fillDate, freshContext, launchChromium, signInAs } from '../support/browser.ts';
import {
  type Client,
  clientFor,
  expectTrailSealedAndIntact,
  startTestStack,
} from '../support/local-stack.ts';

/**
 * The console in a real browser (Debian's Chromium through playwright-core), as a practitioner uses it: every
 * page checked with axe-core (WCAG 2.2 A and AA) and saved under test-results/.
 */
let stack: LocalStack;
let browser: Browser;
let dataManager: Client;
let practitionerApi: Client;

/** A child made for these tests, with whereabouts that must never show once the record is shielded. */
const child = {
  givenName: 'Rosalind',
  familyName: 'Quennell',
  gender: 'female',
  dateOfBirth: '2017-06-21',
  nhsNumber: '9434765870',
  address: { line1: '41 Lavender Walk', town: 'Leeds', postcode: 'LS9 6RQ' },
  education: {
    status: 'in-education',
    institutionName: 'Hollybrook Primary School',
    contact: { phone: '0113 496 0777' },
  },
  gpPractice: { practiceName: 'Seacroft Green Surgery', contact: { phone: '0113 496 0888' } },
  carers: [
    {
      name: 'Mara Quennell',
      relationship: 'mother',
      parentalResponsibility: true,
      contact: { phone: '07700 900555' },
    },
  ],
};
const WHEREABOUTS = [
  'Lavender',
  'LS9 6RQ',
  'Hollybrook',
  'Seacroft',
  '0113 496 0777',
  '0113 496 0888',
  'Mara Quennell',
  '07700 900555',
  'Nadia Petrova',
  '0113 496 0999',
];
let childId: string;

beforeAll(async () => {
  stack = await startTestStack(200);
  browser = await launchChromium();
  dataManager = await clientFor(stack, 'data-manager');
  practitionerApi = await clientFor(stack, 'practitioner@leeds-th.example.nhs.uk');
  const created = await dataManager.call('POST', '/children', { body: child });
  expect(created.status).toBe(201);
  childId = created.json().childId;
  const registered = await practitionerApi.call('POST', `/children/${childId}/involvements`, {
    body: {
      serviceType: 'paediatrics',
      practitionerName: 'Nadia Petrova',
      role: 'Consultant paediatrician',
      contact: { phone: '0113 496 0999' },
      startDate: '2026-10-01',
    },
  });
  expect(registered.status).toBe(201);
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

async function searchFor(
  page: import('playwright-core').Page,
  who: { givenName: string; familyName: string; dateOfBirth: string },
) {
  await page.goto(`${stack.consoleUrl}/search`);
  await page.getByLabel('A concern for the safety or welfare of the child').check();
  await page.getByLabel('Given name').fill(who.givenName);
  await page.getByLabel('Family name').fill(who.familyName);
  await fillDate(page, 'dateOfBirth', who.dateOfBirth);
  await page.getByRole('button', { name: 'Search' }).click();
}

describe('the console in a browser', () => {
  it('signs a practitioner in with their password and the code from their authenticator app', async () => {
    const { context, page, problems } = await freshContext(browser);
    await page.goto(`${stack.consoleUrl}/`);
    expect(page.url()).toContain('/sign-in');
    await capture(page, 'sign-in');
    await signInAs(page, stack, 'practitioner');
    await capture(page, 'home');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('finds a child and opens the child page with who else is involved and how to reach them', async () => {
    const { context, page, problems } = await freshContext(browser);
    await signInAs(page, stack, 'practitioner');
    await searchFor(page, child);
    await expect.poll(() => page.textContent('body')).toContain('1 child found');
    await capture(page, 'search-results');
    await page.getByRole('link', { name: `${child.givenName} ${child.familyName}` }).click();
    const body = await page.textContent('body');
    expect(body).toContain('Who else is working with Rosalind');
    expect(body).toContain('Nadia Petrova');
    expect(body).toContain('0113 496 0999');
    await capture(page, 'child-page');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('registers the practitioner’s own involvement, which the child page then shows', async () => {
    const { context, page, problems } = await freshContext(browser);
    await signInAs(page, stack, 'practitioner');
    await searchFor(page, child);
    await page.getByRole('link', { name: `${child.givenName} ${child.familyName}` }).click();
    await page.getByRole('link', { name: /Register your involvement/ }).click();
    await capture(page, 'register-involvement');
    await page.getByRole('button', { name: 'Register involvement' }).click();
    // Nothing filled in: the error summary links to each field the API named.
    await expect.poll(() => page.locator('.govuk-error-summary').count()).toBe(1);
    await capture(page, 'register-involvement-errors');
    await page.getByLabel('Service', { exact: true }).selectOption('school-nursing');
    await page.getByLabel('Your name').fill('Priya Shah');
    await page.getByLabel('Your role').fill('School nurse');
    await page.getByLabel('Phone number').fill('0113 496 0303');
    await fillDate(page, 'startDate', '2026-09-01');
    await page.getByRole('button', { name: 'Register involvement' }).click();
    const body = await page.textContent('body');
    expect(body).toContain('Your involvement has been registered');
    expect(body).toContain('Priya Shah');
    // The caseload lists it; the practitioner takes the lead, then ends the involvement.
    await page.getByRole('link', { name: 'My caseload' }).click();
    await capture(page, 'caseload');
    await page.getByRole('button', { name: 'Record me as lead professional' }).first().click();
    expect(await page.textContent('body')).toContain('You are now recorded as the lead professional');
    await page.getByText(`End your involvement with ${child.givenName} ${child.familyName}`).click();
    await fillDate(
      page,
      (await page.locator('input[id$="-day"][id^="endDate-"]').first().getAttribute('id'))?.replace(
        /-day$/,
        '',
      ) ?? '',
      '2026-11-30',
    );
    await page.getByRole('button', { name: 'End my involvement' }).first().click();
    expect(await page.textContent('main')).toContain('Your involvement has been ended');
    expect(problems).toEqual([]);
    await context.close();
  });
});

describe('a shielded child in the browser', () => {
  beforeAll(async () => {
    const shielded = await dataManager.call('PUT', `/children/${childId}/shield`, {
      body: { reason: 'adult-at-risk', reviewDate: '2027-06-01' },
    });
    expect(shielded.status, shielded.text).toBe(200);
  });

  it('shows no whereabouts and no one working with the child on any page a practitioner reaches (R3)', async () => {
    const { context, page, problems } = await freshContext(browser);
    await signInAs(page, stack, 'practitioner@leeds-th.example.nhs.uk');
    const seen: string[] = [];
    await searchFor(page, child);
    seen.push(await page.content());
    await page.getByRole('link', { name: `${child.givenName} ${child.familyName}` }).click();
    seen.push(await page.content());
    expect(await page.textContent('body')).toContain('This record is shielded');
    await capture(page, 'shielded-child');
    await page.goto(`${stack.consoleUrl}/alerts`);
    seen.push(await page.content());
    await page.goto(`${stack.consoleUrl}/`);
    seen.push(await page.content());
    for (const html of seen) for (const secret of WHEREABOUTS) expect(html).not.toContain(secret);
    // The brokered route instead: a request to be called back.
    await page.goBack();
    await page.goto(`${stack.consoleUrl}/children/${childId}`);
    await page.getByLabel('Phone number to call you back on').fill('0113 496 0123');
    await page.getByRole('button', { name: 'Ask to be called back' }).click();
    expect(await page.textContent('body')).toContain('They will call you back');
    for (const secret of WHEREABOUTS) expect(await page.content()).not.toContain(secret);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('breaks the shield for a holder of the override right only after the warning and a justification (R3)', async () => {
    const { context, page, problems } = await freshContext(browser);
    await signInAs(page, stack, 'practitioner@leeds.example.gov.uk');
    await searchFor(page, child);
    await page.getByRole('link', { name: `${child.givenName} ${child.familyName}` }).click();
    expect(await page.content()).not.toContain('Lavender');
    await page.getByRole('button', { name: 'Break the shield' }).click();
    expect(await page.textContent('body')).toContain('an investigation will follow');
    await capture(page, 'break-glass-warning');
    await page.getByLabel('A concern for the safety or welfare of the child').check();
    await page
      .getByLabel('The risk of significant harm that cannot wait')
      .fill('Child admitted with injuries; mother’s whereabouts needed now');
    await page.getByRole('button', { name: 'Break the shield and view the record' }).click();
    const body = await page.textContent('body');
    expect(body).toContain('41 Lavender Walk');
    expect(body).toContain('Nadia Petrova');
    await capture(page, 'break-glass-view');
    expect(problems).toEqual([]);
    await context.close();
  });
});

describe('the console without a mouse, and without JavaScript', () => {
  it('takes a practitioner from sign-in to a colleague’s phone number with the keyboard alone', async () => {
    const { context, page, problems } = await freshContext(browser);
    await signInAs(page, stack, 'practitioner');
    const example = stack.exampleChild;
    if (!example) throw new Error('the stack has no example child');
    await page.goto(`${stack.consoleUrl}/search`, { waitUntil: 'load' });
    // Tab from the top of the page to each field, typing as a keyboard user would.
    const tabTo = async (selector: string) => {
      for (let i = 0; i < 60; i += 1) {
        await page.keyboard.press('Tab');
        const focused = await page.evaluate(
          (s) =>
            (
              globalThis as unknown as { document: { activeElement: { matches(s: string): boolean } | null } }
            ).document.activeElement?.matches(s) ?? false,
          selector,
        );
        if (focused) return;
      }
      throw new Error(`Tab never reached ${selector}`);
    };
    await tabTo('input[name="reason"]');
    await page.keyboard.press('Space');
    await tabTo('#givenName');
    await page.keyboard.type(example.givenName);
    await tabTo('#familyName');
    await page.keyboard.type(example.familyName);
    const [year, month, day] = example.dateOfBirth.split('-');
    await tabTo('#dateOfBirth-day');
    await page.keyboard.type(String(Number(day)));
    await tabTo('#dateOfBirth-month');
    await page.keyboard.type(String(Number(month)));
    await tabTo('#dateOfBirth-year');
    await page.keyboard.type(year ?? '');
    await tabTo('form[action="/search"] button.govuk-button');
    let loaded = page.waitForEvent('load');
    await page.keyboard.press('Enter');
    await loaded;
    await tabTo(`a[href="/children/${example.childId}"]`);
    loaded = page.waitForEvent('load');
    await page.keyboard.press('Enter');
    await loaded;
    expect(await page.textContent('body')).toContain(`Who else is working with ${example.givenName}`);
    await capture(page, 'keyboard-child-page');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('works with JavaScript turned off, from sign-in to the child page', async () => {
    const { context, page, problems } = await freshContext(browser, { javaScriptEnabled: false });
    page.setDefaultTimeout(10_000);
    await signInAs(page, stack, 'practitioner');
    const example = stack.exampleChild;
    if (!example) throw new Error('the stack has no example child');
    await searchFor(page, example);
    await page
      .getByRole('link', { name: `${example.givenName} ${example.familyName}` })
      .first()
      .click();
    expect(await page.textContent('body')).toContain(`Who else is working with ${example.givenName}`);
    await capture(page, 'no-javascript-child-page', { axe: false });
    expect(problems).toEqual([]);
    await context.close();
  });

  it('leaves the audit trail sealed and intact, with no error reported (R6)', async () => {
    await expectTrailSealedAndIntact(stack);
  });
});
