import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { feedLinkageWith } from '#adapters/feed-linkage.ts';
import { postcodeAuthorities } from '#adapters/postcode-authorities.ts';
import type { FeedFields, FeedName, FeedRecord } from '#domain/feeds/feed.ts';
import { shieldChild } from '#domain/use-cases/change-child.ts';
import {
  type FeedLinkageDependencies,
  linkFeedRecord,
  linkFeedRecords,
} from '#domain/use-cases/link-feed-records.ts';
import { bradfordDataManager } from '../support/builders.ts';
import { type DynamoFixture, startDynamoFixture } from '../support/local-dynamo.ts';
import { MemoryReviewQueue } from '../support/memory-feeds.ts';

const LEEDS = 'E08000035';
const BRADFORD = 'E08000032';
const authorities = postcodeAuthorities(
  JSON.stringify({
    areas: {
      LS: [LEEDS, 'Leeds City Council'],
      BD: [BRADFORD, 'City of Bradford Metropolitan District Council'],
    },
    default: [LEEDS, 'Leeds City Council'],
  }),
);

let fx: DynamoFixture;
let deps: FeedLinkageDependencies;
let reviews: MemoryReviewQueue;

beforeAll(async () => {
  fx = await startDynamoFixture();
  reviews = new MemoryReviewQueue();
  deps = feedLinkageWith(fx.adapters, { matching: fx.adapters.matching, reviews, authorities });
});
afterAll(async () => {
  await fx?.dynamo.stop();
});

let line = 1;
function row(feed: FeedName, sourceId: string, extractDate: string, fields: FeedFields): FeedRecord {
  line += 1;
  return { feed, sourceId, extractDate, line, fields };
}

const home = { line1: '14 Harehills Lane', town: 'Leeds', postcode: 'LS8 3QE' };
const newHome = { line1: '3 Cardigan Road', town: 'Leeds', postcode: 'LS6 3AG' };

async function linkedChildOf(feed: FeedName, sourceId: string): Promise<string> {
  const state = await deps.feeds.sourceState(feed, sourceId, '');
  if (!state.link) throw new Error('row not linked');
  return state.link.childId;
}

async function recordOf(childId: string) {
  const record = await fx.adapters.children.get(childId);
  if (!record) throw new Error(`no record ${childId}`);
  return record;
}

describe('linking feed rows into one record per child (R8)', () => {
  it('makes a child from a birth registration, joins the NHS row by the engine, and records each field’s source', async () => {
    const birth = row('births', 'B2016-0001', '2016-04-20', {
      givenName: 'Amelia',
      familyName: 'Walker',
      gender: 'female',
      dateOfBirth: '2016-04-09',
      address: home,
    });
    expect(await linkFeedRecord(deps, birth)).toBe('created');
    const nhs = row('nhs-demographics', '9434765919', '2026-10-01', {
      givenName: 'Amelia',
      familyName: 'Walker',
      gender: 'female',
      dateOfBirth: '2016-04-09',
      nhsNumber: '9434765919',
      address: home,
      gpPractice: { practiceName: 'Harehills Medical Practice', contact: { phone: '0113 496 0202' } },
    });
    expect(await linkFeedRecord(deps, nhs)).toBe('linked');
    const upn = row('school-census', 'H801200001001', '2026-10-02', {
      givenName: 'Amelie',
      familyName: 'Walker',
      gender: 'female',
      dateOfBirth: '2016-04-09',
      upn: 'H801200001001',
      address: newHome,
    });
    expect(await linkFeedRecord(deps, upn)).toBe('linked');
    const childId = await deps.feeds.ownerOf('nhsNumber', '9434765919');
    expect(childId).toBeDefined();
    const record = await recordOf(childId as string);
    expect(record).toMatchObject({
      givenName: 'Amelia',
      nhsNumber: '9434765919',
      upn: 'H801200001001',
      address: newHome,
      localAuthority: LEEDS,
    });
    expect(record.previousAddresses).toEqual([home]);
    expect(record.provenance).toMatchObject({
      name: { source: 'nhs-demographics', extractDate: '2026-10-01' },
      dateOfBirth: { source: 'births', extractDate: '2016-04-20' },
      address: { source: 'school-census', extractDate: '2026-10-02' },
      gpPractice: { source: 'nhs-demographics' },
      upn: { source: 'school-census' },
    });
    expect(await deps.feeds.sourcesOf(childId as string)).toHaveLength(3);
  });

  it('changes nothing when the same rows are loaded again', async () => {
    const rows = [
      row('births', 'B2015-0100', '2015-02-01', {
        givenName: 'Noah',
        familyName: 'Okafor',
        gender: 'male',
        dateOfBirth: '2015-01-20',
        address: { line1: '2 Oak Street', town: 'Bradford', postcode: 'BD7 1DP' },
      }),
      row('nhs-demographics', '9000000009', '2026-10-01', {
        givenName: 'Noah',
        familyName: 'Okafor',
        gender: 'male',
        dateOfBirth: '2015-01-20',
        nhsNumber: '9000000009',
        address: { line1: '2 Oak Street', town: 'Bradford', postcode: 'BD7 1DP' },
      }),
    ];
    const first = await linkFeedRecords(deps, rows, 1);
    expect(first).toMatchObject({ rows: 2, created: 1, linked: 1 });
    const childId = (await deps.feeds.ownerOf('nhsNumber', '9000000009')) as string;
    const before = await recordOf(childId);
    expect(before.localAuthority).toBe(BRADFORD);
    const again = await linkFeedRecords(deps, rows);
    expect(again).toMatchObject({ rows: 2, unchanged: 2, created: 0, linked: 0, updated: 0 });
    expect(await recordOf(childId)).toEqual(before);
  });

  it('takes the address of a later extract, with its source and date, and keeps the old one for matching only', async () => {
    const fields = {
      givenName: 'Isla',
      familyName: 'Brennan',
      gender: 'female' as const,
      dateOfBirth: '2018-06-30',
      nhsNumber: '9434765870',
      address: { line1: '8 Stonegate Road', town: 'Leeds', postcode: 'LS6 4HY' },
    };
    await linkFeedRecord(deps, row('nhs-demographics', '9434765870', '2026-09-01', fields));
    const moved = { line1: '41 Kirkstall Lane', town: 'Leeds', postcode: 'LS5 3BP' };
    expect(
      await linkFeedRecord(
        deps,
        row('nhs-demographics', '9434765870', '2026-12-01', { ...fields, address: moved }),
      ),
    ).toBe('updated');
    const record = await recordOf((await deps.feeds.ownerOf('nhsNumber', '9434765870')) as string);
    expect(record.address).toEqual(moved);
    expect(record.provenance?.address).toEqual({ source: 'nhs-demographics', extractDate: '2026-12-01' });
    expect(record.previousAddresses).toContainEqual(fields.address);
  });

  it('never merges twins: same date of birth and address, different given names', async () => {
    const twin = (givenName: string, id: string) =>
      row('births', id, '2020-03-10', {
        givenName,
        familyName: 'Haddad',
        gender: 'female',
        dateOfBirth: '2020-03-02',
        address: { line1: '5 Mill Lane', town: 'Leeds', postcode: 'LS10 1QA' },
      });
    expect(await linkFeedRecord(deps, twin('Layla', 'B2020-0501'))).toBe('created');
    expect(await linkFeedRecord(deps, twin('Maryam', 'B2020-0502'))).toBe('created');
    // A similar given name is not the same registration: still two children.
    expect(await linkFeedRecord(deps, twin('Laila', 'B2020-0503'))).not.toBe('linked');
  });

  it('makes one record of a newborn whose registration and NHS row are loaded at the same moment', async () => {
    const fields = {
      givenName: 'Nia',
      familyName: 'Hughes',
      gender: 'female' as const,
      dateOfBirth: '2026-09-20',
      address: { line1: '8 Oak Road', town: 'Leeds', postcode: 'LS12 1DN' },
    };
    const [births, nhs] = await Promise.all([
      linkFeedRecords(deps, [row('births', 'B2026-0920', '2026-10-01', fields)]),
      linkFeedRecords(deps, [
        row('nhs-demographics', '9876543210', '2026-10-01', { ...fields, nhsNumber: '9876543210' }),
      ]),
    ]);

    expect(births.created + nhs.created).toBe(1);
    expect(await linkedChildOf('births', 'B2026-0920')).toBe(
      await linkedChildOf('nhs-demographics', '9876543210'),
    );
  });

  it('updates a shielded child from its NHS row and sends an uncertain row to the shielding team, never making an unshielded copy (R3)', async () => {
    const fields = {
      givenName: 'Kacper',
      familyName: 'Nowakowski',
      gender: 'male' as const,
      dateOfBirth: '2013-11-05',
      nhsNumber: '9434765889',
      address: { line1: '19 Victoria Road', town: 'Leeds', postcode: 'LS11 5HB' },
    };
    await linkFeedRecord(deps, row('nhs-demographics', '9434765889', '2026-09-01', fields));
    const childId = (await deps.feeds.ownerOf('nhsNumber', '9434765889')) as string;
    await shieldChild(
      fx.adapters,
      bradfordDataManager,
      childId,
      { reason: 'adult-at-risk', reviewDate: '2099-01-01' },
      { requestId: 'it', sourceIp: '127.0.0.1' },
    );
    const refuge = { line1: '1 Safe Street', town: 'Bradford', postcode: 'BD1 1AA' };
    expect(
      await linkFeedRecord(
        deps,
        row('nhs-demographics', '9434765889', '2026-12-01', { ...fields, address: refuge }),
      ),
    ).toBe('updated');
    const updated = await recordOf(childId);
    expect(updated.shield?.authority).toBe(BRADFORD);
    expect(updated.address).toEqual(refuge);

    // A benefit row with a misspelt name and no identifier joins the shielded record, which stays shielded.
    expect(
      await linkFeedRecord(
        deps,
        row('child-benefit', 'CB123456/1', '2026-12-02', {
          givenName: 'Kacpar',
          familyName: 'Nowakowski',
          dateOfBirth: '2013-11-05',
        }),
      ),
    ).toBe('linked');
    expect((await recordOf(childId)).shield?.authority).toBe(BRADFORD);
    // An initial and another day of birth: perhaps the same child — for the shielding team to decide, no new record.
    const outcome = await linkFeedRecord(
      deps,
      row('child-benefit', 'CB765432/1', '2026-12-02', {
        givenName: 'K',
        familyName: 'Nowakowski',
        dateOfBirth: '2013-11-15',
      }),
    );
    expect(outcome).toBe('queued-for-review');
    // Another given name, the same family name and date of birth: a twin, or the child under another name. For an
    // open child that is a new record; beside a shielded child it is the shielding team's question.
    const twinLike = await linkFeedRecord(
      deps,
      row('child-benefit', 'CB765433/1', '2026-12-02', {
        givenName: 'Piotr',
        familyName: 'Nowakowski',
        dateOfBirth: '2013-11-05',
      }),
    );
    expect(twinLike).toBe('queued-for-review');
    const queued = [...reviews.items.values()].filter((i) => i.candidateChildId === childId);
    expect(queued.map((i) => i.queue)).toEqual([BRADFORD, BRADFORD]);
    expect(queued.every((i) => i.candidateShielded)).toBe(true);
  });

  it('does not join a row to a child a data manager said it is not, on any later load', async () => {
    const fields = {
      givenName: 'Theo',
      familyName: 'Marsh',
      gender: 'male' as const,
      dateOfBirth: '2017-08-14',
      address: { line1: '7 Chapel Street', town: 'Leeds', postcode: 'LS6 3JA' },
    };
    await linkFeedRecord(deps, row('births', 'B2017-0777', '2017-08-20', fields));
    const benefit = row('child-benefit', 'CB999000/2', '2026-10-01', fields);
    const birthChild = await linkedChildOf('births', 'B2017-0777');
    await deps.feeds.rememberNot('child-benefit', 'CB999000/2', birthChild);
    expect(await linkFeedRecord(deps, benefit)).toBe('created');
    const benefitChild = await linkedChildOf('child-benefit', 'CB999000/2');
    expect(benefitChild).not.toBe(birthChild);
    expect(await linkFeedRecord(deps, benefit)).toBe('unchanged');
  });
});
