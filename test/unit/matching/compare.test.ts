import { describe, expect, it } from 'vitest';
import {
  compareBirth,
  compareGender,
  compareName,
  comparePostcode,
  matchingName,
} from '#domain/matching/compare.ts';
import { compareRecords } from '#domain/matching/vector.ts';

describe('names are compared as Latin letters, whatever the script they were typed in', () => {
  it('reads Мухаммед as mukhammed and folds accents, case, hyphens and Mac', () => {
    expect(matchingName('Мухаммед')).toBe('mukhammed');
    expect(matchingName('Zoë')).toBe('zoe');
    expect(matchingName("O'Brien-Smith")).toBe('obriensmith');
    expect(matchingName('MacDonald')).toBe('mcdonald');
  });
});

describe('name comparison levels', () => {
  const level = (a: string, b: string) => compareName(matchingName(a), matchingName(b));
  it('finds the same name exact', () => expect(level('Oyelaran', 'oyelaran')).toBe('exact'));
  it('finds a nickname a form of the formal name', () => expect(level('Bill', 'William')).toBe('form'));
  it('puts a one-letter slip in the top Jaro-Winkler band', () =>
    expect(level('Katherine', 'Katharine')).toBe('jw92'));
  it('puts a heavier slip in the second band', () => expect(level('Jonathon', 'Jnathan')).toBe('jw85'));
  it('finds names that sound alike but are spelt apart', () =>
    expect(level('Phoebe', 'Feebee')).toBe('sound'));
  it('puts a spelling somewhat alike, sounding different, in the third band', () =>
    expect(level('Siobhan', 'Shivon')).toBe('jw70'));
  it('calls unrelated names other', () => expect(level('Amelia', 'Oscar')).toBe('other'));
  it('says nothing when either side is missing', () => expect(compareName('', 'amelia')).toBeNull());
});

describe('date of birth comparison levels', () => {
  it.each([
    ['2015-03-02', '2015-03-02', 'exact'],
    ['2015-03-02', '2015-02-03', 'day-month-swapped'],
    ['2015-03-02', '2016-03-02', 'year-off-by-one'],
    ['2015-03-12', '2015-03-13', 'one-digit'],
    ['2015-03-12', '2015-03-21', 'one-digit'],
    ['2015-03-12', '2015-11-12', 'one-part'],
    ['2015-03-12', '2011-07-30', 'other'],
  ])('%s against %s is %s', (a, b, expected) => expect(compareBirth(a, b)).toBe(expected));
  it('says nothing when either date is missing', () =>
    expect(compareBirth(undefined, '2015-03-02')).toBeNull());
});

describe('postcode comparison levels', () => {
  it.each([
    ['LS6 2AB', ['LS6 2AB'], 'full'],
    ['LS6 2AB', ['LS6 2XY'], 'sector'],
    ['LS6 2AB', ['LS6 4XY'], 'district'],
    ['LS6 2AB', ['BD1 1AA'], 'other'],
    ['LS6 2AB', ['BD1 1AA', 'LS62AB'], 'full'],
  ])('%s against %j is %s', (a, b, expected) => expect(comparePostcode([a], b)).toBe(expected));
});

describe('gender', () => {
  it('says nothing when either side is not known', () =>
    expect(compareGender('not-known', 'female')).toBeNull());
  it('tells same from different', () => {
    expect(compareGender('female', 'female')).toBe('same');
    expect(compareGender('female', 'male')).toBe('different');
  });
});

describe('whole records', () => {
  it('reads given and family names typed the wrong way round as swapped', () => {
    const v = compareRecords(
      { givenName: 'Smith', familyName: 'Amelia', dateOfBirth: '2015-03-02' },
      { givenName: 'Amelia', familyName: 'Smith', dateOfBirth: '2015-03-02' },
    );
    expect(v).toMatchObject({ nameOrder: 'swapped', givenName: 'exact', familyName: 'exact' });
  });
  it('matches a previous family name of an open record', () => {
    const v = compareRecords(
      { givenName: 'Amelia', familyName: 'Jones' },
      { givenName: 'Amelia', familyName: 'Smith', otherNames: [{ familyName: 'Jones' }] },
    );
    expect(v).toMatchObject({ familyName: 'exact', nameSet: 1 });
  });
});
