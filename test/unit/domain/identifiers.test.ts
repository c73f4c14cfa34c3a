import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ContactPointIdSchema,
  contactPointIdFrom,
  isValidContactPointId,
} from '#domain/identifiers/contactpoint-id.ts';
import { isValidNhsNumber } from '#domain/identifiers/nhs-number.ts';
import { normalisePostcode } from '#domain/identifiers/postcode.ts';
import { isValidUpn, upnCheckLetter } from '#domain/identifiers/upn.ts';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXY';
const anId = fc.uint8Array({ minLength: 8, maxLength: 8 }).map(contactPointIdFrom);

describe('ContactPoint ID', () => {
  it('accepts every ID it issues, however it is spaced or cased', () => {
    fc.assert(
      fc.property(anId, (id) => {
        expect(isValidContactPointId(id)).toBe(true);
        expect(ContactPointIdSchema.parse(`${id.slice(0, 5).toLowerCase()} ${id.slice(5)}`)).toBe(id);
      }),
    );
  });

  it('refuses an ID with any one character mistyped', () => {
    fc.assert(
      fc.property(anId, fc.integer({ min: 2, max: 10 }), fc.integer({ min: 1, max: 30 }), (id, at, shift) => {
        const original = ALPHABET.indexOf(id[at] as string);
        const typo = `${id.slice(0, at)}${ALPHABET[(original + shift) % 31]}${id.slice(at + 1)}`;
        expect(isValidContactPointId(typo)).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses an ID with two neighbouring characters swapped', () => {
    fc.assert(
      fc.property(anId, fc.integer({ min: 2, max: 9 }), (id, at) => {
        fc.pre(id[at] !== id[at + 1]);
        const swapped = `${id.slice(0, at)}${id[at + 1]}${id[at]}${id.slice(at + 2)}`;
        expect(isValidContactPointId(swapped)).toBe(false);
      }),
    );
  });
});

describe('NHS number', () => {
  it('accepts a number whose modulus 11 check digit is right, with or without spaces', () => {
    expect(isValidNhsNumber('943 476 5919')).toBe(true);
    expect(isValidNhsNumber('9434765919')).toBe(true);
  });

  it('refuses a wrong check digit, a wrong length and a number whose check would be 10', () => {
    expect(isValidNhsNumber('9434765918')).toBe(false);
    expect(isValidNhsNumber('943476591')).toBe(false);
    expect(isValidNhsNumber('1000000010')).toBe(false);
  });
});

describe('Unique Pupil Number', () => {
  it('accepts a UPN whose check letter matches and refuses one that does not', () => {
    const body = '801200001001';
    expect(isValidUpn(`${upnCheckLetter(body)}${body}`)).toBe(true);
    const wrong = 'ABCDEFGHJKLMNPQRTUVWXYZ'.replace(upnCheckLetter(body), '')[0];
    expect(isValidUpn(`${wrong}${body}`)).toBe(false);
  });
});

describe('postcode', () => {
  it('normalises case and spacing, and refuses what is not a UK postcode', () => {
    expect(normalisePostcode('ls83qe')).toBe('LS8 3QE');
    expect(normalisePostcode(' LS8   3QE ')).toBe('LS8 3QE');
    expect(normalisePostcode('4223')).toBeUndefined();
  });
});
