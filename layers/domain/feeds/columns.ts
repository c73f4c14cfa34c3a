import * as z from 'zod';
import { FullName, NamePart, PhoneNumberSchema } from '../child/schema.ts';
import { IsoDate } from '../dates.ts';
import { NhsNumberSchema } from '../identifiers/nhs-number.ts';
import { PostcodeSchema } from '../identifiers/postcode.ts';
import { UpnSchema } from '../identifiers/upn.ts';
import type { FeedFields, FeedName } from './feed.ts';

/**
 * The columns of each feed file, in order, and how a row becomes what the record may hold (R1). A column
 * the real extract carries but the record may not hold (place of birth, a mother's or claimant's name,
 * which come with no way to contact them) is validated and then dropped: never stored.
 */

/** An empty cell is a missing value. */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), schema.optional());

const Reference = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9/-]{1,40}$/, 'must be the source reference (letters, digits, / or -)');
const Text = (max: number) => z.string().trim().min(1).max(max);
const SchoolReference = z
  .string()
  .trim()
  .regex(/^\d{6,7}$/, 'must be a school URN (6 or 7 digits)');
const PracticeCode = z
  .string()
  .trim()
  .regex(/^[A-Z]\d{5}$/, 'must be a GP practice code (a letter and five digits)');

const addressColumns = {
  address_line1: optional(Text(100)),
  address_line2: optional(Text(100)),
  town: optional(Text(60)),
  postcode: optional(PostcodeSchema),
};

type AddressColumns = { address_line1?: string; address_line2?: string; town?: string; postcode?: string };

/** An address needs its first line, town and postcode; a partial one is no address. */
function addressOf(row: AddressColumns): FeedFields['address'] {
  if (!row.address_line1 || !row.town || !row.postcode) return undefined;
  return {
    line1: row.address_line1,
    ...(row.address_line2 && { line2: row.address_line2 }),
    town: row.town,
    postcode: row.postcode,
  };
}

const addressComplete = (row: AddressColumns) => {
  const given = [row.address_line1, row.town, row.postcode].filter(Boolean).length;
  return given === 0 || given === 3;
};
const ADDRESS_INCOMPLETE = {
  message: 'address needs address_line1, town and postcode together',
  path: ['postcode'],
};

const firstGivenName = (names: string) => names.trim().split(/\s+/)[0] as string;

const SEX = { M: 'male', F: 'female', U: 'not-known' } as const;
const Sex = z.enum(['M', 'F', 'U']).transform((s) => SEX[s]);
/** NHS demographics (PDS) gender codes: 0 not known, 1 male, 2 female, 9 not specified. */
const PDS_GENDER = { '0': 'not-known', '1': 'male', '2': 'female', '9': 'other' } as const;
const PdsGender = z.enum(['0', '1', '2', '9']).transform((g) => PDS_GENDER[g]);

/** `Given Family; Given Family` — previous names as PDS lists them, family name last. */
const PreviousNames = z
  .string()
  .trim()
  .max(400)
  .transform((v, ctx) => {
    const names = v
      .split(';')
      .map((n) => n.trim())
      .filter(Boolean)
      .map((n) => {
        const parts = n.split(/\s+/);
        const familyName = parts.pop();
        const givenName = parts.join(' ');
        return givenName ? { givenName, familyName } : { familyName };
      });
    for (const name of names) {
      for (const part of [name.givenName, name.familyName]) {
        if (part !== undefined && !NamePart.safeParse(part).success) {
          ctx.addIssue({ code: 'custom', message: 'must be names separated by ;' });
          return z.NEVER;
        }
      }
    }
    return names.slice(0, 5);
  });

const Births = z
  .object({
    registration_id: Reference,
    extract_date: IsoDate,
    given_names: NamePart,
    family_name: NamePart,
    sex: Sex,
    date_of_birth: IsoDate,
    place_of_birth: optional(Text(120)),
    mother_given_names: optional(NamePart),
    mother_family_name: optional(NamePart),
    ...addressColumns,
  })
  .strict();

const SchoolCensus = z
  .object({
    upn: UpnSchema,
    extract_date: IsoDate,
    given_name: NamePart,
    family_name: NamePart,
    former_family_name: optional(NamePart),
    date_of_birth: IsoDate,
    gender: Sex,
    ...addressColumns,
    school_urn: SchoolReference,
    school_name: Text(120),
    school_phone: optional(PhoneNumberSchema),
  })
  .strict();

const ChildBenefit = z
  .object({
    claim_reference: Reference,
    child_number: z
      .string()
      .trim()
      .regex(/^[1-9]\d?$/, 'must be the child’s number on the claim (1–99)'),
    extract_date: IsoDate,
    child_given_name: NamePart,
    child_family_name: NamePart,
    child_date_of_birth: IsoDate,
    claimant_name: optional(FullName),
    ...addressColumns,
  })
  .strict();

const NhsDemographics = z
  .object({
    nhs_number: NhsNumberSchema,
    extract_date: IsoDate,
    given_name: NamePart,
    family_name: NamePart,
    previous_names: optional(PreviousNames),
    date_of_birth: IsoDate,
    gender: PdsGender,
    ...addressColumns,
    gp_practice_code: optional(PracticeCode),
    gp_practice_name: optional(Text(120)),
    gp_practice_phone: optional(PhoneNumberSchema),
  })
  .strict();

export interface FeedFormat {
  /** Every column, in the order the file carries them. */
  columns: readonly string[];
  /** Validates one row (cells keyed by column) and reads it in the record's terms, with its source reference. */
  read(
    row: Record<string, string>,
  ): z.ZodSafeParseResult<{ sourceId: string; extractDate: string; fields: FeedFields }>;
}

function feedFormat<S extends z.ZodObject>(
  columns: S,
  read: (row: z.output<S>) => { sourceId: string; extractDate: string; fields: FeedFields },
): FeedFormat {
  const schema = columns.refine(addressComplete, ADDRESS_INCOMPLETE).transform(read);
  return { columns: Object.keys(columns.shape), read: (row) => schema.safeParse(row) };
}

export const FEED_FORMATS: Record<FeedName, FeedFormat> = {
  births: feedFormat(Births, (r) => ({
    sourceId: r.registration_id,
    extractDate: r.extract_date,
    fields: {
      // The register lists every given name; the record's given name is the first, the name a child goes by in
      // the other sources and the one a practitioner types. R1 has no field for middle names: they are dropped.
      givenName: firstGivenName(r.given_names),
      familyName: r.family_name,
      gender: r.sex,
      dateOfBirth: r.date_of_birth,
      address: addressOf(r),
    },
  })),
  'school-census': feedFormat(SchoolCensus, (r) => ({
    sourceId: r.upn,
    extractDate: r.extract_date,
    fields: {
      givenName: r.given_name,
      familyName: r.family_name,
      ...(r.former_family_name && { otherNames: [{ familyName: r.former_family_name }] }),
      gender: r.gender,
      dateOfBirth: r.date_of_birth,
      upn: r.upn,
      address: addressOf(r),
      // A school is recorded with a way to reach it (R1); without a phone number it is left out.
      ...(r.school_phone && {
        education: {
          status: 'in-education' as const,
          institutionName: r.school_name,
          contact: { phone: r.school_phone },
        },
      }),
    },
  })),
  'child-benefit': feedFormat(ChildBenefit, (r) => ({
    sourceId: `${r.claim_reference}/${Number(r.child_number)}`,
    extractDate: r.extract_date,
    fields: {
      givenName: r.child_given_name,
      familyName: r.child_family_name,
      dateOfBirth: r.child_date_of_birth,
      address: addressOf(r),
    },
  })),
  'nhs-demographics': feedFormat(NhsDemographics, (r) => ({
    sourceId: r.nhs_number,
    extractDate: r.extract_date,
    fields: {
      givenName: r.given_name,
      familyName: r.family_name,
      ...(r.previous_names?.length && { otherNames: r.previous_names }),
      gender: r.gender,
      dateOfBirth: r.date_of_birth,
      nhsNumber: r.nhs_number,
      address: addressOf(r),
      ...(r.gp_practice_name &&
        r.gp_practice_phone && {
          gpPractice: { practiceName: r.gp_practice_name, contact: { phone: r.gp_practice_phone } },
        }),
    },
  })),
};
