import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ChildRecord } from '#domain/child/record.ts';
import type { MatchSummary } from '#domain/disclosure/view-schema.ts';
import { TooManyMatchesError } from '#domain/errors.ts';
import { blockingKeysOf } from '#domain/matching/blocking.ts';
import { matchingName } from '#domain/matching/compare.ts';
import { MAX_MATCHES, type SearchCriteria, searchKeysFor } from '#domain/search/criteria.ts';
import { profileOf } from '#domain/search/profile.ts';
import { searchChildren } from '#domain/use-cases/search-children.ts';
import { aChild, practitioner, shieldBy } from '../../support/builders.ts';
import { fixedEnvironment, MemoryAudit, MemoryChildren } from '../../support/memory-children.ts';
import { reviewedModel } from '../../support/model.ts';

const facts = { requestId: 'req-1', sourceIp: '192.0.2.1' };
const reason = { code: 'SAFEGUARDING' as const };

function search(records: ChildRecord[], criteria: SearchCriteria): Promise<MatchSummary[]> {
  const deps = {
    children: new MemoryChildren(records),
    audit: new MemoryAudit(),
    env: fixedEnvironment(),
    matching: reviewedModel,
  };
  return searchChildren(deps, practitioner, criteria, reason, facts);
}

function keysOverlap(criteria: SearchCriteria, child: ChildRecord): boolean {
  const stored = new Set(blockingKeysOf(child));
  return searchKeysFor(criteria).some((k) => stored.has(k));
}

describe('search tolerates what practitioners type', () => {
  const child = aChild({ givenName: 'Alfred', familyName: "O'Donnell-MacKay", dateOfBirth: '2015-03-12' });
  const exact = { givenName: 'Alfred', familyName: "O'Donnell-MacKay", dateOfBirth: '2015-03-12' };
  const only = async (criteria: SearchCriteria, record: ChildRecord = child) => {
    const matches = await search([record], criteria);
    expect(matches.map((m) => m.childId)).toEqual([record.childId]);
    return matches[0] as MatchSummary;
  };

  it('finds the child whatever the case, spacing, hyphens, apostrophes and Mc/Mac', async () => {
    const match = await only({ ...exact, familyName: 'odonnell mckay' });
    expect(match.probability).toBeGreaterThan(0.99);
    expect(match.why).toContain('family name: the same');
  });

  it('finds the child by nickname, and says which name is a form of which', async () => {
    expect((await only({ ...exact, givenName: 'Alfie' })).why).toContain('Alfie is a form of Alfred');
  });

  it('finds the child when day and month are transposed, and says so', async () => {
    expect((await only({ ...exact, dateOfBirth: '2015-12-03' })).why).toContain(
      'date of birth: day and month swapped',
    );
  });

  it('finds the child when the family name is misspelt', async () => {
    await only({ ...exact, familyName: "O'Donel-Mackay" });
  });

  it('finds the child when the year is one out and the names agree', async () => {
    expect((await only({ ...exact, dateOfBirth: '2016-03-12' })).why).toContain(
      'date of birth: the same day and month, the year one out',
    );
  });

  it('finds the child when the date of birth is mistyped and the names agree (the names key has no date)', async () => {
    await only({ ...exact, dateOfBirth: '2013-07-12' });
  });

  it('finds the child with given and family name typed the other way round', async () => {
    const match = await only({
      givenName: "O'Donnell-MacKay",
      familyName: 'Alfred',
      dateOfBirth: '2015-03-12',
    });
    expect(match.why).toContain('given and family names typed the other way round');
  });

  it('finds a child under a previous family name, and says it is a name the child is also known by', async () => {
    const renamed = aChild({ familyName: 'Khan', otherNames: [{ familyName: 'Walker' }] });
    const match = await only(
      { givenName: 'Amelia', familyName: 'Walker', dateOfBirth: '2016-04-09' },
      renamed,
    );
    expect(match.why).toContain('family name: the same (a name the child is also known by)');
  });

  it('finds a child whose name is written in another script by its transliteration, and keeps the original spelling', async () => {
    const child = aChild({ givenName: 'Мухаммед', familyName: 'Иванов', dateOfBirth: '2017-05-02' });
    const match = await only(
      { givenName: 'Mukhammed', familyName: 'Ivanov', dateOfBirth: '2017-05-02' },
      child,
    );
    expect(match.givenName).toBe('Мухаммед');
    expect(matchingName('Мухаммед')).toBe('mukhammed');
  });

  it('finds a child by NHS number alone, with certainty', async () => {
    const match = await only({ nhsNumber: child.nhsNumber as string });
    expect(match.probability).toBe(1);
    expect(match.why[0]).toBe('NHS number: the same');
  });
});

describe('R3 search never reveals a shielded child through a hidden field', () => {
  const shielded = aChild({ shield: shieldBy('E08000035'), otherNames: [{ familyName: 'Oyelaran' }] });
  const aCriteria = fc.record(
    {
      familyName: fc.constantFrom('Walker', 'Walkr', 'Oyelaran'),
      givenName: fc.constantFrom('Amelia', 'Millie'),
      dateOfBirth: fc.constantFrom('2016-04-09', '2016-09-04'),
      postcode: fc.constantFrom('LS8 3QE', 'LS6 1AA'),
      nhsNumber: fc.constant(shielded.nhsNumber as string),
      upn: fc.constant(shielded.upn as string),
      gender: fc.constantFrom('female', 'male'),
    },
    { requiredKeys: [] },
  );

  it('never shares a key with a shielded child when the search uses a postcode, NHS number or UPN', () => {
    fc.assert(
      fc.property(aCriteria, (criteria) => {
        fc.pre(
          criteria.postcode !== undefined || criteria.nhsNumber !== undefined || criteria.upn !== undefined,
        );
        expect(keysOverlap(criteria as SearchCriteria, shielded)).toBe(false);
      }),
    );
  });

  it('keys a shielded child only by its current names, and keeps no postcode in its profile', () => {
    const material = blockingKeysOf(shielded).join(' ');
    expect(material).not.toMatch(/(^| )(NHS|UPN|P|S|D)#/);
    expect(material).not.toContain('ALRN'); // the sound of Oyelaran, a name its shielded view does not show
    expect(profileOf(shielded).postcodes).toBeUndefined();
  });

  it('meets no key of a shielded child with a search by its date of birth and a name it no longer uses', () => {
    expect(
      keysOverlap(
        { givenName: 'Amelia', familyName: 'Oyelaran', dateOfBirth: shielded.dateOfBirth },
        shielded,
      ),
    ).toBe(false);
    expect(keysOverlap({ familyName: 'Oyelaran', dateOfBirth: shielded.dateOfBirth }, shielded)).toBe(false);
  });

  it('still finds a shielded child by name and date of birth alone, explained only by what its view shows', async () => {
    const matches = await search([shielded], {
      givenName: 'Amelia',
      familyName: 'Walker',
      dateOfBirth: '2016-04-09',
      gender: 'female',
    });
    expect(matches.map((m) => m.childId)).toEqual([shielded.childId]);
    expect(matches[0]?.why.join(' ')).not.toMatch(/postcode|also known by|NHS|UPN/);
  });
});

describe('R10 no bulk access', () => {
  const twin = (i: number, overrides: Partial<ChildRecord> = {}) =>
    aChild({
      childId: `CP${String(i).padStart(9, '0')}`,
      givenName: 'Oliver',
      familyName: 'Smith',
      dateOfBirth: '2015-01-01',
      gender: 'male',
      nhsNumber: undefined,
      upn: undefined,
      ...overrides,
    });
  const criteria: SearchCriteria = { givenName: 'Oliver', familyName: 'Smith', dateOfBirth: '2015-01-01' };

  it('never returns more than ten candidates, and refuses when more match', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 30 }), async (n) => {
        const records = Array.from({ length: n }, (_, i) => twin(i));
        if (n > MAX_MATCHES) await expect(search(records, criteria)).rejects.toThrow(TooManyMatchesError);
        else expect(await search(records, criteria)).toHaveLength(n);
      }),
      { numRuns: 40 },
    );
  });

  it('ranks the most probable match first and drops candidates below the threshold', async () => {
    const matches = await search(
      [
        twin(1, { givenName: 'Olivia', gender: 'female' }),
        twin(2),
        twin(3, { givenName: 'Zachary', familyName: 'Quinn' }),
      ],
      criteria,
    );
    expect(matches.map((m) => m.childId)).toEqual([twin(2).childId, twin(1).childId]);
    expect(matches[0]?.probability).toBeGreaterThan(matches[1]?.probability as number);
    expect(matches.every((m) => m.probability >= reviewedModel.threshold)).toBe(true);
  });

  const letters = fc.stringMatching(/^[a-z]{4,9}$/);
  it('lists no child whose name is longer than a typed name of three letters or fewer ("Wil" is not Williamson)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ family: letters, given: letters }), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 3 }),
        fc.constantFrom('family', 'given', 'both'),
        async (names, familyLength, givenLength, typed) => {
          const first = names[0] as { family: string; given: string };
          const records = names.map((n, i) =>
            twin(i, {
              givenName: `${first.given.slice(0, givenLength)}${n.given}`,
              familyName: `${first.family.slice(0, familyLength)}${n.family}`,
            }),
          );
          const family = first.family.slice(0, familyLength);
          const given = first.given.slice(0, givenLength);
          const criteria: SearchCriteria = {
            dateOfBirth: '2015-01-01',
            ...(typed !== 'given' && { familyName: family }),
            ...(typed !== 'family' && { givenName: given }),
          };
          const matches = await search(records, criteria).catch((error: unknown) => {
            throw new Error(`a fragment search was refused instead of answered: ${error}`);
          });
          expect(matches).toEqual([]);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('weighs a fragment as no evidence beside a whole name: "Amelia Wil" is Amelia and a date', async () => {
    const amelia = twin(1, { givenName: 'Amelia', familyName: 'Williamson' });
    const [match] = await search([amelia], {
      givenName: 'Amelia',
      familyName: 'Wil',
      dateOfBirth: '2015-01-01',
    });
    expect(match?.why).toEqual([
      'date of birth: the same',
      'given name: the same',
      'family name: only part of a name, not compared',
    ]);
  });

  it('does not list a household: a sibling with the same family name and postcode is not offered for another given name and date, even with a rare family name', async () => {
    const isla = twin(1, { givenName: 'Isla', familyName: 'Oyelaran', dateOfBirth: '2012-07-08' });
    const sibling = twin(2, { givenName: 'Amelia', familyName: 'Oyelaran', dateOfBirth: '2016-04-09' });
    const matches = await search([isla, sibling], {
      givenName: 'Isla',
      familyName: 'Oyelaran',
      dateOfBirth: '2012-07-08',
      postcode: isla.address?.postcode as string,
    });
    expect(matches.map((m) => m.childId)).toEqual([isla.childId]);
    const madeUp = await search([isla, sibling], {
      givenName: 'Zainab',
      familyName: 'Oyelaran',
      dateOfBirth: '2019-02-01',
      postcode: isla.address?.postcode as string,
    });
    expect(madeUp).toEqual([]);
  });

  it('treats the start of a longer name as a fragment too: "Scha" and a date do not list the Schaefers', async () => {
    const schaefers = [
      twin(1, { familyName: 'Schaefer' }),
      twin(2, { givenName: 'Saige', familyName: 'Schaefer' }),
    ];
    expect(await search(schaefers, { familyName: 'Scha', dateOfBirth: '2015-01-01' })).toEqual([]);
    expect(await search(schaefers, { givenName: 'Quen', dateOfBirth: '2015-01-01' })).toEqual([]);
    // Two letters are a name only as the name itself: "kl" sounds like Kyle, and is not Kyle.
    expect(
      await search([twin(4, { givenName: 'Kyle' })], { givenName: 'kl', dateOfBirth: '2015-01-01' }),
    ).toEqual([]);
    // A name one letter short is a slip, not a fragment.
    const [louis] = await search([twin(3, { givenName: 'Louis' })], {
      givenName: 'Loui',
      familyName: 'Smith',
      dateOfBirth: '2015-01-01',
    });
    expect(louis?.childId).toBe(twin(3).childId);
  });

  it('finds nobody by a date of birth and a postcode with names that agree with no child (names invented)', async () => {
    const child = twin(1, { givenName: 'Isla', familyName: 'Walker' });
    expect(
      await search([child], {
        givenName: 'Qqqqq',
        familyName: 'Wwwww',
        dateOfBirth: '2015-01-01',
        postcode: child.address?.postcode as string,
      }),
    ).toEqual([]);
  });

  it('still finds a child whose whole name has three letters or fewer', async () => {
    const ava = twin(1, { givenName: 'Ava', familyName: 'Li' });
    expect(
      (await search([ava], { givenName: 'Ava', familyName: 'Li', dateOfBirth: '2015-01-01' })).length,
    ).toBe(1);
  });
});
