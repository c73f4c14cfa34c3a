import { doubleMetaphone } from 'double-metaphone';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ChildRecord } from '#domain/child/record.ts';
import { matchingName } from '#domain/matching/compare.ts';
import type { SearchCriteria } from '#domain/search/criteria.ts';
import { searchChildren } from '#domain/use-cases/search-children.ts';
import { syntheticChildren } from '#infra/local/synthetic.ts';
import { aChild, practitioner, shieldBy } from '../../support/builders.ts';
import { fixedEnvironment, MemoryAudit, MemoryChildren } from '../../support/memory-children.ts';
import { reviewedModel } from '../../support/model.ts';

const population = syntheticChildren(200, 7).children.filter((c) => !c.shield);
const facts = { requestId: 'req-1', sourceIp: '192.0.2.1' };
const reason = { code: 'SAFEGUARDING' as const };

/** The answer exactly as a client would receive it: the matches, or the refusal. */
async function answer(records: ChildRecord[], criteria: SearchCriteria): Promise<string> {
  const deps = {
    children: new MemoryChildren(records),
    audit: new MemoryAudit(),
    env: fixedEnvironment(),
    matching: reviewedModel,
  };
  try {
    return JSON.stringify({ matches: await searchChildren(deps, practitioner, criteria, reason, facts) });
  } catch (error) {
    return JSON.stringify({ error: (error as Error).name, detail: (error as Error).message });
  }
}

const NAMES = ['Olivia', 'Amelia', 'Isla', 'Ava', 'Mohammed', 'Noah', 'Oliver', 'Leo', 'Zoë', 'Siobhan'];
const FAMILIES = [
  'Walker',
  'Smith',
  'Oyelaran',
  'Nowak',
  'McDonald',
  'Khan',
  'Jones',
  'Brown',
  "O'Brien",
  'Patel',
];
const sound = (name: string) => doubleMetaphone(matchingName(name))[0];
/** Another name that neither reads nor sounds like the current family name (an adoption's birth name). */
const differentFamily = (current: string) =>
  fc
    .constantFrom(...FAMILIES)
    .filter((f) => sound(f) !== sound(current) && matchingName(f) !== matchingName(current));

const shieldedChild = fc
  .record({
    givenName: fc.constantFrom(...NAMES),
    familyName: fc.constantFrom(...FAMILIES),
    dateOfBirth: fc.constantFrom('2014-03-07', '2019-11-30', '2022-07-01'),
    gender: fc.constantFrom('female' as const, 'male' as const, 'not-known' as const),
  })
  .chain((current) =>
    fc.record({
      current: fc.constant(current),
      birthFamily: differentFamily(current.familyName),
      birthGiven: fc.constantFrom(...NAMES),
    }),
  )
  .map(({ current, birthFamily, birthGiven }) => ({
    record: aChild({
      childId: 'CPSHIELDED01',
      ...current,
      otherNames: [{ givenName: birthGiven, familyName: birthFamily }],
      shield: shieldBy('E08000035'),
    }),
    birthName: { givenName: birthGiven, familyName: birthFamily },
  }));

/** A search that uses something the shielded view does not show. */
function hiddenFieldSearches(record: ChildRecord, birthName: { givenName: string; familyName: string }) {
  const shown = {
    givenName: record.givenName,
    familyName: record.familyName,
    dateOfBirth: record.dateOfBirth,
  };
  return fc.constantFrom<SearchCriteria>(
    { ...birthName, dateOfBirth: record.dateOfBirth },
    { familyName: birthName.familyName, dateOfBirth: record.dateOfBirth },
    { givenName: record.givenName, familyName: birthName.familyName, dateOfBirth: record.dateOfBirth },
    { ...shown, postcode: record.address?.postcode as string },
    { nhsNumber: record.nhsNumber as string },
    { upn: record.upn as string },
    { ...shown, nhsNumber: record.nhsNumber as string },
  );
}

describe('R3: a shielded child is found only by what its shielded view shows', () => {
  it('answers a search by a previous name, postcode, NHS number or UPN byte for byte as if the child were not in the directory', async () => {
    await fc.assert(
      fc.asyncProperty(
        shieldedChild.chain(({ record, birthName }) =>
          fc.record({ record: fc.constant(record), criteria: hiddenFieldSearches(record, birthName) }),
        ),
        fc.subarray(population, { minLength: 0, maxLength: 60 }),
        async ({ record, criteria }, others) => {
          const withChild = await answer([...others, record], criteria);
          const withoutChild = await answer(others, criteria);
          expect(withChild).toBe(withoutChild);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('finds the shielded child by its current name and date of birth, showing only the shielded fields', async () => {
    await fc.assert(
      fc.asyncProperty(shieldedChild, async ({ record }) => {
        const found = JSON.parse(
          await answer([record], {
            givenName: record.givenName,
            familyName: record.familyName,
            dateOfBirth: record.dateOfBirth,
          }),
        ) as { matches: { childId: string }[] };
        expect(found.matches.map((m) => m.childId)).toEqual([record.childId]);
        expect(Object.keys(found.matches[0] ?? {}).sort()).toEqual(
          ['childId', 'dateOfBirth', 'familyName', 'gender', 'givenName', 'probability', 'why'].sort(),
        );
      }),
      { numRuns: 50 },
    );
  });

  it('still finds an unshielded child by a previous name (the old name is kept for matching)', async () => {
    const renamed = aChild({
      childId: 'CPRENAMED001',
      familyName: 'Jones',
      otherNames: [{ givenName: 'Amelia', familyName: 'Oyelaran' }],
    });
    const found = JSON.parse(
      await answer([renamed], {
        givenName: 'Amelia',
        familyName: 'Oyelaran',
        dateOfBirth: renamed.dateOfBirth,
      }),
    ) as { matches: { childId: string }[] };
    expect(found.matches.map((m) => m.childId)).toEqual(['CPRENAMED001']);
  });
});
