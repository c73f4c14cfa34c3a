import anyAscii from 'any-ascii';
import { doubleMetaphone } from 'double-metaphone';
import damerauLevenshtein from 'talisman/metrics/damerau-levenshtein.js';
import jaroWinkler from 'talisman/metrics/jaro-winkler.js';
import { swapDayAndMonth } from '../dates.ts';
import { compactPostcode } from '../identifiers/postcode.ts';
import { canonicalGivenNames } from './nicknames.ts';

/**
 * The comparison levels of the matching engine (Fellegi–Sunter). Each compared field falls into exactly
 * one level, the first that holds, from the strongest agreement to none; a field missing on either side
 * is `null` and weighs nothing. The level names are what the model file and the explanations use.
 */
export const NAME_LEVELS = ['exact', 'form', 'jw92', 'jw85', 'sound', 'jw70', 'other'] as const;
export const BIRTH_LEVELS = [
  'exact',
  'day-month-swapped',
  'year-off-by-one',
  'one-digit',
  'one-part',
  'other',
] as const;
export const POSTCODE_LEVELS = ['full', 'sector', 'district', 'other'] as const;
export const GENDER_LEVELS = ['same', 'different'] as const;
export const ORDER_LEVELS = ['as-typed', 'swapped'] as const;

export type NameLevel = (typeof NAME_LEVELS)[number];
export type BirthLevel = (typeof BIRTH_LEVELS)[number];
export type PostcodeLevel = (typeof POSTCODE_LEVELS)[number];
export type GenderLevel = (typeof GENDER_LEVELS)[number];
export type OrderLevel = (typeof ORDER_LEVELS)[number];

/** How many names each memo below keeps; common names recur, and a search meets thousands of candidates. */
const REMEMBERED_NAMES = 50_000;

/**
 * A pure function of a name, remembered: a search compares one query with every child born that day, and
 * both sides' names repeat, so each is transliterated and sounded once rather than once per comparison.
 */
function remembered<T>(of: (name: string) => T): (name: string) => T {
  const memo = new Map<string, T>();
  return (name) => {
    let value = memo.get(name);
    if (value === undefined) {
      if (memo.size >= REMEMBERED_NAMES) memo.clear();
      value = of(name);
      memo.set(name, value);
    }
    return value;
  };
}

/**
 * A name as the engine compares it: transliterated to Latin letters (Мухаммед → mukhammed), accents
 * folded, lower case, letters only, Mac read as Mc. The original spelling is kept by the record; this is
 * only what is compared and keyed.
 */
export const matchingName = remembered((raw: string): string =>
  anyAscii(raw.normalize('NFC'))
    .toLowerCase()
    .split(/[^a-z]+/)
    .map((part) => (part.startsWith('mac') && part.length > 4 ? `mc${part.slice(3)}` : part))
    .join(''),
);

/** Both double-metaphone codes of a normalised name (primary first), without empties. */
export const soundsOf = remembered((name: string): readonly string[] => {
  const codes = doubleMetaphone(name).filter((c) => c.length > 0);
  return Object.freeze(codes.length > 0 ? [...new Set(codes)] : [name.toUpperCase()]);
});

/** The formal names a given name may stand for (Bill → william); the name itself when it has none. */
export function formsOf(name: string): string[] {
  return canonicalGivenNames(name);
}

function shareAny(a: readonly string[], b: readonly string[]): boolean {
  return a.some((x) => b.includes(x));
}

/** One name against another, both already `matchingName`d. Empty on either side is `null`. */
export function compareName(query: string, record: string): NameLevel | null {
  if (!query || !record) return null;
  if (query === record) return 'exact';
  if (shareAny(formsOf(query), formsOf(record))) return 'form';
  const jw = jaroWinkler(query, record);
  if (jw >= 0.92) return 'jw92';
  if (jw >= 0.85) return 'jw85';
  if (shareAny(soundsOf(query), soundsOf(record))) return 'sound';
  if (jw >= 0.7) return 'jw70';
  return 'other';
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Dates of birth, YYYY-MM-DD. Levels are the slips people make typing or registering a date. */
export function compareBirth(query: string | undefined, record: string | undefined): BirthLevel | null {
  if (!query || !record) return null;
  if (query === record) return 'exact';
  const q = DATE.exec(query);
  const r = DATE.exec(record);
  if (!q || !r) return 'other';
  if (swapDayAndMonth(query) === record) return 'day-month-swapped';
  const [, qy, qm, qd] = q as unknown as [string, string, string, string];
  const [, ry, rm, rd] = r as unknown as [string, string, string, string];
  if (qm === rm && qd === rd && Math.abs(Number(qy) - Number(ry)) === 1) return 'year-off-by-one';
  // One digit typed wrong, or two neighbours transposed (Damerau), anywhere in the eight.
  if (damerauLevenshtein(`${qy}${qm}${qd}`, `${ry}${rm}${rd}`) === 1) return 'one-digit';
  const sameParts = Number(qy === ry) + Number(qm === rm) + Number(qd === rd);
  if (sameParts === 2) return 'one-part';
  return 'other';
}

/** Outward code and the inward code's digit: "LS6 2AB" → district "LS6", sector "LS6 2". */
function postcodeParts(postcode: string): { district: string; sector: string } | undefined {
  const compact = compactPostcode(postcode);
  if (compact.length < 5) return undefined;
  const district = compact.slice(0, -3);
  return { district, sector: `${district} ${compact.slice(-3, -2)}` };
}

/** Any of the query's postcodes against any of the record's (current and previous): the best level. */
export function comparePostcode(
  query: string[] | undefined,
  record: string[] | undefined,
): PostcodeLevel | null {
  if (!query?.length || !record?.length) return null;
  let best: PostcodeLevel | null = null;
  for (const a of query) {
    const p = postcodeParts(a);
    if (!p) continue;
    for (const b of record) {
      const r = postcodeParts(b);
      if (!r) continue;
      const level: PostcodeLevel =
        compactPostcode(a) === compactPostcode(b)
          ? 'full'
          : p.sector === r.sector
            ? 'sector'
            : p.district === r.district
              ? 'district'
              : 'other';
      if (best === null || POSTCODE_LEVELS.indexOf(level) < POSTCODE_LEVELS.indexOf(best)) best = level;
    }
  }
  return best;
}

/** `not-known` on either side says nothing. */
export function compareGender(query: string | undefined, record: string | undefined): GenderLevel | null {
  if (!query || !record || query === 'not-known' || record === 'not-known') return null;
  return query === record ? 'same' : 'different';
}
