import jaroWinkler from 'talisman/metrics/jaro-winkler.js';
import {
  type BirthLevel,
  compareBirth,
  compareGender,
  compareName,
  comparePostcode,
  type GenderLevel,
  matchingName,
  NAME_LEVELS,
  type NameLevel,
  type OrderLevel,
  type PostcodeLevel,
} from './compare.ts';

/** What the engine compares on either side: a practitioner's query, a feed row or a stored child. */
export interface Comparable {
  givenName?: string | undefined;
  familyName?: string | undefined;
  /** Other names the child is or was known by (open records only: R3). */
  otherNames?: { givenName?: string | undefined; familyName?: string | undefined }[] | undefined;
  dateOfBirth?: string | undefined;
  postcodes?: string[] | undefined;
  gender?: string | undefined;
}

/** One pair's levels, and the names that agreed exactly (for term-frequency weighting). */
export interface ComparisonVector {
  givenName: NameLevel | null;
  familyName: NameLevel | null;
  nameOrder: OrderLevel | null;
  dateOfBirth: BirthLevel | null;
  postcode: PostcodeLevel | null;
  gender: GenderLevel | null;
  /** The normalised name that agreed exactly, when one did. */
  exactGivenName?: string | undefined;
  exactFamilyName?: string | undefined;
  /** The record's name set that was compared (0 = current name), so an explanation can say which. */
  nameSet: number;
}

interface NamePair {
  given: string;
  family: string;
}

/** The current name, then each other name with the part it does not change taken from the current one. */
function namePairs(side: Comparable): NamePair[] {
  const current = { givenName: side.givenName, familyName: side.familyName };
  return [current, ...(side.otherNames ?? [])].map((n) => {
    const given = n.givenName ?? current.givenName;
    const family = n.familyName ?? current.familyName;
    return { given: given ? matchingName(given) : '', family: family ? matchingName(family) : '' };
  });
}

const similarity = (a: string, b: string) => (a && b ? (a === b ? 1 : jaroWinkler(a, b)) : 0);
const rank = (level: NameLevel | null) => (level === null ? NAME_LEVELS.length : NAME_LEVELS.indexOf(level));

/**
 * Compares two sides without a model, deterministically, so training and scoring see the same levels:
 * the record's names are tried as typed and swapped (given typed as family), and against each of its
 * other names; the alignment whose names agree best is compared.
 */
export function compareRecords(query: Comparable, record: Comparable): ComparisonVector {
  const [q] = namePairs(query) as [NamePair];
  let best:
    | {
        given: NameLevel | null;
        family: NameLevel | null;
        order: OrderLevel;
        set: number;
        g: string;
        f: string;
      }
    | undefined;
  let bestScore = Number.POSITIVE_INFINITY;
  namePairs(record).forEach((r, set) => {
    const asTyped = similarity(q.given, r.given) + similarity(q.family, r.family);
    const swapped = similarity(q.given, r.family) + similarity(q.family, r.given);
    // Swapped only when it is clearly the better reading, and both names are there to swap.
    const order: OrderLevel = q.given && q.family && swapped > asTyped + 0.1 ? 'swapped' : 'as-typed';
    const [g, f] = order === 'swapped' ? [r.family, r.given] : [r.given, r.family];
    const given = compareName(q.given, g);
    const family = compareName(q.family, f);
    const score = rank(given) + rank(family) + (set > 0 ? 0.5 : 0);
    if (score < bestScore) {
      bestScore = score;
      best = { given, family, order, set, g, f };
    }
  });
  const chosen = best as NonNullable<typeof best>;
  return {
    givenName: chosen.given,
    familyName: chosen.family,
    nameOrder: q.given && q.family ? chosen.order : null,
    dateOfBirth: compareBirth(query.dateOfBirth, record.dateOfBirth),
    postcode: comparePostcode(query.postcodes, record.postcodes),
    gender: compareGender(query.gender, record.gender),
    ...(chosen.given === 'exact' && { exactGivenName: chosen.g }),
    ...(chosen.family === 'exact' && { exactFamilyName: chosen.f }),
    nameSet: chosen.set,
  };
}
