import { describe, expect, it } from 'vitest';
import type { NameLevel } from '#domain/matching/compare.ts';
import {
  expectationMaximisation,
  levelShares,
  startingM,
  termFrequencies,
} from '#domain/matching/estimate.ts';
import type { ComparisonVector } from '#domain/matching/vector.ts';

/** A seeded generator, so the test is the same every run. */
function random(seed: number) {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

const vector = (given: NameLevel, family: NameLevel, birth: 'exact' | 'other'): ComparisonVector => ({
  givenName: given,
  familyName: family,
  nameOrder: null,
  dateOfBirth: birth,
  postcode: null,
  gender: null,
  nameSet: 0,
});

describe('estimating the model from unlabelled pairs', () => {
  it('recovers the share of matches and their agreement from a mixture it was never told the labels of', () => {
    const next = random(7);
    const pick = (p: number, yes: NameLevel, no: NameLevel) => (next() < p ? yes : no);
    const matches = Array.from({ length: 3000 }, () =>
      vector(pick(0.9, 'exact', 'jw92'), pick(0.85, 'exact', 'other'), next() < 0.95 ? 'exact' : 'other'),
    );
    const nonMatches = Array.from({ length: 7000 }, () =>
      vector(pick(0.02, 'exact', 'other'), pick(0.01, 'exact', 'other'), next() < 0.01 ? 'exact' : 'other'),
    );
    const u = levelShares(nonMatches);
    const result = expectationMaximisation({
      vectors: [...matches, ...nonMatches],
      u,
      m: startingM(),
      matchShare: 0.5,
    });
    expect(result.matchShare).toBeCloseTo(0.3, 1);
    expect(result.m.givenName.exact).toBeCloseTo(0.9, 1);
    expect(result.m.familyName.exact).toBeCloseTo(0.85, 1);
    expect(result.m.dateOfBirth.exact).toBeCloseTo(0.95, 1);
  });

  it('keeps the m of a comparison the pairs were blocked on, and leaves it out of which pairs are matches', () => {
    const vectors = Array.from({ length: 100 }, (_, i) =>
      vector(i < 50 ? 'exact' : 'other', 'other', 'exact'),
    );
    const m = startingM();
    const u = levelShares(vectors);
    const result = expectationMaximisation({ vectors, u, m, matchShare: 0.5, fixed: ['dateOfBirth'] });
    expect(result.m.dateOfBirth).toEqual(m.dateOfBirth);
  });

  it('never gives a level a probability of 0 or 1, so every level keeps a finite weight', () => {
    const shares = levelShares([vector('exact', 'exact', 'exact')]);
    for (const table of Object.values(shares))
      for (const p of Object.values(table)) {
        expect(p).toBeGreaterThan(0);
        expect(p).toBeLessThan(1);
      }
  });
});

describe('term frequencies', () => {
  it('lists only names held by at least the minimum count, so a rare name is never written down', () => {
    const tf = termFrequencies(['smith', 'smith', 'smith', 'oyelaran', 'jones', 'jones', 'jones'], 3);
    expect(Object.keys(tf.values)).toEqual(['jones', 'smith']);
    expect(tf.values.smith).toBeCloseTo(3 / 7);
    expect(tf.unlisted).toBeLessThan(tf.values.smith as number);
  });
});
