import type { z } from 'zod';
import { GenderSchema, NamePart } from '../child/schema.ts';
import { IsoDate } from '../dates.ts';
import { NhsNumberSchema } from '../identifiers/nhs-number.ts';
import { PostcodeSchema } from '../identifiers/postcode.ts';
import { UpnSchema } from '../identifiers/upn.ts';
import { type KeyScope, keysOf } from '../matching/blocking.ts';
import { matchingName } from '../matching/compare.ts';
import type { Comparable } from '../matching/vector.ts';

/** R10: never more than this many candidates leave a search. */
export const MAX_MATCHES = 10;

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
  // A name with no letter to match on ("-", "ー") would make the search a browse by date of birth (R10).
  for (const field of ['givenName', 'familyName'] as const) {
    const name = c[field];
    if (name !== undefined && matchingName(name) === '') {
      ctx.addIssue({ code: 'custom', path: [field], message: 'must contain letters to match on (R10)' });
    }
  }
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

/** The criteria as the matching engine compares them with a child. */
export function queryOf(c: SearchCriteria): Comparable {
  return {
    givenName: c.givenName,
    familyName: c.familyName,
    dateOfBirth: c.dateOfBirth,
    postcodes: c.postcode ? [c.postcode] : undefined,
    gender: c.gender,
  };
}

/**
 * The blocking keys to query for these criteria, each one Query issued in parallel: the open scope always,
 * the shielded scope only when no hidden field is used (R3).
 */
export function searchKeysFor(c: SearchCriteria): string[] {
  const fields = {
    names: [{ givenName: c.givenName, familyName: c.familyName }],
    dateOfBirth: c.dateOfBirth,
    postcodes: c.postcode ? [c.postcode] : [],
    nhsNumber: c.nhsNumber,
    upn: c.upn,
  };
  const scopes: KeyScope[] = usesHiddenField(c) ? ['open'] : ['open', 'shielded'];
  return [...new Set(scopes.flatMap((scope) => keysOf(fields, scope, 'query')))];
}
