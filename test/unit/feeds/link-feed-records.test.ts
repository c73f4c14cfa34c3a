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

describe('a row an open child and a shielded child both likely describe (R3)', () => {
  // The open record holds the row's address, the shielded one shows none to weigh: the open one leads by far.
  const openHere = aChild({
    ...oliver,
    ...noIdentifiers,
    childId: 'CP1OPENHERE',
    address: { line1: '1 Mill Road', town: 'Bradford', postcode: 'BD1 1AA' },
  });

  it('puts the row before the shielding team rather than join the open child', async () => {
    const { deps, reviews, feeds } = world([shieldedOliver('CP2SHIELDED'), openHere]);

    expect(await linkFeedRecord(deps, claim)).toBe('queued-for-review');
    expect([...reviews.items.values()].map((i) => [i.queue, i.candidateChildId])).toEqual([
      [BRADFORD, 'CP2SHIELDED'],
    ]);
    expect(feeds.links.size).toBe(0);
  });
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

describe('rows of one new child in the same batch (R8)', () => {
  const firstClaim: FeedRecord = { ...claim, sourceId: 'CB100001/1', line: 2 };
  // The other parent's claim for the same child, with the child's name in another case and a second address.
  const secondClaim: FeedRecord = {
    ...claim,
    sourceId: 'CB200002/1',
    line: 3,
    fields: {
      ...claim.fields,
      givenName: 'OLIVER',
      address: { line1: '9 Mill Road', town: 'Bradford', postcode: 'BD1 1AA' },
    },
  };

  it('makes one record, never two, however many rows are linked at once', async () => {
    const { deps, feeds } = world([]);
    const unrelated = Array.from(
      { length: 6 },
      (_, i): FeedRecord => ({
        ...claim,
        sourceId: `CB30000${i}/1`,
        line: 4 + i,
        fields: {
          ...claim.fields,
          givenName: ['Ava', 'Leo', 'Ivy', 'Max', 'Zoe', 'Kai'][i] as string,
          familyName: ['Okafor', 'Nowak', 'Patel', 'Evans', 'Brown', 'Kaur'][i] as string,
          dateOfBirth: `2015-0${i + 1}-11`,
          address: { line1: `${i + 1} Park Lane`, town: 'Leeds', postcode: `LS${i + 1} 1AA` },
        },
      }),
    );

    const summary = await linkFeedRecords(deps, [firstClaim, ...unrelated, secondClaim], 8);

    expect(summary).toEqual(expect.objectContaining({ rows: 8, created: 7, linked: 1 }));
    const owners = new Set(
      [firstClaim, secondClaim].map((r) => feeds.links.get(`${r.feed}#${r.sourceId}`)?.childId),
    );
    expect(owners.size).toBe(1);
  });
});

describe('a row that shares only a given name and a date of birth with a child (R8)', () => {
  it('is put before a person, not joined: another family name in another town is another child', async () => {
    const { deps } = world([]);
    const larson: FeedRecord = {
      ...claim,
      sourceId: 'CB700001/1',
      fields: {
        givenName: 'Daniel',
        familyName: 'Larson',
        dateOfBirth: '2022-06-30',
        address: { line1: '2 Berge Park', town: 'Leeds', postcode: 'LS13 3SF' },
      },
    };
    const other: FeedRecord = {
      ...claim,
      sourceId: 'CB700002/1',
      fields: {
        givenName: 'Daniel',
        familyName: 'Frami-Schowalter',
        dateOfBirth: '2022-06-30',
        address: { line1: '36 Larch Close', town: 'Leeds', postcode: 'LS13 9UA' },
      },
    };

    expect(await linkFeedRecord(deps, larson)).toBe('created');
    expect(await linkFeedRecord(deps, other)).not.toBe('linked');
  });
});

describe('rows of a household (R8)', () => {
  const ava: FeedRecord = {
    ...claim,
    sourceId: 'CB400001/1',
    fields: { ...claim.fields, givenName: 'Ava', familyName: 'Okafor', dateOfBirth: '2015-01-11' },
  };
  // Born two years later to the day: the engine alone reads 2017 for 2015 as one mistyped digit.
  const leo: FeedRecord = {
    ...claim,
    sourceId: 'CB400001/2',
    line: 3,
    fields: { ...ava.fields, givenName: 'Leo', dateOfBirth: '2017-01-11' },
  };

  it('never joins a brother to his sister whose date of birth is a digit away from his', async () => {
    const { deps, feeds } = world([]);

    expect(await linkFeedRecord(deps, ava)).toBe('created');
    expect(await linkFeedRecord(deps, leo)).toBe('created');
    expect(feeds.links.get(`${ava.feed}#${ava.sourceId}`)?.childId).not.toBe(
      feeds.links.get(`${leo.feed}#${leo.sourceId}`)?.childId,
    );
  });

  it('puts a twin named like the other (Ella, when only Ellie is known) before a person, never joining them', async () => {
    const { deps, reviews } = world([]);
    const ellie: FeedRecord = {
      ...ava,
      sourceId: 'CB500001/1',
      fields: { ...ava.fields, givenName: 'Ellie' },
    };
    const ella: FeedRecord = { ...ava, sourceId: 'CB500001/2', fields: { ...ava.fields, givenName: 'Ella' } };

    expect(await linkFeedRecord(deps, ellie)).toBe('created');
    expect(await linkFeedRecord(deps, ella)).toBe('queued-for-review');
    expect(reviews.items.size).toBe(1);
  });

  it('puts a brother or sister with the same given name, born years apart, before a person', async () => {
    const { deps } = world([]);
    const rosie: FeedRecord = {
      ...ava,
      sourceId: 'CB600001/1',
      fields: { ...ava.fields, givenName: 'Rosie' },
    };
    const olderRosie: FeedRecord = {
      ...rosie,
      sourceId: 'CB600001/2',
      fields: { ...rosie.fields, dateOfBirth: '2012-09-04' },
    };

    expect(await linkFeedRecord(deps, rosie)).toBe('created');
    expect(await linkFeedRecord(deps, olderRosie)).toBe('queued-for-review');
  });

  it('still joins the same child whose date of birth was mistyped by a digit', async () => {
    const { deps, feeds } = world([]);
    const mistyped: FeedRecord = {
      ...ava,
      sourceId: 'CB400002/1',
      fields: { ...ava.fields, dateOfBirth: '2015-01-17' },
    };

    expect(await linkFeedRecord(deps, ava)).toBe('created');
    expect(await linkFeedRecord(deps, mistyped)).toBe('linked');
    expect(feeds.links.get(`${mistyped.feed}#${mistyped.sourceId}`)?.childId).toBe(
      feeds.links.get(`${ava.feed}#${ava.sourceId}`)?.childId,
    );
  });
});

describe('two near-certain children (R8)', () => {
  // Both are Oliver Smith born that day; only the second lives at the row's address. Both round to probability 1.
  const elsewhere = aChild({
    ...oliver,
    ...noIdentifiers,
    childId: 'CP1ELSEWHERE',
    address: { line1: '4 Kirk Lane', town: 'Leeds', postcode: 'LS6 4EP' },
  });
  const here = aChild({
    ...oliver,
    ...noIdentifiers,
    childId: 'CP2HERE',
    address: { line1: '1 Mill Road', town: 'Bradford', postcode: 'BD1 1AA' },
  });

  it('joins the one far the likelier by match weight, whichever child ID sorts first', async () => {
    const { deps, feeds } = world([elsewhere, here]);

    expect(await linkFeedRecord(deps, claim)).toBe('linked');
    expect(feeds.links.get(`${claim.feed}#${claim.sourceId}`)?.childId).toBe('CP2HERE');
  });
});

describe('one newborn in two loads at once (R8)', () => {
  const registration: FeedRecord = {
    feed: 'births',
    sourceId: 'B2026-000123',
    extractDate: '2026-10-01',
    line: 2,
    fields: {
      ...claim.fields,
      givenName: 'Nia',
      familyName: 'Hughes',
      dateOfBirth: '2026-09-20',
      gender: 'female',
    },
  };
  const pds: FeedRecord = {
    feed: 'nhs-demographics',
    sourceId: '9434765919',
    extractDate: '2026-10-01',
    line: 2,
    fields: { ...registration.fields, nhsNumber: '9434765919' },
  };

  it('makes one record: the load that loses the race meets the record the other made', async () => {
    const { deps, feeds } = world([]);

    const [births, nhs] = await Promise.all([
      linkFeedRecords(deps, [registration]),
      linkFeedRecords(deps, [pds]),
    ]);

    expect(births.created + nhs.created).toBe(1);
    expect(births.linked + nhs.linked).toBe(1);
    expect(feeds.links.get(`births#${registration.sourceId}`)?.childId).toBe(
      feeds.links.get(`nhs-demographics#${pds.sourceId}`)?.childId,
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
