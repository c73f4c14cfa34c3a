import { describe, expect, it } from 'vitest';
import type { ChildRecord } from '#domain/child/record.ts';
import { ConflictError, ForbiddenError, NotFoundError } from '#domain/errors.ts';
import type { SourceRow } from '#domain/feeds/best-view.ts';
import type { FeedRecord } from '#domain/feeds/feed.ts';
import type { ReviewItem } from '#domain/feeds/review.ts';
import { linkFeedRecord } from '#domain/use-cases/link-feed-records.ts';
import {
  decideReview,
  listChildSources,
  listReviews,
  type ReviewDependencies,
  splitSource,
} from '#domain/use-cases/reviews.ts';
import {
  aChild,
  bradfordDataManager,
  leedsDataManager,
  practitioner,
  shieldBy,
} from '../../support/builders.ts';
import { fixedEnvironment, MemoryAudit, MemoryChildren } from '../../support/memory-children.ts';
import {
  leedsForEveryPostcode,
  MemoryFeedLinkage,
  MemoryReviewQueue,
  sourceRefOf,
} from '../../support/memory-feeds.ts';
import { reviewedModel } from '../../support/model.ts';

const facts = { requestId: 'req-1', sourceIp: '192.0.2.10' };
const LEEDS = 'E08000035';
const BRADFORD = 'E08000032';

/** A births row that describes Amelia Walker (aChild) exactly: the engine alone would join them. */
const ameliaBirth: FeedRecord = {
  feed: 'births',
  sourceId: 'REG-2016-004417',
  extractDate: '2026-10-01',
  line: 2,
  fields: {
    givenName: 'Amelia',
    familyName: 'Walker',
    gender: 'female',
    dateOfBirth: '2016-04-09',
    address: { line1: '14 Harehills Lane', town: 'Leeds', postcode: 'LS8 3QE' },
  },
};

function world(records: ChildRecord[] = [aChild()]) {
  const audit = new MemoryAudit();
  const children = new MemoryChildren(records, audit);
  const feeds = new MemoryFeedLinkage(
    children,
    records.map((r) => r.childId),
  );
  const reviews = new MemoryReviewQueue(audit);
  const deps: ReviewDependencies = {
    children,
    env: fixedEnvironment(),
    feeds,
    reviews,
    matching: reviewedModel,
    authorities: leedsForEveryPostcode,
    audit,
  };
  return { deps, audit, children, feeds, reviews };
}

async function raise(
  reviews: MemoryReviewQueue,
  overrides: Partial<ReviewItem> = {},
  row: FeedRecord = ameliaBirth,
): Promise<string> {
  const item: ReviewItem = {
    reviewId: `${row.feed}.${row.sourceId}.CP7M3K9P2XN`,
    queue: LEEDS,
    status: 'open',
    candidateChildId: 'CP7M3K9P2XN',
    candidateShielded: false,
    row,
    probability: 0.6123,
    why: ['family name: the same', 'date of birth: the same'],
    raisedAt: '2026-11-22T09:00:00.000Z',
    ...overrides,
  };
  expect(await reviews.queue(item)).toBe(true);
  return MemoryReviewQueue.idOf(item);
}

describe('the review queue (R8)', () => {
  it('shows the team the feed row beside the candidate’s record with the engine’s words, audited with the child shown', async () => {
    const { deps, audit, reviews } = world();
    const reviewId = await raise(reviews);

    const page = await listReviews(deps, leedsDataManager, {}, facts);

    expect(page.reviews).toEqual([
      expect.objectContaining({
        reviewId,
        probability: 0.612,
        why: ['family name: the same', 'date of birth: the same'],
        row: expect.objectContaining({ feed: 'births', givenName: 'Amelia', dateOfBirth: '2016-04-09' }),
        candidate: expect.objectContaining({
          childId: 'CP7M3K9P2XN',
          nhsNumber: '9434765919',
          localAuthorityName: 'Leeds City Council',
          shielded: false,
        }),
      }),
    ]);
    expect(reviewId).toMatch(/^RV-[A-Za-z0-9_-]{22}$/);
    expect(JSON.stringify(page)).not.toContain(ameliaBirth.sourceId);
    expect(audit.events).toEqual([
      expect.objectContaining({
        action: 'list-reviews',
        outcome: 'success',
        childIds: ['CP7M3K9P2XN'],
        disclosure: { CP7M3K9P2XN: 'full' },
      }),
    ]);
  });

  it('raises a pair once however often the same file is loaded', async () => {
    const { reviews } = world();
    await raise(reviews);
    expect(
      await reviews.queue({
        reviewId: 'births.REG-2016-004417.CP7M3K9P2XN',
        queue: LEEDS,
        status: 'open',
        candidateChildId: 'CP7M3K9P2XN',
        candidateShielded: false,
        row: ameliaBirth,
        probability: 0.6,
        why: [],
        raisedAt: '2026-11-23T09:00:00.000Z',
      }),
    ).toBe(false);
  });

  it('refuses another council’s team: its queue does not hold the pair and deciding it is 404, audited', async () => {
    const { deps, audit, reviews } = world();
    const reviewId = await raise(reviews);

    expect((await listReviews(deps, bradfordDataManager, {}, facts)).reviews).toEqual([]);
    await expect(
      decideReview(deps, bradfordDataManager, reviewId, { outcome: 'same-child' }, facts),
    ).rejects.toBeInstanceOf(NotFoundError);

    expect(audit.events.at(-1)).toEqual(
      expect.objectContaining({ action: 'decide-review', outcome: 'not-found', childIds: [] }),
    );
    expect((await reviews.get(LEEDS, reviewId))?.status).toBe('open');
  });

  it('refuses anyone but a council’s ContactPoint team a queue at all', async () => {
    const { deps, audit } = world();
    await expect(listReviews(deps, practitioner, {}, facts)).rejects.toBeInstanceOf(ForbiddenError);
    expect(audit.events).toEqual([expect.objectContaining({ action: 'list-reviews', outcome: 'denied' })]);
  });

  it('shows a shielded candidate’s pair only to the shielding team, in full (R3)', async () => {
    const shielded = aChild({ shield: shieldBy(BRADFORD, 'City of Bradford Metropolitan District Council') });
    const { deps, reviews } = world([shielded]);
    const reviewId = await raise(reviews, { queue: BRADFORD, candidateShielded: true });

    const bradford = await listReviews(deps, bradfordDataManager, {}, facts);
    const leeds = await listReviews(deps, leedsDataManager, {}, facts);

    expect(bradford.reviews).toEqual([
      expect.objectContaining({
        reviewId,
        candidate: expect.objectContaining({
          shielded: true,
          address: shielded.address,
          nhsNumber: '9434765919',
        }),
      }),
    ]);
    expect(leeds.reviews).toEqual([]);
  });

  it('stops showing the maintaining team a pair whose child has been shielded by another council since', async () => {
    const { deps, children, reviews } = world();
    const reviewId = await raise(reviews);
    const record = aChild();
    await children.replace(record, { ...record, shield: shieldBy(BRADFORD), version: 2 });

    expect((await listReviews(deps, leedsDataManager, {}, facts)).reviews).toEqual([]);
    await expect(
      decideReview(deps, leedsDataManager, reviewId, { outcome: 'same-child' }, facts),
    ).rejects.toBeInstanceOf(NotFoundError);
  });

  it('joins the row to the candidate on “same child”, remembers the decision, and refuses to decide it again', async () => {
    const { deps, audit, feeds, reviews } = world();
    const reviewId = await raise(reviews);

    const result = await decideReview(deps, leedsDataManager, reviewId, { outcome: 'same-child' }, facts);

    expect(result).toEqual(
      expect.objectContaining({
        status: 'decided',
        outcome: 'same-child',
        rowWent: 'candidate',
        childId: 'CP7M3K9P2XN',
      }),
    );
    expect((await feeds.sourcesOf('CP7M3K9P2XN')).map((s) => s.sourceId)).toEqual([ameliaBirth.sourceId]);
    expect((await deps.children.get('CP7M3K9P2XN'))?.provenance?.dateOfBirth).toEqual({
      source: 'council',
      extractDate: '2026-01-01',
    });
    expect(await reviews.get(LEEDS, reviewId)).toEqual(
      expect.objectContaining({
        status: 'decided',
        decision: expect.objectContaining({
          outcome: 'same-child',
          decidedBy: 'user-dm',
          rowWent: 'candidate',
        }),
      }),
    );
    expect(audit.events.filter((e) => e.action === 'decide-review')).toEqual([
      expect.objectContaining({ outcome: 'success', childIds: ['CP7M3K9P2XN'], actorId: 'user-dm' }),
    ]);
    // R6: the record's change is the data manager's, in their request, not the feed's.
    expect(audit.events.filter((e) => e.action === 'update-child')).toEqual([
      expect.objectContaining({
        childIds: ['CP7M3K9P2XN'],
        actorId: 'user-dm',
        organisationId: leedsDataManager.organisationId,
        requestId: facts.requestId,
        sourceIp: facts.sourceIp,
      }),
    ]);
    // The next load of the same row changes nothing.
    expect(await linkFeedRecord(deps, ameliaBirth)).toBe('unchanged');

    await expect(
      decideReview(deps, leedsDataManager, reviewId, { outcome: 'different-children' }, facts),
    ).rejects.toBeInstanceOf(ConflictError);
    expect(audit.events.at(-1)).toEqual(
      expect.objectContaining({ action: 'decide-review', outcome: 'conflict' }),
    );
  });

  it('would join this row to the candidate without a decision (so the next test shows the decision winning)', async () => {
    const { deps, feeds } = world();
    expect(await linkFeedRecord(deps, ameliaBirth)).toBe('linked');
    expect((await feeds.sourceState('births', ameliaBirth.sourceId, '')).link?.childId).toBe('CP7M3K9P2XN');
  });

  it('refuses “different children” (409) when a later load has linked the row to the candidate: that is a split', async () => {
    const { deps, feeds, reviews } = world();
    const reviewId = await raise(reviews);
    expect(await linkFeedRecord(deps, ameliaBirth)).toBe('linked');

    await expect(
      decideReview(deps, leedsDataManager, reviewId, { outcome: 'different-children' }, facts),
    ).rejects.toBeInstanceOf(ConflictError);
    expect((await feeds.sourceState('births', ameliaBirth.sourceId, '')).notChildren).toEqual([]);
    expect((await reviews.get(LEEDS, reviewId))?.status).toBe('open');
  });

  it('remembers “different children”: the row goes elsewhere, and no later load brings it back to the candidate', async () => {
    const { deps, feeds, reviews } = world();
    const reviewId = await raise(reviews);

    const result = await decideReview(
      deps,
      leedsDataManager,
      reviewId,
      { outcome: 'different-children' },
      facts,
    );

    expect(result).toEqual(expect.objectContaining({ outcome: 'different-children', rowWent: 'new-child' }));
    expect(result.childId).toBeDefined();
    expect(result.childId).not.toBe('CP7M3K9P2XN');
    expect(await feeds.sourcesOf('CP7M3K9P2XN')).toEqual([]);
    expect((await feeds.sourceState('births', ameliaBirth.sourceId, '')).notChildren).toEqual([
      'CP7M3K9P2XN',
    ]);

    expect(await linkFeedRecord(deps, ameliaBirth)).toBe('unchanged');
    const corrected = { ...ameliaBirth, extractDate: '2027-01-01' };
    expect(await linkFeedRecord(deps, corrected)).toBe('updated');
    expect((await feeds.sourceState('births', ameliaBirth.sourceId, '')).link?.childId).toBe(result.childId);
    expect(await feeds.sourcesOf('CP7M3K9P2XN')).toEqual([]);
  });
});

describe('splitting a wrong merge (R8)', () => {
  const nhsRow: SourceRow = {
    feed: 'nhs-demographics',
    sourceId: '9434765919',
    extractDate: '2026-09-01',
    fields: {
      givenName: 'Amelia',
      familyName: 'Walker',
      gender: 'female',
      dateOfBirth: '2016-04-09',
      nhsNumber: '9434765919',
      address: { line1: '14 Harehills Lane', town: 'Leeds', postcode: 'LS8 3QE' },
    },
  };
  /** Oliver, Amelia's twin, whose birth registration was wrongly joined to her. */
  const oliverBirth: SourceRow = {
    feed: 'births',
    sourceId: 'REG-2016-004418',
    extractDate: '2026-10-01',
    fields: {
      givenName: 'Oliver',
      familyName: 'Walker',
      gender: 'male',
      dateOfBirth: '2016-04-09',
      address: { line1: '3 Roundhay Road', town: 'Leeds', postcode: 'LS7 1AB' },
    },
  };
  const merged = aChild({
    otherNames: [{ givenName: 'Oliver', familyName: 'Walker' }],
    previousAddresses: [{ line1: '3 Roundhay Road', town: 'Leeds', postcode: 'LS7 1AB' }],
  });

  function mergedWorld(record = merged) {
    const w = world([record]);
    w.feeds.hold(record.childId, nhsRow);
    w.feeds.hold(record.childId, oliverBirth);
    return w;
  }

  it('lists a child’s held rows with opaque references for its team only, audited', async () => {
    const { deps, audit } = mergedWorld();

    const sources = await listChildSources(deps, leedsDataManager, 'CP7M3K9P2XN', facts);

    expect(sources.map((s) => s.sourceRef)).toEqual([
      sourceRefOf('nhs-demographics', nhsRow.sourceId),
      sourceRefOf('births', oliverBirth.sourceId),
    ]);
    expect(JSON.stringify(sources.map((s) => s.sourceRef))).not.toContain(oliverBirth.sourceId);
    expect(audit.events).toEqual([
      expect.objectContaining({
        action: 'list-child-sources',
        outcome: 'success',
        childIds: ['CP7M3K9P2XN'],
      }),
    ]);
    await expect(listChildSources(deps, bradfordDataManager, 'CP7M3K9P2XN', facts)).rejects.toBeInstanceOf(
      ForbiddenError,
    );
  });

  it('takes the row off the child, forgets what only it said, links it afresh to a new child, and remembers', async () => {
    const { deps, audit, feeds } = mergedWorld();

    const result = await splitSource(
      deps,
      leedsDataManager,
      'CP7M3K9P2XN',
      sourceRefOf('births', oliverBirth.sourceId),
      facts,
    );

    expect(result).toEqual(
      expect.objectContaining({ childId: 'CP7M3K9P2XN', etag: '"2"', rowWent: 'new-child' }),
    );
    const oliver = result.rowChildId ? await deps.children.get(result.rowChildId) : undefined;
    expect(oliver).toEqual(expect.objectContaining({ givenName: 'Oliver', gender: 'male' }));
    const amelia = await deps.children.get('CP7M3K9P2XN');
    expect(amelia).toEqual(expect.objectContaining({ givenName: 'Amelia', version: 2 }));
    expect(amelia?.otherNames).toBeUndefined();
    expect(amelia?.previousAddresses).toBeUndefined();
    expect((await feeds.sourcesOf('CP7M3K9P2XN')).map((s) => s.feed)).toEqual(['nhs-demographics']);
    expect((await feeds.sourceState('births', oliverBirth.sourceId, '')).notChildren).toEqual([
      'CP7M3K9P2XN',
    ]);
    expect(audit.events).toContainEqual(
      expect.objectContaining({ action: 'split-child-source', outcome: 'success', actorId: 'user-dm' }),
    );
    // R6: the child the split row made is the data manager's doing, in their request.
    expect(audit.events).toContainEqual(
      expect.objectContaining({
        action: 'create-child',
        childIds: [result.rowChildId],
        actorId: 'user-dm',
        requestId: facts.requestId,
      }),
    );
    // Loaded again, the row stays with the child it was split to.
    const again = { ...oliverBirth, line: 7, extractDate: '2027-01-01' };
    expect(await linkFeedRecord(deps, again)).toBe('updated');
    expect((await feeds.sourceState('births', oliverBirth.sourceId, '')).link?.childId).toBe(
      result.rowChildId,
    );
  });

  it('re-chooses every field a feed gave from the rows that remain', async () => {
    const fromNhs = { source: 'nhs-demographics', extractDate: '2026-09-01' } as const;
    const record = aChild({ provenance: { gpPractice: fromNhs, nhsNumber: fromNhs } });
    const withGp = {
      ...record,
      gpPractice: { practiceName: 'Harehills Medical Practice', contact: { phone: '0113 496 0202' } },
    };
    const { deps } = world([withGp]);
    const { feeds } = { feeds: deps.feeds as MemoryFeedLinkage };
    feeds.hold(withGp.childId, { ...nhsRow, fields: { ...nhsRow.fields, gpPractice: withGp.gpPractice } });
    feeds.hold(withGp.childId, oliverBirth);

    await splitSource(
      deps,
      leedsDataManager,
      withGp.childId,
      sourceRefOf('nhs-demographics', nhsRow.sourceId),
      facts,
    );

    const after = await deps.children.get(withGp.childId);
    expect(after?.gpPractice).toBeUndefined();
    expect(after?.nhsNumber).toBeUndefined();
    expect(after?.upn).toBe(record.upn);
  });

  it('refuses to split off a row whose NHS number the team entered on the record (409): correct the record first', async () => {
    const { deps, feeds } = mergedWorld();
    await expect(
      splitSource(
        deps,
        leedsDataManager,
        'CP7M3K9P2XN',
        sourceRefOf('nhs-demographics', nhsRow.sourceId),
        facts,
      ),
    ).rejects.toBeInstanceOf(ConflictError);
    expect(await feeds.sourcesOf('CP7M3K9P2XN')).toHaveLength(2);
    expect((await deps.children.get('CP7M3K9P2XN'))?.version).toBe(1);
  });

  it('refuses to split off a child’s only source (409), audited', async () => {
    const { deps, audit, feeds } = world();
    feeds.hold('CP7M3K9P2XN', nhsRow);
    await expect(
      splitSource(
        deps,
        leedsDataManager,
        'CP7M3K9P2XN',
        sourceRefOf('nhs-demographics', nhsRow.sourceId),
        facts,
      ),
    ).rejects.toBeInstanceOf(ConflictError);
    expect(audit.events.at(-1)).toEqual(
      expect.objectContaining({ action: 'split-child-source', outcome: 'conflict' }),
    );
    expect(await feeds.sourcesOf('CP7M3K9P2XN')).toHaveLength(1);
  });

  it('refuses another council’s team (403) and a reference the child does not hold (404)', async () => {
    const { deps } = mergedWorld();
    const ref = sourceRefOf('births', oliverBirth.sourceId);
    await expect(splitSource(deps, bradfordDataManager, 'CP7M3K9P2XN', ref, facts)).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    await expect(
      splitSource(deps, leedsDataManager, 'CP7M3K9P2XN', sourceRefOf('births', 'REG-0'), facts),
    ).rejects.toBeInstanceOf(NotFoundError);
  });

  it('leaves a shielded child’s sources to the shielding team alone (R3)', async () => {
    const { deps } = mergedWorld({ ...merged, shield: shieldBy(BRADFORD) });
    const ref = sourceRefOf('births', oliverBirth.sourceId);
    await expect(splitSource(deps, leedsDataManager, 'CP7M3K9P2XN', ref, facts)).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    expect(await splitSource(deps, bradfordDataManager, 'CP7M3K9P2XN', ref, facts)).toEqual(
      expect.objectContaining({ rowWent: 'new-child' }),
    );
  });
});
