import { describe, expect, it } from 'vitest';
import { trainModel } from '#domain/matching/train.ts';
import type { Comparable } from '#domain/matching/vector.ts';
import { compareRecords } from '#domain/matching/vector.ts';
import { weigh } from '#domain/matching/weigh.ts';

const GIVEN = [
  'amelia',
  'oliver',
  'isla',
  'noah',
  'ava',
  'leo',
  'mia',
  'arthur',
  'freya',
  'theo',
  'grace',
  'jack',
];
const FAMILY = [
  'smith',
  'jones',
  'taylor',
  'brown',
  'williams',
  'wilson',
  'johnson',
  'davies',
  'patel',
  'oyelaran',
];

/** A population with duplicates carrying the slips people make, generated from a seed. */
function population(size: number): Comparable[] {
  let s = 7;
  const next = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  const pick = <T>(xs: T[]) => xs[Math.floor(next() * xs.length)] as T;
  const records: Comparable[] = [];
  for (let i = 0; i < size; i++) {
    const day = String(1 + Math.floor(next() * 28)).padStart(2, '0');
    const month = String(1 + Math.floor(next() * 12)).padStart(2, '0');
    const child = {
      givenName: pick(GIVEN),
      familyName: pick(FAMILY),
      dateOfBirth: `${2008 + Math.floor(next() * 18)}-${month}-${day}`,
    };
    records.push(child);
    if (next() < 0.4) {
      // A duplicate: a typo in the given name, or the day and month swapped.
      const typo = next() < 0.5;
      records.push({
        ...child,
        givenName: typo
          ? `${child.givenName.slice(0, -1)}${child.givenName.at(-1) === 'a' ? 'e' : 'a'}`
          : child.givenName,
        dateOfBirth:
          typo || Number(day) > 12 ? child.dateOfBirth : `${child.dateOfBirth.slice(0, 4)}-${day}-${month}`,
      });
    }
  }
  return records;
}

describe('training a model from unlabelled records', () => {
  const records = population(3000);
  const model = trainModel(records, {
    version: 't1',
    threshold: 0.5,
    directoryChildren: 1500,
    source: 'test',
    trainedAt: '2026-12-06T00:00:00.000Z',
    randomPairs: 20_000,
    minimumCount: 5,
  });

  it('learns that agreeing on the date of birth is strong evidence and disagreeing is strong evidence against', () => {
    const dob = model.comparisons.dateOfBirth;
    expect(dob.exact.m / dob.exact.u).toBeGreaterThan(100);
    expect(dob.other.m / dob.other.u).toBeLessThan(0.5);
  });

  it('scores a child’s duplicate with a typo far above two different children with the same date of birth', () => {
    const child = { givenName: 'Oliver', familyName: 'Oyelaran', dateOfBirth: '2015-03-02' };
    const slip = weigh(model, compareRecords({ ...child, givenName: 'Olivar' }, child));
    const other = weigh(
      model,
      compareRecords({ givenName: 'Isla', familyName: 'Patel', dateOfBirth: '2015-03-02' }, child),
    );
    expect(slip.probability).toBeGreaterThan(0.5);
    expect(other.probability).toBeLessThan(0.05);
  });

  it('gives the same model for the same records and seed', () => {
    const again = trainModel(records, {
      version: 't1',
      threshold: 0.5,
      directoryChildren: 1500,
      source: 'test',
      trainedAt: '2026-12-06T00:00:00.000Z',
      randomPairs: 20_000,
      minimumCount: 5,
    });
    expect(again).toEqual(model);
  });

  it('lists no name held by fewer records than the minimum count', () => {
    const counts = new Map<string, number>();
    for (const r of records)
      counts.set(r.familyName as string, (counts.get(r.familyName as string) ?? 0) + 1);
    for (const name of Object.keys(model.termFrequencies.familyName.values))
      expect(counts.get(name) ?? 0).toBeGreaterThanOrEqual(5);
  });
});
