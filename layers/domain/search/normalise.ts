import { doubleMetaphone } from 'double-metaphone';
import { canonicalGivenNames } from './nicknames.ts';

/**
 * Name normalisation, done once, here: fold accents (Zoë → zoe), lower-case, drop everything that is
 * not a letter (spaces, hyphens, apostrophes: O'Brien → obrien), and read Mac as Mc.
 */
export function normaliseName(raw: string): string {
  return lettersOnly(raw.normalize('NFKD').replace(/\p{M}/gu, ''));
}

/** The common tail of every name normalisation: lower case, letters only, Mac read as Mc. */
export function lettersOnly(folded: string): string {
  return folded
    .toLowerCase()
    .split(/[^a-z]+/)
    .map((part) => (part.startsWith('mac') && part.length > 4 ? `mc${part.slice(3)}` : part))
    .join('');
}

/** Primary double-metaphone code; the normalised name itself when the code would be empty. */
export function phoneticKey(normalised: string): string {
  const [primary] = doubleMetaphone(normalised);
  return primary || normalised.toUpperCase();
}

/** Every phonetic key a given name blocks under: one per formal name it may stand for. */
export function givenNameKeys(rawGivenName: string): string[] {
  const normalised = normaliseName(rawGivenName);
  if (!normalised) return [];
  return [...new Set(canonicalGivenNames(normalised).map(phoneticKey))];
}

export function familyNameKey(rawFamilyName: string): string | undefined {
  const normalised = normaliseName(rawFamilyName);
  return normalised ? phoneticKey(normalised) : undefined;
}

/** The first three letters of a normalised name: catches a slip after them that changes the sound. */
export function namePrefix(raw: string): string | undefined {
  const normalised = normaliseName(raw);
  return normalised.length >= 2 ? normalised.slice(0, 3) : undefined;
}
