import type { ChildRecord } from '../child/record.ts';
import type { Gender, OtherName } from '../child/schema.ts';
import { familyNameKey, givenNameKeys } from './normalise.ts';

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
}

/**
 * Shielded children are written under keys of their own scope, and never under keys built from a
 * field their view hides (postcode, NHS number, UPN). A search that uses a hidden field queries the
 * open scope only, so it cannot find a shielded child — by construction, not by a filter (R3).
 */
export type KeyScope = 'open' | 'shielded';
const SCOPE_TAG: Record<KeyScope, string> = { open: 'o', shielded: 's' };

export const blockingKey = {
  familyAndBirth: (scope: KeyScope, family: string, dob: string) => `FD#${SCOPE_TAG[scope]}#${family}#${dob}`,
  givenAndBirth: (scope: KeyScope, given: string, dob: string) => `GD#${SCOPE_TAG[scope]}#${given}#${dob}`,
  namesAndYear: (scope: KeyScope, family: string, given: string, year: string) =>
    `FGY#${SCOPE_TAG[scope]}#${family}#${given}#${year}`,
  birthAndPostcode: (dob: string, postcode: string) => `DP#${dob}#${postcode.replace(/\s/g, '')}`,
  nhsNumber: (nhs: string) => `NHS#${nhs}`,
  upn: (upn: string) => `UPN#${upn}`,
} as const;

export function profileOf(record: ChildRecord): MatchProfile {
  const shielded = record.shield !== undefined;
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
    ...(!shielded && postcodes.length > 0 && { postcodes: [...new Set(postcodes)] }),
  };
}

/** Every blocking key a record is written under. */
export function blockingKeysOf(record: ChildRecord): string[] {
  const scope: KeyScope = record.shield ? 'shielded' : 'open';
  const dob = record.dateOfBirth;
  const year = dob.slice(0, 4);
  const familyNames = new Set<string>();
  const givenNames = new Set<string>();
  for (const name of [
    { givenName: record.givenName, familyName: record.familyName },
    ...(record.otherNames ?? []),
  ]) {
    const family = name.familyName ? familyNameKey(name.familyName) : undefined;
    if (family) familyNames.add(family);
    for (const given of name.givenName ? givenNameKeys(name.givenName) : []) givenNames.add(given);
  }
  const keys = new Set<string>();
  for (const family of familyNames) keys.add(blockingKey.familyAndBirth(scope, family, dob));
  for (const given of givenNames) keys.add(blockingKey.givenAndBirth(scope, given, dob));
  for (const family of familyNames) {
    for (const given of givenNames) keys.add(blockingKey.namesAndYear(scope, family, given, year));
  }
  if (scope === 'open') {
    for (const postcode of profileOf(record).postcodes ?? [])
      keys.add(blockingKey.birthAndPostcode(dob, postcode));
    if (record.nhsNumber) keys.add(blockingKey.nhsNumber(record.nhsNumber));
    if (record.upn) keys.add(blockingKey.upn(record.upn));
  }
  return [...keys];
}

export function isIdentifierKey(key: string): boolean {
  return key.startsWith('NHS#') || key.startsWith('UPN#');
}
