import { describe, expect, it } from 'vitest';
import type { ChildRecord } from '#domain/child/record.ts';
import type { FeedRecord } from '#domain/feeds/feed.ts';
import {
  type FeedLinkageDependencies,
  linkFeedRecord,
  linkFeedRecords,
} from '#domain/use-cases/link-feed-records.ts';
import { decideReview } from '#domain/use-cases/reviews.ts';
import { aChild, leedsDataManager, shieldBy } from '../../support/builders.ts';
import { fixedEnvironment, MemoryAudit, MemoryChildren } from '../../support/memory-children.ts';
import { leedsForEveryPostcode, MemoryFeedLinkage, MemoryReviewQueue } from '../../support/memory-feeds.ts';
import { reviewedModel } from '../../support/model.ts';

const BRADFORD = 'E08000032';

function world(records: ChildRecord[]) {
  const audit = new MemoryAudit();
  const children = new MemoryChildren(records, audit);
  const feeds = new MemoryFeedLinkage(
    children,
    records.map((r) => r.childId),
  );
  const reviews = new MemoryReviewQueue(audit);
  const deps: FeedLinkageDependencies = {
    children,
    env: fixedEnvironment(),
    feeds,
    reviews,
    matching: reviewedModel,
    authorities: leedsForEveryPostcode,
  };
  return { deps, feeds, reviews };
}

const oliver = {
  givenName: 'Oliver',
  familyName: 'Smith',
  dateOfBirth: '2016-03-12',
  gender: 'male' as const,
};
const noIdentifiers = { nhsNumber: undefined, upn: undefined, otherNames: undefined };
/** Shielded by Bradford, living at an address no other council may learn. */
const shieldedOliver = (childId: string) =>
  aChild({
    ...oliver,
    ...noIdentifiers,
    childId,
    address: { line1: '1 Mill Road', town: 'Bradford', postcode: 'BD1 1AA' },
    localAuthority: BRADFORD,
    localAuthorityName: 'City of Bradford Metropolitan District Council',
    shield: shieldBy(BRADFORD, 'City of Bradford Metropolitan District Council'),
  });
/** Another Oliver Smith born the same day, in Leeds, with no address held: as likely a match as the shielded one. */
const openOliver = (childId: string) => aChild({ ...oliver, ...noIdentifiers, childId, address: undefined });

const claim: FeedRecord = {
  feed: 'child-benefit',
  sourceId: 'CB123456/1',
  extractDate: '2026-10-01',
  line: 2,
  fields: {
    givenName: 'Oliver',
    familyName: 'Smith',
    dateOfBirth: '2016-03-12',
    address: { line1: '1 Mill Road', town: 'Bradford', postcode: 'BD1 1AA' },
  },
};

describe('linking a row a shielded child may be (R3, R8)', () => {
  // Child IDs decide which of two equally likely children is weighed first: both orders are tried.
  for (const [shieldedId, openId] of [
    ['CP2SHIELDED', 'CP1OPENCHLD'],
    ['CP1SHIELDED', 'CP2OPENCHLD'],
  ] as const) {
    it(`puts the pair before the shielding team, never the open child's council, when both are likely (${shieldedId} and ${openId})`, async () => {
      const { deps, reviews, feeds } = world([shieldedOliver(shieldedId), openOliver(openId)]);

      expect(await linkFeedRecord(deps, claim)).toBe('queued-for-review');

      expect([...reviews.items.values()].map((i) => [i.queue, i.candidateChildId])).toEqual([
        [BRADFORD, shieldedId],
      ]);
      expect(feeds.links.size).toBe(0);
    });
  }
});

describe('an older extract of a row (R8)', () => {
  const amelia = aChild();
  const january: FeedRecord = {
    feed: 'child-benefit',
    sourceId: 'CB765432/1',
    extractDate: '2026-01-01',
    line: 2,
    fields: {
      givenName: amelia.givenName,
      familyName: amelia.familyName,
      dateOfBirth: amelia.dateOfBirth,
      address: { line1: '1 Roundhay Road', town: 'Leeds', postcode: 'LS7 1AA' },
    },
  };
  const october: FeedRecord = {
    ...january,
    extractDate: '2026-10-01',
    fields: { ...january.fields, address: { line1: '2 Chapel Street', town: 'Leeds', postcode: 'LS6 3BW' } },
  };

  it('loaded after a later one leaves the child as the later one left it', async () => {
    const { deps, feeds } = world([amelia]);
    expect(await linkFeedRecord(deps, october)).toBe('linked');

    expect(await linkFeedRecord(deps, january)).toBe('unchanged');

    expect((await deps.children.get(amelia.childId))?.address).toEqual(october.fields.address);
    expect((await feeds.sourcesOf(amelia.childId)).map((s) => s.extractDate)).toEqual(['2026-10-01']);
  });

  it('decided "same child" after a later extract of its row was linked leaves the later one', async () => {
    const { deps, reviews } = world([amelia]);
    const audit = new MemoryAudit();
    await reviews.queue({
      reviewId: 'raised',
      queue: amelia.localAuthority,
      status: 'open',
      candidateChildId: amelia.childId,
      candidateShielded: false,
      row: january,
      probability: 0.5,
      why: [],
      raisedAt: '2026-01-02T00:00:00.000Z',
    });
    expect(await linkFeedRecord(deps, october)).toBe('linked');
    const [item] = [...reviews.items.values()];

    await decideReview(
      { ...deps, audit },
      leedsDataManager,
      item?.reviewId ?? '',
      { outcome: 'same-child' },
      { requestId: 'req-1', sourceIp: '192.0.2.10' },
    );

    expect((await deps.children.get(amelia.childId))?.address).toEqual(october.fields.address);
  });
});

describe('a row whose NHS number is held by a child a team said it is not (R8)', () => {
  const amelia = aChild({ nhsNumber: '9434765919' });
  const pds: FeedRecord = {
    feed: 'nhs-demographics',
    sourceId: '9434765919',
    extractDate: '2026-10-01',
    line: 2,
    fields: { givenName: 'Amelia', familyName: 'Walker', dateOfBirth: '2016-04-09', nhsNumber: '9434765919' },
  };
  const facts = { requestId: 'req-1', sourceIp: '192.0.2.10' };

  it('cannot be decided "different children" while the candidate holds it (409), and nothing is remembered', async () => {
    const { deps, reviews, feeds } = world([amelia]);
    await reviews.queue({
      reviewId: 'raised',
      queue: amelia.localAuthority,
      status: 'open',
      candidateChildId: amelia.childId,
      candidateShielded: false,
      row: pds,
      probability: 0.5,
      why: [],
      raisedAt: '2026-10-02T00:00:00.000Z',
    });
    const [item] = [...reviews.items.values()];

    await expect(
      decideReview(
        { ...deps, audit: new MemoryAudit() },
        leedsDataManager,
        item?.reviewId ?? '',
        { outcome: 'different-children' },
        facts,
      ),
    ).rejects.toThrow(/correct the record first/);
    expect((await feeds.sourceState(pds.feed, pds.sourceId, '')).notChildren).toEqual([]);
  });

  it('waits for the team instead of failing the whole load', async () => {
    const { deps, feeds } = world([amelia]);
    await feeds.rememberNot(pds.feed, pds.sourceId, amelia.childId);
    const other: FeedRecord = {
      ...pds,
      sourceId: '9434765870',
      line: 3,
      fields: { ...pds.fields, givenName: 'Zara', nhsNumber: '9434765870' },
    };

    expect(await linkFeedRecords(deps, [pds, other])).toEqual(
      expect.objectContaining({ rows: 2, queuedForReview: 1, created: 1 }),
    );
  });
});

describe('a row for a young person whose leaving day has passed (R7)', () => {
  const row = (sourceId: string, dateOfBirth: string): FeedRecord => ({
    ...claim,
    sourceId,
    fields: { ...claim.fields, givenName: 'Harriet', familyName: 'Lowe', dateOfBirth },
  });

  it('makes no record from an extract made on the 18th birthday or later, and one from an extract the day before', async () => {
    // The claim's extract is of 1 October 2026.
    const { deps } = world([]);
    expect(await linkFeedRecord(deps, row('CB900001/1', '2008-10-01'))).toBe('unchanged');
    expect(await deps.children.get('CP000000001')).toBeUndefined();
    expect(await linkFeedRecord(deps, row('CB900002/1', '2008-10-02'))).toBe('created');
  });
});
