import { keysOf } from '../matching/blocking.ts';
import { matchingName } from '../matching/compare.ts';
import type { Comparable, ComparisonVector } from '../matching/vector.ts';
import type { FeedFields } from './feed.ts';

/**
 * R8 linkage thresholds on the engine's match probability: at or above `link` a row joins the child; between
 * `review` and `link` a data manager decides; below, the row is a child not yet known. A shielded candidate
 * goes to its shielding team from `shieldedReview` up, far lower, because creating an unshielded second record
 * of a shielded child is the one mistake that must not happen (the original ContactPoint's feed made it).
 */
export const LINKAGE_THRESHOLDS = {
  link: 0.9,
  review: 0.2,
  shieldedReview: 0.01,
  /**
   * When two children both pass `link`, the likelier is taken only if its odds are at least 2^10 times the
   * other's; otherwise a data manager decides (two records may be one child).
   */
  clearLeadBits: 10,
} as const;

const UNASKED = ['S#', 'NHS#', 'UPN#'];

/** What a feed row is compared as. */
export function comparableOf(fields: FeedFields): Comparable {
  return {
    givenName: fields.givenName,
    familyName: fields.familyName,
    otherNames: fields.otherNames,
    dateOfBirth: fields.dateOfBirth,
    gender: fields.gender,
    postcodes: fields.address ? [fields.address.postcode] : undefined,
  };
}

/**
 * Keys a feed row is looked up by: the open keys of its names, date of birth and postcode, and the shielded keys
 * of its current name and date of birth, so a shielded child is always met (R3: found to be protected, never
 * shown). Not the slip keys (a mistyped date and a misspelt name together are rare in a register) nor the
 * identifier keys (an identifier is looked up by its claim, which finds a shielded child too): each key is a
 * query, and a national load makes millions.
 */
export function linkageKeysOf(fields: FeedFields): string[] {
  const current = { givenName: fields.givenName, familyName: fields.familyName };
  const open = keysOf(
    {
      names: [current, ...(fields.otherNames ?? [])],
      dateOfBirth: fields.dateOfBirth,
      postcodes: fields.address ? [fields.address.postcode] : [],
      nhsNumber: fields.nhsNumber,
      upn: fields.upn,
    },
    'open',
    'record',
  );
  const shielded = keysOf({ names: [current], dateOfBirth: fields.dateOfBirth }, 'shielded', 'record');
  const asked = open.filter((key) => !UNASKED.some((prefix) => key.startsWith(prefix)));
  return [...new Set([...asked, ...shielded])];
}

const DIFFERENT_GIVEN = new Set(['jw70', 'other']);

/**
 * Another child of the household: a row and a record that share a family name or an address but whose given
 * names are not the same name. Twins (born the same day) share everything else; a brother or sister may be born
 * a digit away (2015-01-11 and 2017-01-11), which the engine reads as a mistyped date. Such a pair is never
 * merged, whatever else agrees: a different given name and a second discrepancy in a household is a sibling,
 * not a typist's slip.
 */
export function isAnotherChildOfTheHousehold(vector: ComparisonVector): boolean {
  const household = vector.postcode === 'full' || vector.familyName === 'exact';
  return household && vector.givenName !== null && DIFFERENT_GIVEN.has(vector.givenName);
}

const SIMILAR_GIVEN = new Set(['jw85', 'sound']);

/**
 * A pair a person must decide, however probable: in a household (the same family name or address), a given name
 * that is only similar on the same date of birth (Ellie and Ella, Harry and Harvey: twins are often named alike,
 * and a misspelling looks the same), or the same given name on a date of birth nothing like it (a brother or
 * sister given the same name, or a wrong date). The engine weighs people across the country and cannot tell
 * these apart; a wrong join merges two children, so a data manager decides.
 */
export function isInDoubtWithinTheHousehold(vector: ComparisonVector): boolean {
  const household = vector.postcode === 'full' || vector.familyName === 'exact';
  if (!household || vector.givenName === null) return false;
  const twinLike = vector.dateOfBirth === 'exact' && SIMILAR_GIVEN.has(vector.givenName);
  return twinLike || vector.dateOfBirth === 'other';
}

/**
 * A pair that shares nothing but a given name and a date of birth: the family name is another and the address
 * is not the same. A family-name change and a move together are rare; about eight children of one given name are
 * born in England every day. Daniel Larson and Daniel Frami-Schowalter, born the same day in different towns,
 * scored 0.997; a person decides.
 */
export function sharesOnlyGivenNameAndBirth(vector: ComparisonVector): boolean {
  const familyDiffers = vector.familyName === null || DIFFERENT_GIVEN.has(vector.familyName);
  return familyDiffers && vector.postcode !== 'full';
}

/** A pair a person decides, however probable the engine finds it. */
export const needsAPerson = (vector: ComparisonVector): boolean =>
  isInDoubtWithinTheHousehold(vector) || sharesOnlyGivenNameAndBirth(vector);

/**
 * A row's identity: its given and family name as the engine reads them, and its date of birth. Two rows of one
 * new child linked at the same moment (two loads, two chunks of one load) nearly always carry the same; the
 * record first made with an identity claims it, so the later row meets that record even before the blocking
 * index shows it, and joins it instead of making a second. Many children share an identity: it is a
 * candidate to weigh, never a link.
 */
export function identityOf(fields: FeedFields): string | undefined {
  if (!fields.givenName || !fields.familyName) return undefined;
  return `identity#${matchingName(fields.givenName)}#${matchingName(fields.familyName)}#${fields.dateOfBirth}`;
}

/** Sources that register a child once: a second row of theirs with another reference is another child. */
export const REGISTERS_ONCE: ReadonlySet<string> = new Set(['births', 'school-census', 'nhs-demographics']);
