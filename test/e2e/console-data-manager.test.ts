import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '#infra/local/stack.ts';
import { type ConsoleClient, type Page, signedInConsole } from '../support/console-client.ts';
import { clientFor, expectTrailSealedAndIntact, startTestStack } from '../support/local-stack.ts';
import { loadUncertainClaim } from '../support/uncertain-pair.ts';

/**
 * The ContactPoint team's pages of the console over HTTP, as a data manager of Leeds uses them: create and
 * correct a record (R1), shield and unshield it (R3), work the review queue (R8), broker contact (R2, R3)
 * and prepare a subject access report. Every page is checked for what the console's CSP and the GOV.UK
 * patterns require (no inline style, unique IDs); the API decides every request.
 */
const DATA_MANAGER = 'data-manager@leeds.example.gov.uk';
const PRACTITIONER = 'practitioner@leeds-th.example.nhs.uk';

let stack: LocalStack;
let dm: ConsoleClient;
let practitioner: ConsoleClient;
let childId: string;

const CHILD = {
  givenName: 'Poppy',
  familyName: 'Ashworth',
  gender: 'female',
  'dateOfBirth-day': '12',
  'dateOfBirth-month': '5',
  'dateOfBirth-year': '2019',
  'address.line1': '7 Oakwood Grove',
  'address.town': 'Leeds',
  'address.postcode': 'LS8 2PF',
  carerRows: '2',
  'carers.0.name': 'Hannah Ashworth',
  'carers.0.relationship': 'mother',
  'carers.0.parentalResponsibility': 'yes',
  'carers.0.contact.phone': '07700 900456',
  'education.status': 'in-education',
  'education.institutionName': 'Oakwood Primary School',
  'education.contact.phone': '0113 496 0150',
  'gpPractice.practiceName': 'Roundhay Surgery',
  'gpPractice.contact.phone': '0113 496 0160',
};

/** What every console page must be: no inline style (the CSP forbids it), each ID once. */
function expectWellFormed(page: Page) {
  expect(page.html).not.toMatch(/\sstyle=|<style/);
  const ids = [...page.html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
  expect(
    ids.filter((id, i) => ids.indexOf(id) !== i),
    'IDs used twice',
  ).toEqual([]);
  expect(page.headers.get('content-security-policy')).not.toContain('unsafe-inline');
}

function hidden(page: Page, name: string): string {
  const value = new RegExp(`name="${name}" value="([^"]*)"`).exec(page.html)?.[1];
  if (value === undefined) throw new Error(`no hidden ${name} on the page`);
  return value.replaceAll('&quot;', '"').replaceAll('&amp;', '&');
}

/** The error summary's links, as GOV.UK shows them: each to the field it names. */
function errorLinks(page: Page): string[] {
  const summary = /govuk-error-summary__list">([\s\S]*?)<\/ul>/.exec(page.html)?.[1] ?? '';
  return [...summary.matchAll(/href="#([^"]+)"/g)].map((m) => m[1] as string);
}

beforeAll(async () => {
  stack = await startTestStack(200);
  dm = await signedInConsole(stack, DATA_MANAGER);
  practitioner = await signedInConsole(stack, PRACTITIONER);
}, 180_000);

afterAll(async () => {
  await stack?.stop();
});

describe('the ContactPoint team’s console pages', () => {
  it('creates a record from the form, showing the API’s refusals in the error summary linked to each field (R1)', async () => {
    const form = await dm.get('/children/new');
    expect(form.status).toBe(200);
    expectWellFormed(form);
    expect(form.html).toContain('Create a child record');
    expect(form.html).not.toContain('govuk-error-message');

    const refused = await dm.post('/children/new', {
      ...CHILD,
      givenName: '',
      'address.postcode': 'not a postcode',
      'carers.0.contact.phone': '',
    });
    expect(refused.status).toBe(400);
    expectWellFormed(refused);
    expect(errorLinks(refused)).toEqual(
      expect.arrayContaining(['givenName', 'address-postcode', 'carers-0-contact-phone']),
    );
    for (const id of errorLinks(refused)) expect(refused.html).toContain(`id="${id}"`);
    expect(refused.html).toContain('value="Oakwood Primary School"');

    const created = await dm.post('/children/new', CHILD, false);
    expect(created.status).toBe(303);
    const location = created.location ?? '';
    expect(location).toMatch(/^\/children\/CP[A-Z0-9]+\?done=created$/);
    childId = (/^\/children\/([^?]+)/.exec(location)?.[1] ?? '') as string;

    await dm.get(location);
    await dm.post(`/children/${childId}/reason`, { reason: 'DATA_QUALITY' });
    const page = await dm.get(location);
    expect(page.status).toBe(200);
    expectWellFormed(page);
    expect(page.html).toContain('The record has been created');
    expect(page.html).toContain('Poppy Ashworth');
    expect(page.html).toContain('Hannah Ashworth');
    expect(page.html).toContain(`href="/children/${childId}/subject-access-report"`);
  });

  it('corrects only what changed with the ETag read, and a stale ETag gets “someone else changed this first”', async () => {
    const form = await dm.get(`/children/${childId}/edit`);
    expect(form.status).toBe(200);
    expectWellFormed(form);
    expect(form.html).toContain('value="7 Oakwood Grove"');
    expect(form.html).toContain('value="Hannah Ashworth"');
    const etag = hidden(form, 'etag');
    expect(etag).toMatch(/^"\d+"$/);
    const rows = hidden(form, 'carerRows');
    expect(rows).toBe('2');

    const unchanged = await dm.post(`/children/${childId}/edit`, { ...CHILD, etag });
    expect(unchanged.status).toBe(400);
    expect(unchanged.html).toContain('You have not changed anything');

    const corrected = await dm.post(
      `/children/${childId}/edit`,
      { ...CHILD, etag, 'address.line1': '9 Oakwood Grove' },
      false,
    );
    expect(corrected.status).toBe(303);
    expect(corrected.location).toBe(`/children/${childId}?done=corrected`);
    const page = await dm.get(corrected.location as string);
    expect(page.html).toContain('The record has been corrected');
    expect(page.html).toContain('9 Oakwood Grove');
    expect(page.html).toContain('Hannah Ashworth');

    const stale = await dm.post(`/children/${childId}/edit`, {
      ...CHILD,
      etag,
      'address.line1': '11 Oakwood Grove',
    });
    expect(stale.status).toBe(400);
    expect(stale.html).toContain('Someone else changed this first');
    expectWellFormed(stale);
  });

  it('shields the record with a reason and review date, the form’s own checks shown first (R3)', async () => {
    const page = await dm.get(`/children/${childId}/shield`);
    expect(page.status).toBe(200);
    expectWellFormed(page);
    expect(page.html).toContain('Shield this record');

    const incomplete = await dm.post(`/children/${childId}/shield`, { reasonText: '' });
    expect(incomplete.status).toBe(400);
    expect(errorLinks(incomplete)).toEqual(['reason', 'reviewDate-day']);

    const shielded = await dm.post(
      `/children/${childId}/shield`,
      {
        reason: 'adult-at-risk',
        reasonText: 'Mother moved to a refuge',
        'reviewDate-day': '1',
        'reviewDate-month': '5',
        'reviewDate-year': '2099',
      },
      false,
    );
    expect(shielded.status).toBe(303);
    expect(shielded.location).toBe(`/children/${childId}?done=shielded`);
    const record = await dm.get(shielded.location as string);
    expect(record.html).toContain('The record has been shielded');
    const manage = await dm.get(`/children/${childId}/shield`);
    expect(manage.html).toContain('Lift the shield');
    expect(manage.html).toContain('1 May 2099');
  });

  it('passes a practitioner’s contact request to the shielding team, who close it with an outcome (R3)', async () => {
    await practitioner.get(`/children/${childId}`);
    await practitioner.post(`/children/${childId}/reason`, { reason: 'SAFEGUARDING' });
    const view = await practitioner.get(`/children/${childId}`);
    expect(view.html).toContain('This record is shielded');
    expect(view.html).not.toContain('Oakwood');
    const asked = await practitioner.post(`/children/${childId}/contact-requests`, {
      about: 'shielded-child',
      callBackPhone: '0113 496 0999',
      message: 'Ward 12, please call',
    });
    expect(asked.html).toContain('passed to the ContactPoint team');

    const queue = await dm.get('/contact-requests');
    expect(queue.status).toBe(200);
    expectWellFormed(queue);
    expect(queue.html).toContain('Leeds Teaching Hospitals NHS Trust');
    const closePath = new RegExp(`href="(/children/${childId}/contact-requests/[^"]+/close)"`).exec(
      queue.html,
    )?.[1] as string;
    expect(closePath).toBeDefined();

    const form = await dm.get(closePath);
    expect(form.status).toBe(200);
    expectWellFormed(form);
    expect(form.html).toContain('0113 496 0999');
    const noOutcome = await dm.post(closePath, { etag: hidden(form, 'etag') });
    expect(noOutcome.status).toBe(400);
    expect(errorLinks(noOutcome)).toEqual(['outcome']);
    const closed = await dm.post(closePath, {
      etag: hidden(noOutcome, 'etag'),
      outcome: 'called-back',
      note: 'Put the ward in touch with the social worker',
    });
    expect(closed.status).toBe(200);
    expect(closed.html).toContain('The contact request has been closed');
    expect(closed.html).not.toContain(closePath);
    const closedList = await dm.get('/contact-requests?status=closed');
    expect(closedList.html).toContain('We called back and arranged contact');
  });

  it('refuses a practitioner the team’s pages and forms with the 403 page, and a form without its CSRF token', async () => {
    await practitioner.get('/');
    const shield = await practitioner.post(`/children/${childId}/shield`, {
      reason: 'serious-crime',
      'reviewDate-day': '1',
      'reviewDate-month': '1',
      'reviewDate-year': '2099',
    });
    expect(shield.status).toBe(403);
    expect(shield.html).toContain('You cannot do this');
    const correct = await practitioner.post(`/children/${childId}/edit`, { ...CHILD, etag: '"1"' });
    expect(correct.status).toBe(403);
    expect((await practitioner.get('/reviews')).status).toBe(403);
    expect((await practitioner.get('/children/new')).status).toBe(403);

    const forged = await dm.request('POST', `/children/${childId}/unshield`, {
      liftReasonText: 'Review found the risk has passed',
    });
    expect(forged.status).toBe(403);
    expect(forged.html).toContain('This form has expired');
    expect((await dm.get(`/children/${childId}/shield`)).html).toContain('Lift the shield');
  });

  it('lifts the shield with a reason; one council both shielding and maintaining lifts it at once (R3)', async () => {
    await dm.get(`/children/${childId}/shield`);
    const short = await dm.post(`/children/${childId}/unshield`, { liftReasonText: 'ok' });
    expect(short.status).toBe(400);
    expect(errorLinks(short)).toEqual(['liftReasonText']);
    const lifted = await dm.post(
      `/children/${childId}/unshield`,
      { liftReasonText: 'Review found the risk has passed' },
      false,
    );
    expect(lifted.status).toBe(303);
    expect(lifted.location).toBe(`/children/${childId}?done=unshielded`);
    const page = await dm.get(lifted.location as string);
    expect(page.html).toContain('The shield has been lifted');
    expect(page.html).toContain('9 Oakwood Grove');
  });

  it('resolves a pair the linker was unsure of, loaded through a national feed, from the review queue (R8)', async () => {
    const example = stack.exampleChild;
    if (!example) throw new Error('the local stack has no example child');
    // A Child Benefit claim for a child like the example child, but not surely them (as feeds.test.ts finds one).
    const { variant, summary } = await loadUncertainClaim(stack, example.childId, 'CB900077');
    expect(summary, JSON.stringify(variant)).toMatchObject({ queuedForReview: 1 });

    const queue = await dm.get('/reviews');
    expect(queue.status).toBe(200);
    expectWellFormed(queue);
    let item: Page | undefined;
    let reviewId: string | undefined;
    for (const [, id] of queue.html.matchAll(/href="\/reviews\/(RV-[A-Za-z0-9_-]{22})"/g)) {
      const page = await dm.get(`/reviews/${id}`);
      if (page.html.includes(example.childId)) {
        item = page;
        reviewId = id;
        break;
      }
    }
    if (!item || !reviewId) throw new Error('the pair is not in the Leeds queue');
    expect(item.status).toBe(200);
    expectWellFormed(item);
    expect(item.html).toContain('Is this the same child?');
    expect(item.html).toContain('Child Benefit row');
    expect(item.html).toContain(example.familyName);
    expect(item.html).toMatch(/What the matching engine found[\s\S]*<li>/);

    const undecided = await dm.post(`/reviews/${reviewId}/decision`, {});
    expect(undecided.status).toBe(400);
    expect(errorLinks(undecided)).toEqual(['outcome']);
    const decided = await dm.post(`/reviews/${reviewId}/decision`, { outcome: 'different-children' });
    expect(decided.status).toBe(200);
    expect(decided.html).toContain('A new record has been made from the feed row');
    expect(decided.html).not.toContain(`/reviews/${reviewId}"`);
    const again = await dm.post(`/reviews/${reviewId}/decision`, { outcome: 'same-child' });
    expect(again.status).toBe(400);
    expect(again.html).toContain('This cannot be done');
  }, 120_000);

  it('prepares the subject access report as a GOV.UK page the console’s CSP allows', async () => {
    const report = await dm.get(`/children/${childId}/subject-access-report`);
    expect(report.status).toBe(200);
    expectWellFormed(report);
    expect(report.html).toContain('Subject access report');
    expect(report.html).toContain('9 Oakwood Grove');
    expect(report.html).toContain('Parent or carer 1, name');
    expect(report.html).toContain('ORG-LEEDS-TH');
    expect(report.html).toContain('Who has accessed the record');
    expect((await practitioner.get(`/children/${childId}/subject-access-report`)).status).toBe(403);
  });

  it('records the maintaining team’s agreement to lift another council’s shield, and says the shield stays until both agree (R3)', async () => {
    const bradford = await clientFor(stack, 'data-manager@bradford.example.gov.uk');
    const shielded = await bradford.call('PUT', `/children/${childId}/shield`, {
      body: { reason: 'adult-at-risk', reviewDate: '2099-01-01' },
    });
    expect(shielded.status, shielded.text).toBe(200);

    const page = await dm.get(`/children/${childId}/shield`);
    expect(page.html).toContain('City of Bradford Metropolitan District Council');
    const agreed = await dm.post(
      `/children/${childId}/unshield`,
      { liftReasonText: 'The family has returned to Leeds' },
      false,
    );
    expect(agreed.status).toBe(303);
    expect(agreed.location).toBe(`/children/${childId}?done=unshield-agreed`);
    const record = await dm.get(agreed.location as string);
    expect(record.html).toContain('stays shielded until the other council’s ContactPoint team agrees');
    const after = await dm.get(`/children/${childId}/shield`);
    expectWellFormed(after);
    expect(after.html).toContain('One team has already agreed to lift the shield');
  });

  it('leaves the audit trail sealed and intact, with no failure reported', async () => {
    await expectTrailSealedAndIntact(stack);
  }, 120_000);
});
