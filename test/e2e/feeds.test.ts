import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FEED_NAMES, type FeedName } from '#domain/feeds/feed.ts';
import type { FeedLinkageDependencies, LinkSummary } from '#domain/use-cases/link-feed-records.ts';
import { loadFeedFile } from '#infra/local/feed-load.ts';
import { localFeedLinkage } from '#infra/local/local-feed-linkage.ts';
import type { LocalStack } from '#infra/local/stack.ts';
import { writeFeedFile } from '#infra/local/synthetic-feed-files.ts';
import type { FeedRow } from '#infra/local/synthetic-feed-rows.ts';
import { laterExtract } from '#infra/local/synthetic-later-extract.ts';
import { type PopulationTruth, syntheticPopulation } from '#infra/local/synthetic-population.ts';
import {
  type Client,
  clientFor,
  expectTrailSealedAndIntact,
  startTestStack,
} from '../support/local-stack.ts';
import { childBenefitClaim, uncertainVariantOf } from '../support/uncertain-pair.ts';

/**
 * R8 end to end: a synthetic population of 2,000 children arrives as the four national feeds and is linked
 * into one record per child; the data managers work the review queue over HTTP.
 */
const CHILDREN = 2000;
const LEEDS = 'E08000035';
let stack: LocalStack;
let deps: FeedLinkageDependencies;
let leeds: Client;
let bradford: Client;
let dir: string;
let truth: PopulationTruth;
const files = {} as Record<FeedName, string>;
const rowsOf = {} as Record<FeedName, FeedRow[]>;
const reason = 'reason=SAFEGUARDING';

async function load(feed: FeedName, file = files[feed]) {
  return loadFeedFile(deps, feed, file, { stateDir: stack.stateDir });
}

async function childOf(feed: FeedName, sourceId: string): Promise<string | undefined> {
  return (await deps.feeds.sourceState(feed, sourceId, '')).link?.childId;
}

/** Which child each person's rows went to, and which persons each child holds. */
async function placement() {
  const childrenOfPerson = new Map<string, Set<string>>();
  const personsOfChild = new Map<string, Set<string>>();
  for (const row of truth.rows) {
    const childId = await childOf(row.feed, row.sourceId);
    if (!childId) continue;
    childrenOfPerson.set(row.person, (childrenOfPerson.get(row.person) ?? new Set()).add(childId));
    personsOfChild.set(childId, (personsOfChild.get(childId) ?? new Set()).add(row.person));
  }
  return { childrenOfPerson, personsOfChild };
}

const nothingChanged = (s: LinkSummary) => s.created + s.linked + s.updated;

beforeAll(async () => {
  // The sealer alone: a stream on the children table makes DynamoDB Local journal every write of the load.
  stack = await startTestStack(0, { streamConsumers: ['seal-audit-events'] });
  deps = localFeedLinkage({
    stateDir: stack.stateDir,
    dynamoEndpoint: stack.dynamo.endpoint,
    tables: stack.tables,
  });
  leeds = await clientFor(stack, 'data-manager@leeds.example.gov.uk');
  bradford = await clientFor(stack, 'data-manager@bradford.example.gov.uk');
  dir = join(stack.stateDir, 'feeds');
  mkdirSync(dir, { recursive: true });
  const population = syntheticPopulation(CHILDREN, { seed: 12 });
  truth = population.truth;
  for (const feed of FEED_NAMES) {
    files[feed] = join(dir, `${feed}.csv`);
    rowsOf[feed] = population.rows[feed];
    await writeFeedFile(files[feed], feed, population.rows[feed]);
  }
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

/** A council's whole review queue, page by page as a data manager reads it (oldest first). */
async function wholeQueue(client: Client): Promise<{ reviewId: string; candidate: { childId: string } }[]> {
  const items: { reviewId: string; candidate: { childId: string } }[] = [];
  let cursor: string | undefined;
  do {
    const query = new URLSearchParams({ limit: '50', ...(cursor && { cursor }) });
    const page = await client.call('GET', `/reviews?${query}`);
    expect(page.status, page.text).toBe(200);
    items.push(...page.json().reviews);
    cursor = page.json().next;
  } while (cursor);
  return items;
}

describe('four national feeds into one record per child (R8)', () => {
  let shieldedPerson: string;
  let shieldedChild: string;

  it('loads 2,000 children through all four feeds, rejecting no valid row, never merging twins, and never making an unshielded copy of a shielded child (R3)', async () => {
    const births = await load('births');
    expect(births.rejected).toEqual([]);
    // A child shielded between loads: every later row about them must reach that record or its shielding team.
    const nhsPersons = new Set(truth.rows.filter((r) => r.feed === 'nhs-demographics').map((r) => r.person));
    const birthRow = truth.rows.find(
      (r) =>
        r.feed === 'births' &&
        nhsPersons.has(r.person) &&
        truth.rows.filter((x) => x.person === r.person).length === 4,
    );
    if (!birthRow) throw new Error('the population has no child in all four feeds');
    shieldedPerson = birthRow.person;
    shieldedChild = (await childOf('births', birthRow.sourceId)) as string;
    const shielded = await bradford.call('PUT', `/children/${shieldedChild}/shield`, {
      body: { reason: 'adult-at-risk', reviewDate: '2099-01-01' },
    });
    expect(shielded.status).toBe(200);

    for (const feed of ['school-census', 'child-benefit', 'nhs-demographics'] as const) {
      expect((await load(feed)).rejected).toEqual([]);
    }
    const { childrenOfPerson, personsOfChild } = await placement();
    const twins = truth.persons.filter((p) => p.twinOf);
    expect(twins.length).toBeGreaterThan(0);
    for (const twin of twins) {
      const together = [...(childrenOfPerson.get(twin.person) ?? [])].filter((c) =>
        personsOfChild.get(c)?.has(twin.twinOf as string),
      );
      expect(together, `twins ${twin.person} and ${twin.twinOf} merged`).toEqual([]);
    }
    expect([...(childrenOfPerson.get(shieldedPerson) ?? [])]).toEqual([shieldedChild]);
    const record = await deps.children.get(shieldedChild);
    expect(record?.shield?.authority).toBe('E08000032');
    // Nearly every person is one child; the few left apart await review rather than being guessed.
    const split = [...childrenOfPerson.values()].filter((c) => c.size > 1).length;
    expect(split / childrenOfPerson.size).toBeLessThan(0.01);
  }, 600_000);

  it('changes nothing when the same four files are loaded again', async () => {
    for (const feed of FEED_NAMES) {
      const again = await load(feed);
      expect(nothingChanged(again.summary), `${feed} changed on reload`).toBe(0);
      expect(again.summary.unchanged + again.summary.queuedForReview).toBe(again.summary.rows);
    }
  }, 300_000);

  it('takes a changed address from a later extract into the best view, with its source and extract date', async () => {
    const later = laterExtract('nhs-demographics', rowsOf['nhs-demographics'], {
      extractDate: '2027-01-15',
      movedShare: 0.05,
      seed: 5,
    });
    expect(later.moved.length).toBeGreaterThan(0);
    const file = join(dir, 'nhs-demographics-2027-01-15.csv');
    await writeFeedFile(file, 'nhs-demographics', later.rows);
    const report = await load('nhs-demographics', file);
    expect(report.summary.updated).toBeGreaterThanOrEqual(later.moved.length);
    const movedNhsNumber = later.moved.find((id) => id !== undefined) as string;
    const childId = (await childOf('nhs-demographics', movedNhsNumber)) as string;
    const row = later.rows.find((r) => r.nhs_number === movedNhsNumber) as FeedRow;
    const shieldedNow = childId === shieldedChild;
    const client = shieldedNow ? bradford : leeds;
    const record = await deps.children.get(childId);
    const team = record?.localAuthority === LEEDS ? leeds : bradford;
    const view = await (shieldedNow ? client : team).call('GET', `/children/${childId}?${reason}`);
    expect(view.status, view.text).toBe(200);
    expect(view.json().address.postcode.replace(/\s/g, '')).toBe(
      String(row.postcode).replace(/\s/g, '').toUpperCase(),
    );
    const report2 = await team.call('GET', `/children/${childId}/subject-access-report`);
    expect(report2.status, report2.text).toBe(200);
    const postcode = report2.json().held.find((h: { field: string }) => h.field === 'address.postcode');
    expect(postcode.source).toContain('NHS demographics');
    expect(postcode.source).toContain('2027-01-15');
  }, 300_000);

  it('puts an uncertain pair in the maintaining council’s queue only, and a "different children" decision survives the next load', async () => {
    // A benefit claim much like a child the directory knows, with no identifier to settle it: perhaps the same
    // child, perhaps a sibling — for the maintaining council's team to decide.
    const person = truth.persons.find(
      (p) =>
        !p.twinOf &&
        p.person !== shieldedPerson &&
        truth.rows.some((r) => r.person === p.person && r.feed === 'births'),
    );
    if (!person) throw new Error('no person to pair');
    const birth = truth.rows.find((r) => r.person === person.person && r.feed === 'births');
    const candidate = (await childOf('births', birth?.sourceId as string)) as string;
    const record = await deps.children.get(candidate);
    if (!record) throw new Error('candidate not loaded');
    const uncertain = uncertainVariantOf(record, deps.matching);
    if (!uncertain) throw new Error('no uncertain variant of the candidate');
    const claim = childBenefitClaim('CB900001', record.familyName, uncertain);
    const file = join(dir, 'child-benefit-uncertain.csv');
    await writeFeedFile(file, 'child-benefit', [claim]);
    const first = await load('child-benefit', file);
    expect(first.summary, JSON.stringify(uncertain)).toMatchObject({ queuedForReview: 1 });

    const own = record.localAuthority === LEEDS ? leeds : bradford;
    const other = own === leeds ? bradford : leeds;
    const queue = await wholeQueue(own);
    const item = queue.find((r) => r.candidate?.childId === candidate);
    expect(item).toBeDefined();
    const elsewhere = await wholeQueue(other);
    expect(elsewhere.some((r) => r.candidate?.childId === candidate)).toBe(false);

    const decided = await own.call('POST', `/reviews/${item?.reviewId}/decision`, {
      body: { outcome: 'different-children' },
    });
    expect(decided.status).toBe(200);
    expect(decided.json().rowWent).toBe('new-child');
    const madeFor = await childOf('child-benefit', 'CB900001/1');
    expect(madeFor).toBeDefined();
    expect(madeFor).not.toBe(candidate);

    const again = await load('child-benefit', file);
    expect(again.summary).toMatchObject({ unchanged: 1, created: 0, linked: 0, queuedForReview: 0 });
    expect(await childOf('child-benefit', 'CB900001/1')).toBe(madeFor);
    const after = await wholeQueue(own);
    expect(after.some((r) => r.reviewId === item?.reviewId)).toBe(false);
  }, 300_000);

  it('leaves the audit trail sealed and intact, with no failure reported', async () => {
    await expectTrailSealedAndIntact(stack);
  }, 120_000);
});
