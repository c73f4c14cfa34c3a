import type { z } from 'zod';
import { GenderSchema, NamePart } from '../child/schema.ts';
import { IsoDate, swapDayAndMonth } from '../dates.ts';
import { NhsNumberSchema } from '../identifiers/nhs-number.ts';
import { PostcodeSchema } from '../identifiers/postcode.ts';
import { UpnSchema } from '../identifiers/upn.ts';
import { familyNameKey, givenNameKeys, namePrefix } from './normalise.ts';
import { blockingKey, type KeyScope } from './profile.ts';

/** R10: a search needs a name and a date of birth, or an identifier — never a browse. */
export const searchCriteriaShape = {
  familyName: NamePart.optional().meta({ example: 'Walker' }),
  givenName: NamePart.optional().meta({ example: 'Amelia' }),
  dateOfBirth: IsoDate.optional(),
  postcode: PostcodeSchema.optional(),
  gender: GenderSchema.optional(),
  nhsNumber: NhsNumberSchema.optional(),
  upn: UpnSchema.optional(),
};

export interface SearchCriteria {
  familyName?: string | undefined;
  givenName?: string | undefined;
  dateOfBirth?: string | undefined;
  postcode?: string | undefined;
  gender?: z.infer<typeof GenderSchema> | undefined;
  nhsNumber?: string | undefined;
  upn?: string | undefined;
}

export function hasIdentifier(c: SearchCriteria): boolean {
  return c.nhsNumber !== undefined || c.upn !== undefined;
}

/** Refinement shared by every schema that carries search criteria: names the missing field. */
export function requireNameAndBirthOrIdentifier(c: SearchCriteria, ctx: z.RefinementCtx): void {
  if (hasIdentifier(c)) return;
  if (c.dateOfBirth === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['dateOfBirth'],
      message: 'is required unless an NHS number or UPN is given (R10)',
    });
  }
  if (c.familyName === undefined && c.givenName === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['familyName'],
      message: 'a family name or given name is required unless an NHS number or UPN is given (R10)',
    });
  }
}

/** R3: fields the shielded view does not show. A search using any of them must not find a shielded child. */
export function usesHiddenField(c: SearchCriteria): boolean {
  return c.postcode !== undefined || c.nhsNumber !== undefined || c.upn !== undefined;
}

/** The blocking keys to query for these criteria: each is one cheap Query, issued in parallel. */
export function searchKeysFor(c: SearchCriteria): string[] {
  const keys = new Set<string>();
  if (c.nhsNumber) keys.add(blockingKey.nhsNumber(c.nhsNumber));
  if (c.upn) keys.add(blockingKey.upn(c.upn));
  if (c.dateOfBirth) {
    const scopes: KeyScope[] = usesHiddenField(c) ? ['open'] : ['open', 'shielded'];
    const swapped = swapDayAndMonth(c.dateOfBirth);
    const dates = swapped ? [c.dateOfBirth, swapped] : [c.dateOfBirth];
    const family = c.familyName ? familyNameKey(c.familyName) : undefined;
    const givens = c.givenName ? givenNameKeys(c.givenName) : [];
    const phonetics = [...(family ? [family] : []), ...givens];
    const prefixes = [c.familyName, c.givenName]
      .flatMap((n) => (n ? [namePrefix(n)] : []))
      .filter((p) => p !== undefined);
    for (const scope of scopes) {
      for (const dob of dates) {
        for (const phonetic of phonetics) keys.add(blockingKey.nameAndBirth(scope, phonetic, dob));
        for (const prefix of prefixes) keys.add(blockingKey.prefixAndBirth(scope, prefix, dob));
      }
      // Date mistyped: same names, same year (swapping day and month keeps the year), either way round.
      if (family) {
        const year = c.dateOfBirth.slice(0, 4);
        for (const given of givens) {
          keys.add(blockingKey.namesAndYear(scope, family, given, year));
          keys.add(blockingKey.namesAndYear(scope, given, family, year));
        }
      }
    }
    if (c.postcode) for (const dob of dates) keys.add(blockingKey.birthAndPostcode(dob, c.postcode));
  }
  return [...keys];
}
