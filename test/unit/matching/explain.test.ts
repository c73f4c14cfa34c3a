import { describe, expect, it } from 'vitest';
import { type ExplainableField, explainMatch } from '#domain/matching/explain.ts';
import { type Comparable, compareRecords } from '#domain/matching/vector.ts';
import type { Evidence } from '#domain/matching/weigh.ts';

const ALL = new Set<ExplainableField>(['names', 'dateOfBirth', 'postcode', 'gender']);

/** Evidence with plain weights: the order of the words follows the size of each comparison's bits. */
function explain(query: Comparable, record: Comparable, visible = ALL) {
  const vector = compareRecords(query, record);
  const bits: Record<string, number> = {
    givenName: 5,
    familyName: 6,
    nameOrder: -1,
    dateOfBirth: 8,
    postcode: 3,
    gender: 1,
  };
  const evidence: Evidence[] = (
    ['givenName', 'familyName', 'nameOrder', 'dateOfBirth', 'postcode', 'gender'] as const
  ).flatMap((c) =>
    vector[c] === null ? [] : [{ comparison: c, level: vector[c] as string, bits: bits[c] as number }],
  );
  return explainMatch(vector, evidence, query, record, visible);
}

describe('why a candidate matched, in words a practitioner can judge', () => {
  it('says a nickname is a form of the recorded name, and a swapped date of birth', () => {
    const words = explain(
      { givenName: 'Bill', familyName: 'Oyelaran', dateOfBirth: '2015-03-02' },
      { givenName: 'William', familyName: 'Oyelaran', dateOfBirth: '2015-02-03' },
    );
    expect(words).toEqual([
      'date of birth: day and month swapped',
      'family name: the same',
      'Bill is a form of William',
    ]);
  });

  it('says names typed the other way round', () => {
    const words = explain(
      { givenName: 'Smith', familyName: 'Amelia', dateOfBirth: '2015-03-02' },
      { givenName: 'Amelia', familyName: 'Smith', dateOfBirth: '2015-03-02' },
    );
    expect(words).toContain('given and family names typed the other way round');
  });

  it('says nothing about a postcode to a viewer who may not see one (a shielded child: R3)', () => {
    const words = explain(
      { givenName: 'Amelia', familyName: 'Smith', dateOfBirth: '2015-03-02', postcodes: ['LS6 2AB'] },
      { givenName: 'Amelia', familyName: 'Smith', dateOfBirth: '2015-03-02', postcodes: ['LS6 2XY'] },
      new Set<ExplainableField>(['names', 'dateOfBirth']),
    );
    expect(words.join(' ')).not.toMatch(/postcode|LS6/);
  });
});
