import { describe, expect, it } from 'vitest';
import { levelShares } from '#domain/matching/estimate.ts';
import { COMPARISON_NAMES, COMPARISONS, type MatchingModel } from '#domain/matching/model.ts';
import { compareRecords } from '#domain/matching/vector.ts';
import { probabilityOf, weigh } from '#domain/matching/weigh.ts';

/** A model with plain numbers: m favours the top level, u the bottom one. */
function model(): MatchingModel {
  const u = levelShares([]);
  const comparisons = Object.fromEntries(
    COMPARISON_NAMES.map((c) => {
      const levels = COMPARISONS[c];
      return [
        c,
        Object.fromEntries(
          levels.map((l, i) => [l, { m: i === 0 ? 0.9 : 0.1 / (levels.length - 1), u: u[c][l] as number }]),
        ),
      ];
    }),
  ) as MatchingModel['comparisons'];
  return {
    version: 'test',
    threshold: 0.5,
    trainedAt: '2026-12-06T00:00:00.000Z',
    trainedOn: { source: 'test', records: 1000, pairs: 0, iterations: 0 },
    matchPrior: 1 / 1000,
    searchPrior: 1 / 1000,
    comparisons,
    termFrequencies: {
      givenName: { minimumCount: 5, unlisted: 0.001, values: { amelia: 0.05 } },
      familyName: { minimumCount: 5, unlisted: 0.001, values: { smith: 0.1 } },
    },
  };
}

describe('weighing a pair', () => {
  it('weighs agreement on a common family name less than on a rare one', () => {
    const common = weigh(model(), compareRecords({ familyName: 'Smith' }, { familyName: 'Smith' }));
    const rare = weigh(model(), compareRecords({ familyName: 'Oyelaran' }, { familyName: 'Oyelaran' }));
    expect(rare.matchWeight).toBeGreaterThan(common.matchWeight);
  });

  it('turns the match weight into a probability between 0 and 1, one half at weight 0', () => {
    expect(probabilityOf(0)).toBe(0.5);
    expect(probabilityOf(20)).toBeGreaterThan(0.999);
    expect(probabilityOf(-20)).toBeLessThan(0.001);
  });

  it('lists the evidence of each compared field and nothing for a field missing on either side', () => {
    const weighed = weigh(
      model(),
      compareRecords({ givenName: 'Amelia', dateOfBirth: '2015-03-02' }, { givenName: 'Amelia' }),
    );
    expect(weighed.evidence.map((e) => e.comparison)).toEqual(['givenName']);
  });
});
