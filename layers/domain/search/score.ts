import jaroWinkler from 'talisman/metrics/jaro-winkler.js';
import { swapDayAndMonth } from '../dates.ts';
import { outwardCode } from '../identifiers/postcode.ts';
import type { SearchCriteria } from './criteria.ts';
import { canonicalGivenNames } from './nicknames.ts';
import { normaliseName } from './normalise.ts';
import type { MatchProfile } from './profile.ts';

const WEIGHT = { family: 0.35, given: 0.3, birth: 0.35 } as const;
const POSTCODE_BONUS = { full: 0.05, outward: 0.02 } as const;
const GENDER_PENALTY = 0.05;
const SWAPPED_NAMES_FACTOR = 0.95;

function bestSimilarity(queries: string[], candidates: string[]): number {
  let best = 0;
  for (const q of queries) for (const c of candidates) best = Math.max(best, q === c ? 1 : jaroWinkler(q, c));
  return best;
}

function givenForms(raw: string): string[] {
  const n = normaliseName(raw);
  return n ? [n, ...canonicalGivenNames(n)] : [];
}

/** 1 for the same date; less for a day/month swap or one wrong part; 0 otherwise. */
export function birthSimilarity(query: string, candidate: string): number {
  if (query === candidate) return 1;
  if (swapDayAndMonth(query) === candidate) return 0.9;
  const q = query.split('-');
  const c = candidate.split('-');
  const samePartCount = q.filter((part, i) => part === c[i]).length;
  if (samePartCount === 2) return 0.7;
  return 0;
}

/**
 * How well a candidate agrees with the criteria, 0..1: Jaro-Winkler on names (nicknames and other
 * names count), date-of-birth distance, then small adjustments for postcode and gender agreement.
 */
export function scoreCandidate(
  criteria: SearchCriteria,
  profile: MatchProfile,
  identifierMatched: boolean,
): number {
  if (identifierMatched && criteria.familyName === undefined && criteria.givenName === undefined) return 1;
  const names = [
    { givenName: profile.givenName, familyName: profile.familyName },
    ...(profile.otherNames ?? []),
  ];
  const families = names.flatMap((n) => (n.familyName ? [normaliseName(n.familyName)] : []));
  const givens = names.flatMap((n) => (n.givenName ? givenForms(n.givenName) : []));
  const family = criteria.familyName ? [normaliseName(criteria.familyName)] : undefined;
  const given = criteria.givenName ? givenForms(criteria.givenName) : undefined;
  let asTyped = 0;
  let swapped = 0;
  let weight = 0;
  if (family) {
    asTyped += WEIGHT.family * bestSimilarity(family, families);
    swapped += WEIGHT.family * bestSimilarity(family, givens);
    weight += WEIGHT.family;
  }
  if (given) {
    asTyped += WEIGHT.given * bestSimilarity(given, givens);
    swapped += WEIGHT.given * bestSimilarity(given, families);
    weight += WEIGHT.given;
  }
  // Given and family name typed the wrong way round count too, with a small penalty.
  let total = Math.max(asTyped, family && given ? swapped * SWAPPED_NAMES_FACTOR : 0);
  if (criteria.dateOfBirth) {
    total += WEIGHT.birth * birthSimilarity(criteria.dateOfBirth, profile.dateOfBirth);
    weight += WEIGHT.birth;
  }
  let score = weight > 0 ? total / weight : 0;
  if (criteria.postcode && profile.postcodes) {
    if (profile.postcodes.includes(criteria.postcode)) score += POSTCODE_BONUS.full;
    else if (profile.postcodes.some((p) => outwardCode(p) === outwardCode(criteria.postcode as string))) {
      score += POSTCODE_BONUS.outward;
    }
  }
  const genderKnown = criteria.gender && criteria.gender !== 'not-known' && profile.gender !== 'not-known';
  if (genderKnown && criteria.gender !== profile.gender) score -= GENDER_PENALTY;
  if (identifierMatched) score = Math.max(score, 0.99);
  return Math.min(1, Math.max(0, score));
}
