import type { ChildRecord } from '../child/record.ts';
import { compactPostcode } from '../identifiers/postcode.ts';
import { formsOf, matchingName, soundsOf } from './compare.ts';

/**
 * Blocking: which stored children a query is compared with at all. Each key is one DynamoDB Query, so the
 * design trades queries for pairs completeness — the share of true pairs that reach scoring, measured by
 * `npm run bench`. In the open scope four kinds, each catching what the others lose:
 *  - `D`, the date of birth with day and month in order (so a swapped day and month meets the same key);
 *  - `N`, the sounds of given and family name together, in either order, with no date (a date mistyped);
 *  - `S`, one name's sound with the other's first three letters (a date mistyped and one name misspelt);
 *  - `P`, one name's sound with a postcode (only when a postcode is typed: it is a hidden field, R3).
 * In the shielded scope `N`, `ND` (one name and the date) and, for feed linkage only, `NY` (one name and the
 * year). Plus `NHS` and `UPN`, exact. These strings are key material only: the repository stores and queries
 * their keyed hashes (HMAC), so no key attribute holds a name, date, postcode or identifier.
 */
export const BLOCKING_SCHEME = 'b3';

/**
 * Shielded children are keyed in a scope of their own, from only what their shielded view shows (current
 * given and family name, date of birth) — never previous or other names, postcode, NHS number or UPN. A
 * search that uses a hidden field queries the open scope only, so it cannot meet a shielded child; a
 * search by an old name meets no key of theirs — by construction, not by a filter (R3).
 */
export type KeyScope = 'open' | 'shielded';
const SCOPE_TAG: Record<KeyScope, string> = { open: 'o', shielded: 's' };

/** Postcodes keyed: the current one and the two most recent before it (a search with an older one still meets the date key). */
export const MAX_POSTCODES = 3;

/** What a search or a record is keyed by: names may be missing; the date is YYYY-MM-DD. */
export interface KeyedFields {
  names: { givenName?: string | undefined; familyName?: string | undefined }[];
  dateOfBirth?: string | undefined;
  postcodes?: string[] | undefined;
  nhsNumber?: string | undefined;
  upn?: string | undefined;
}

/** Day and month in order: 2016-04-09 and 2016-09-04 share this. */
export function dateInEitherOrder(isoDate: string): string {
  const [year, month, day] = isoDate.split('-');
  return `${year}-${[month, day].sort().join('-')}`;
}

const primarySound = (name: string) => soundsOf(name)[0] as string;

export const blockingKey = {
  birth: (scope: KeyScope, dob: string) => `D#${SCOPE_TAG[scope]}#${dateInEitherOrder(dob)}`,
  names: (scope: KeyScope, a: string, b: string) => `N#${SCOPE_TAG[scope]}#${[a, b].sort().join('#')}`,
  nameAndBirth: (sound: string, dob: string) => `ND#${SCOPE_TAG.shielded}#${sound}#${dateInEitherOrder(dob)}`,
  nameAndYear: (sound: string, dob: string) => `NY#${SCOPE_TAG.shielded}#${sound}#${dob.slice(0, 4)}`,
  soundAndPrefix: (sound: string, prefix: string) => `S#${SCOPE_TAG.open}#${sound}#${prefix}`,
  soundAndPostcode: (sound: string, postcode: string) =>
    `P#${SCOPE_TAG.open}#${sound}#${compactPostcode(postcode)}`,
  nhsNumber: (nhs: string) => `NHS#${nhs}`,
  upn: (upn: string) => `UPN#${upn}`,
} as const;

interface NameKeys {
  givenSounds: string[];
  familySound: string | undefined;
  /** Every sound of the pair: the given name's forms, then the family name. */
  sounds: string[];
  given: string;
  family: string;
}

/** A name pair's sounds: a given name blocks under every formal name it may stand for (Bill: william). */
function nameKeysOf(name: KeyedFields['names'][number]): NameKeys {
  const given = name.givenName ? matchingName(name.givenName) : '';
  const family = name.familyName ? matchingName(name.familyName) : '';
  const givenSounds = given ? [...new Set(formsOf(given).map(primarySound))] : [];
  const familySound = family ? primarySound(family) : undefined;
  return {
    givenSounds,
    familySound,
    sounds: [...givenSounds, ...(familySound ? [familySound] : [])],
    given,
    family,
  };
}

/**
 * Every key of these fields in one scope. A record and a query are keyed alike, so a query meets a record
 * whenever one kind of key agrees. The first name pair is the current one; a record's other names (open
 * scope only) follow, and are keyed by their names together (`N`).
 * The shielded scope has only keys whose every name agrees by sound with the child's current names — the
 * names together (`N`), or one name with the date of birth (`ND`, for a search that types one name) — so a
 * search by a birth name, or by a date alone, meets no key of a shielded child at all (R3).
 */
export function keysOf(fields: KeyedFields, scope: KeyScope, side: 'record' | 'query'): string[] {
  const keys = new Set<string>();
  const dob = fields.dateOfBirth;
  if (dob && scope === 'open') keys.add(blockingKey.birth(scope, dob));
  fields.names.map(nameKeysOf).forEach((name, i) => {
    const { familySound, givenSounds, sounds, given, family } = name;
    if (familySound) for (const g of givenSounds) keys.add(blockingKey.names(scope, g, familySound));
    if (scope === 'shielded' && dob) {
      const single = side === 'record' || !familySound || givenSounds.length === 0;
      if (single) for (const sound of sounds) keys.add(blockingKey.nameAndBirth(sound, dob));
      // Feed linkage only (a search never asks for it): one name and the year, so a feed row with the day
      // mistyped and the other name different still meets a shielded child rather than make a second,
      // unshielded record of it (R3, R8). Shielded children are few, so such a key holds a handful.
      if (side === 'record') for (const sound of sounds) keys.add(blockingKey.nameAndYear(sound, dob));
    }
    // The slip keys only for the current name: an other name is met by its names and the date of birth,
    // and a record's keys stay few enough to rewrite in one transaction.
    if (scope === 'open' && i === 0) {
      if (familySound && given) keys.add(blockingKey.soundAndPrefix(familySound, given.slice(0, 3)));
      if (family) for (const g of givenSounds) keys.add(blockingKey.soundAndPrefix(g, family.slice(0, 3)));
      for (const postcode of (fields.postcodes ?? []).slice(0, MAX_POSTCODES)) {
        for (const sound of sounds) keys.add(blockingKey.soundAndPostcode(sound, postcode));
      }
    }
  });
  if (scope === 'open') {
    if (fields.nhsNumber) keys.add(blockingKey.nhsNumber(fields.nhsNumber));
    if (fields.upn) keys.add(blockingKey.upn(fields.upn));
  }
  return [...keys];
}

/** Every key a record is written under: a shielded record only from what its shielded view shows (R3). */
export function blockingKeysOf(record: ChildRecord): string[] {
  const current = { givenName: record.givenName, familyName: record.familyName };
  if (record.shield) {
    return keysOf({ names: [current], dateOfBirth: record.dateOfBirth }, 'shielded', 'record');
  }
  // An other name changes one part at a time: the part it leaves out is the current one.
  const others = (record.otherNames ?? []).map((n) => ({
    givenName: n.givenName ?? record.givenName,
    familyName: n.familyName ?? record.familyName,
  }));
  const postcodes = [record.address, ...(record.previousAddresses ?? [])]
    .filter((a) => a !== undefined)
    .map((a) => a.postcode);
  return keysOf(
    {
      names: [current, ...others],
      dateOfBirth: record.dateOfBirth,
      postcodes,
      nhsNumber: record.nhsNumber,
      upn: record.upn,
    },
    'open',
    'record',
  );
}

/** A key of the shielded scope: whatever its profile says, the child behind it is treated as shielded. */
export function isShieldedScopeKey(key: string): boolean {
  return key.split('#')[1] === SCOPE_TAG.shielded;
}

/** The identifier an exact identifier key is for; undefined for every other key. */
export function identifierOfKey(key: string): 'NHS number' | 'UPN' | undefined {
  if (key.startsWith('NHS#')) return 'NHS number';
  if (key.startsWith('UPN#')) return 'UPN';
  return undefined;
}
