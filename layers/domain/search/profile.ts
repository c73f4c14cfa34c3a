import type { ChildRecord } from '../child/record.ts';
import type { Gender, OtherName } from '../child/schema.ts';
import { familyNameKey, givenNameKeys, namePrefix } from './normalise.ts';

/**
 * What a blocking-key entry carries for scoring: names, date of birth, gender and — only for a child
 * who is not shielded — postcodes. It is all a search needs, so one round of key queries answers it.
 */
export interface MatchProfile {
  childId: string;
  givenName: string;
  familyName: string;
  otherNames?: OtherName[] | undefined;
  dateOfBirth: string;
  gender: Gender;
  /** Current and previous postcodes; absent for a shielded child (R3). */
  postcodes?: string[] | undefined;
  /**
   * Set by the search for a profile met under a shielded-scope key (R3). Never stored: the key's scope is
   * what says a child is shielded.
   */
  shielded?: true | undefined;
}

/**
 * Shielded children are written under keys of their own scope, built only from what their shielded view
 * shows (current given and family name, date of birth) — never from previous or other names, postcode,
 * NHS number or UPN. A search that uses a hidden field queries the open scope only, so it cannot find a
 * shielded child; a search by an old name meets no key of theirs — by construction, not by a filter (R3).
 */
export type KeyScope = 'open' | 'shielded';
const SCOPE_TAG: Record<KeyScope, string> = { open: 'o', shielded: 's' };

/**
 * Names of either kind share one key space: a family name and a given name are both written under
 * "name + date of birth", so a search with the two names swapped still meets the record.
 */
export const blockingKey = {
  nameAndBirth: (scope: KeyScope, phonetic: string, dob: string) =>
    `ND#${SCOPE_TAG[scope]}#${phonetic}#${dob}`,
  prefixAndBirth: (scope: KeyScope, prefix: string, dob: string) => `NP#${SCOPE_TAG[scope]}#${prefix}#${dob}`,
  namesAndYear: (scope: KeyScope, family: string, given: string, year: string) =>
    `FGY#${SCOPE_TAG[scope]}#${family}#${given}#${year}`,
  birthAndPostcode: (dob: string, postcode: string) => `DP#${dob}#${postcode.replace(/\s/g, '')}`,
  nhsNumber: (nhs: string) => `NHS#${nhs}`,
  upn: (upn: string) => `UPN#${upn}`,
} as const;

export function profileOf(record: ChildRecord): MatchProfile {
  const shielded = record.shield !== undefined;
  if (shielded) {
    // R3: nothing the shielded view hides, not even for scoring.
    return {
      childId: record.childId,
      givenName: record.givenName,
      familyName: record.familyName,
      dateOfBirth: record.dateOfBirth,
      gender: record.gender,
    };
  }
  const postcodes = [record.address, ...(record.previousAddresses ?? [])]
    .filter((a) => a !== undefined)
    .map((a) => a.postcode);
  return {
    childId: record.childId,
    givenName: record.givenName,
    familyName: record.familyName,
    ...(record.otherNames?.length && { otherNames: record.otherNames }),
    dateOfBirth: record.dateOfBirth,
    gender: record.gender,
    ...(postcodes.length > 0 && { postcodes: [...new Set(postcodes)] }),
  };
}

/** Every blocking key a record is written under. */
export function blockingKeysOf(record: ChildRecord): string[] {
  const scope: KeyScope = record.shield ? 'shielded' : 'open';
  const dob = record.dateOfBirth;
  const familyNames = new Set<string>();
  const givenNames = new Set<string>();
  const prefixes = new Set<string>();
  // R3: a shielded child's previous and other names are never keys (an adoptive family's old name).
  for (const name of [
    { givenName: record.givenName, familyName: record.familyName },
    ...(scope === 'open' ? (record.otherNames ?? []) : []),
  ]) {
    const family = name.familyName ? familyNameKey(name.familyName) : undefined;
    if (family) familyNames.add(family);
    for (const given of name.givenName ? givenNameKeys(name.givenName) : []) givenNames.add(given);
    for (const part of [name.familyName, name.givenName]) {
      const prefix = part ? namePrefix(part) : undefined;
      if (prefix) prefixes.add(prefix);
    }
  }
  const keys = new Set<string>();
  for (const phonetic of [...familyNames, ...givenNames])
    keys.add(blockingKey.nameAndBirth(scope, phonetic, dob));
  for (const prefix of prefixes) keys.add(blockingKey.prefixAndBirth(scope, prefix, dob));
  for (const family of familyNames) {
    for (const given of givenNames) keys.add(blockingKey.namesAndYear(scope, family, given, dob.slice(0, 4)));
  }
  if (scope === 'open') {
    for (const postcode of profileOf(record).postcodes ?? [])
      keys.add(blockingKey.birthAndPostcode(dob, postcode));
    if (record.nhsNumber) keys.add(blockingKey.nhsNumber(record.nhsNumber));
    if (record.upn) keys.add(blockingKey.upn(record.upn));
  }
  return [...keys];
}

/** A key of the shielded scope: whatever its profile says, the child behind it is treated as shielded. */
export function isShieldedScopeKey(key: string): boolean {
  return key.split('#')[1] === SCOPE_TAG.shielded;
}

export function isIdentifierKey(key: string): boolean {
  return key.startsWith('NHS#') || key.startsWith('UPN#');
}
