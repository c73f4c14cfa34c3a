import type { ChildRecord } from '../child/record.ts';
import type { Gender, OtherName } from '../child/schema.ts';

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
