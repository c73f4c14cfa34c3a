import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { swapDayAndMonth } from '#domain/dates.ts';
import { TooManyMatchesError } from '#domain/errors.ts';
import { type SearchCriteria, searchKeysFor } from '#domain/search/criteria.ts';
import { familyNameKey, givenNameKeys, normaliseName } from '#domain/search/normalise.ts';
import { blockingKeysOf, type MatchProfile, profileOf } from '#domain/search/profile.ts';
import { MAX_MATCHES, rankCandidates } from '#domain/search/rank.ts';
import { scoreCandidate } from '#domain/search/score.ts';
import { aChild, shieldBy } from '../../support/builders.ts';

function keysOverlap(criteria: SearchCriteria, child: ReturnType<typeof aChild>): boolean {
  const stored = new Set(blockingKeysOf(child));
  return searchKeysFor(criteria).some((k) => stored.has(k));
}

function foundAndScore(criteria: SearchCriteria, child: ReturnType<typeof aChild>): number {
  expect(keysOverlap(criteria, child)).toBe(true);
  return scoreCandidate(criteria, profileOf(child), false);
}

describe('name normalisation', () => {
  it('folds accents, case, spaces, hyphens and apostrophes, and reads Mac as Mc', () => {
    expect(normaliseName('Zoë')).toBe('zoe');
    expect(normaliseName("O'Brien")).toBe('obrien');
    expect(normaliseName('Smith-Jones')).toBe(normaliseName('smith jones'));
    expect(normaliseName('MacDonald')).toBe(normaliseName('mcdonald'));
  });

  it('blocks nicknames under the formal name', () => {
    expect(givenNameKeys('Alfie')).toEqual(givenNameKeys('Alfred'));
    expect(givenNameKeys('Bill')).toEqual(givenNameKeys('William'));
    expect(givenNameKeys('Alex')).toEqual(expect.arrayContaining(givenNameKeys('Alexandra')));
  });

  it('blocks common misspellings of a family name together', () => {
    expect(familyNameKey('Smyth')).toBe(familyNameKey('Smith'));
    expect(familyNameKey('Stephenson')).toBe(familyNameKey('Stevenson'));
    expect(familyNameKey('Phillips')).toBe(familyNameKey('Philips'));
  });
});

describe('search tolerates what practitioners type', () => {
  const child = aChild({ givenName: 'Alfred', familyName: "O'Donnell-MacKay", dateOfBirth: '2015-03-12' });
  const exact: SearchCriteria = {
    givenName: 'Alfred',
    familyName: "O'Donnell-MacKay",
    dateOfBirth: '2015-03-12',
  };

  it('finds the child whatever the case, spacing, hyphens, apostrophes and Mc/Mac', () => {
    const score = foundAndScore({ ...exact, familyName: 'odonnell mckay' }, child);
    expect(score).toBe(1);
  });

  it('finds the child by nickname', () => {
    expect(foundAndScore({ ...exact, givenName: 'Alfie' }, child)).toBeGreaterThan(0.95);
  });

  it('finds the child when day and month are transposed', () => {
    expect(foundAndScore({ ...exact, dateOfBirth: '2015-12-03' }, child)).toBeGreaterThan(0.9);
  });

  it('finds the child when the family name is misspelt', () => {
    expect(foundAndScore({ ...exact, familyName: "O'Donel-Mackay" }, child)).toBeGreaterThan(0.9);
  });

  it('finds the child when one part of the date is wrong but the names agree', () => {
    expect(foundAndScore({ ...exact, dateOfBirth: '2015-03-21' }, child)).toBeGreaterThan(0.85);
  });

  it('finds a child under a previous family name', () => {
    const renamed = aChild({ familyName: 'Khan', otherNames: [{ familyName: 'Walker' }] });
    expect(
      foundAndScore({ givenName: 'Amelia', familyName: 'Walker', dateOfBirth: '2016-04-09' }, renamed),
    ).toBe(1);
  });

  it('only swaps day and month when the swapped date is real and different', () => {
    expect(swapDayAndMonth('2015-03-12')).toBe('2015-12-03');
    expect(swapDayAndMonth('2015-03-25')).toBeUndefined();
    expect(swapDayAndMonth('2015-04-04')).toBeUndefined();
  });
});

describe('R3 search never reveals a shielded child through a hidden field', () => {
  const aCriteria = fc.record(
    {
      familyName: fc.constantFrom('Walker', 'Walkr'),
      givenName: fc.constantFrom('Amelia', 'Millie'),
      dateOfBirth: fc.constantFrom('2016-04-09', '2016-09-04'),
      postcode: fc.constantFrom('LS8 3QE', 'LS6 1AA'),
      nhsNumber: fc.constant('9434765919'),
      upn: fc.constant('H801200001001'),
      gender: fc.constantFrom('female', 'male'),
    },
    { requiredKeys: [] },
  );

  it('never shares a key with a shielded child when the search uses a postcode, NHS number or UPN', () => {
    const shielded = aChild({ shield: shieldBy('E08000035') });
    fc.assert(
      fc.property(aCriteria, (criteria) => {
        fc.pre(
          criteria.postcode !== undefined || criteria.nhsNumber !== undefined || criteria.upn !== undefined,
        );
        expect(keysOverlap(criteria as SearchCriteria, shielded)).toBe(false);
      }),
    );
  });

  it('writes no postcode, NHS number or UPN key for a shielded child, and keeps no postcode in its profile', () => {
    const shielded = aChild({ shield: shieldBy('E08000035') });
    expect(blockingKeysOf(shielded).filter((k) => /^(DP|NHS|UPN)#/.test(k))).toEqual([]);
    expect(profileOf(shielded).postcodes).toBeUndefined();
  });

  it('still finds a shielded child by name and date of birth alone', () => {
    const shielded = aChild({ shield: shieldBy('E08000035') });
    expect(
      keysOverlap({ givenName: 'Amelia', familyName: 'Walker', dateOfBirth: '2016-04-09' }, shielded),
    ).toBe(true);
  });
});

describe('R10 no bulk access', () => {
  const profile = (i: number): MatchProfile => ({
    childId: `CP${String(i).padStart(9, '0')}`,
    givenName: 'Oliver',
    familyName: 'Smith',
    dateOfBirth: '2015-01-01',
    gender: 'male',
  });
  const criteria: SearchCriteria = { givenName: 'Oliver', familyName: 'Smith', dateOfBirth: '2015-01-01' };

  it('never returns more than ten candidates, and refuses when more match', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 40 }), (n) => {
        const candidates = Array.from({ length: n }, (_, i) => ({
          profile: profile(i),
          viaIdentifier: false,
        }));
        if (n > MAX_MATCHES) expect(() => rankCandidates(criteria, candidates)).toThrow(TooManyMatchesError);
        else expect(rankCandidates(criteria, candidates)).toHaveLength(n);
      }),
    );
  });

  it('ranks the best match first and drops candidates below the threshold', () => {
    const ranked = rankCandidates(criteria, [
      { profile: { ...profile(1), givenName: 'Olivia', gender: 'female' }, viaIdentifier: false },
      { profile: profile(2), viaIdentifier: false },
      { profile: { ...profile(3), givenName: 'Zachary', familyName: 'Quinn' }, viaIdentifier: false },
    ]);
    expect(ranked.map((m) => m.profile.childId)).toEqual([profile(2).childId, profile(1).childId]);
  });
});
