import { describe, expect, it } from 'vitest';
import { blockingKeysOf, dateInEitherOrder, keysOf } from '#domain/matching/blocking.ts';
import { searchKeysFor } from '#domain/search/criteria.ts';
import { aChild, shieldBy } from '../../support/builders.ts';

const kinds = (keys: string[]) => [...new Set(keys.map((k) => k.split('#')[0]))].sort();
const shares = (a: string[], b: string[]) => a.some((k) => b.includes(k));

describe('blocking keys', () => {
  const child = aChild({ givenName: 'William', familyName: 'Oyelaran', dateOfBirth: '2016-04-09' });
  const stored = blockingKeysOf(child);

  it('writes an open record under date, names, sound-and-prefix, postcode and identifier keys', () => {
    expect(kinds(stored)).toEqual(['D', 'N', 'NHS', 'P', 'S', 'UPN']);
  });

  it('keys a date with day and month in order, so a swapped day and month meets the same key', () => {
    expect(dateInEitherOrder('2016-09-04')).toBe(dateInEitherOrder('2016-04-09'));
    expect(shares(searchKeysFor({ familyName: 'Nobody', dateOfBirth: '2016-09-04' }), stored)).toBe(true);
  });

  it('meets the record by names alone when the date is wrong, in either order and by nickname', () => {
    const wrongDate = '2011-01-30';
    for (const names of [
      { givenName: 'William', familyName: 'Oyelaran' },
      { givenName: 'Oyelaran', familyName: 'William' },
      { givenName: 'Bill', familyName: 'Oyelaran' },
    ]) {
      expect(shares(searchKeysFor({ ...names, dateOfBirth: wrongDate }), stored)).toBe(true);
    }
  });

  it('meets the record by one name sound and the other name’s first letters when the date and a name are both wrong', () => {
    expect(
      shares(
        searchKeysFor({ givenName: 'William', familyName: 'Oyelarn', dateOfBirth: '2011-01-30' }),
        stored,
      ),
    ).toBe(true);
  });

  it('meets the record by a name and its postcode only when a postcode is typed', () => {
    const criteria = { givenName: 'Zak', familyName: 'Oyelaran', dateOfBirth: '2011-01-30' };
    expect(shares(searchKeysFor({ ...criteria, postcode: child.address?.postcode as string }), stored)).toBe(
      true,
    );
    expect(shares(searchKeysFor(criteria), stored)).toBe(false);
  });

  it('queries both scopes with at most six keys for a name and date search, and only the open scope with a hidden field (R3)', () => {
    const plain = searchKeysFor({ givenName: 'William', familyName: 'Oyelaran', dateOfBirth: '2016-04-09' });
    expect(plain.length).toBeLessThanOrEqual(6);
    expect(plain.some((k) => k.split('#')[1] === 's')).toBe(true);
    const withPostcode = searchKeysFor({
      givenName: 'William',
      familyName: 'Oyelaran',
      dateOfBirth: '2016-04-09',
      postcode: 'LS8 3QE',
    });
    expect(withPostcode.every((k) => k.split('#')[1] === 'o')).toBe(true);
  });

  it('keys a shielded record only by its current names together, or one name with its date of birth or year (R3)', () => {
    const shielded = aChild({ shield: shieldBy('E08000035'), otherNames: [{ familyName: 'Castellanos' }] });
    expect(kinds(blockingKeysOf(shielded))).toEqual(['N', 'ND', 'NY']);
    const oneName = keysOf(
      { names: [{ familyName: 'Walker' }], dateOfBirth: '2016-04-09' },
      'shielded',
      'query',
    );
    const bothNames = keysOf(
      { names: [{ givenName: 'Amelia', familyName: 'Walker' }], dateOfBirth: '2016-04-09' },
      'shielded',
      'query',
    );
    // A search never asks for the name-and-year key: that one is for feed linkage only.
    expect(kinds(oneName)).toEqual(['ND']);
    expect(kinds(bothNames)).toEqual(['N']);
    expect(shares(oneName, blockingKeysOf(shielded))).toBe(true);
    expect(shares(bothNames, blockingKeysOf(shielded))).toBe(true);
  });
});
