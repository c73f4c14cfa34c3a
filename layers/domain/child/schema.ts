import * as z from 'zod';
import { IsoDate } from '../dates.ts';
import { NhsNumberSchema } from '../identifiers/nhs-number.ts';
import { PostcodeSchema } from '../identifiers/postcode.ts';
import { UpnSchema } from '../identifiers/upn.ts';

/**
 * R1: the only content a child record may hold. Every object is `.strict()`: a request carrying any
 * other field (case notes, a flag of concern, an exam result…) is refused with 400 naming the field,
 * never dropped and never stored.
 */

const Text = (max: number) => z.string().trim().min(1).max(max);
const NAME_CHARACTERS = /^[\p{L}\p{M}' .-]+$/u;
/** Letters (any script), spaces, hyphens, apostrophes and full stops: what people's names are made of. */
const nameText = (max: number) =>
  Text(max)
    .refine((v) => NAME_CHARACTERS.test(v), { message: 'may hold letters, spaces, hyphens and apostrophes' })
    .meta({ pattern: NAME_CHARACTERS.source });
export const NamePart = nameText(60);
export const FullName = nameText(120);

export const GenderSchema = z
  .enum(['female', 'male', 'other', 'not-known'])
  .meta({ description: 'Gender as recorded', example: 'female' });
export type Gender = z.infer<typeof GenderSchema>;

/** A UK or international telephone number as people write it. */
export const PhoneNumberSchema = z
  .string()
  .trim()
  .regex(/^\+?[0-9 ()-]{7,20}$/, 'must be a telephone number');

export const ContactSchema = z
  .object({
    phone: PhoneNumberSchema.optional(),
    email: z.email().max(254).optional(),
  })
  .strict()
  .refine((c) => c.phone !== undefined || c.email !== undefined, {
    message: 'needs a phone number or an e-mail address',
  })
  .meta({ id: 'Contact', example: { phone: '0113 496 0000', email: 'duty.team@example.org.uk' } });
export type Contact = z.infer<typeof ContactSchema>;

export const AddressSchema = z
  .object({
    line1: Text(100),
    line2: Text(100).optional(),
    town: Text(60),
    postcode: PostcodeSchema,
  })
  .strict()
  .meta({ id: 'Address', example: { line1: '14 Harehills Lane', town: 'Leeds', postcode: 'LS8 3QE' } });
export type Address = z.infer<typeof AddressSchema>;

export const OtherNameSchema = z
  .object({ givenName: NamePart.optional(), familyName: NamePart.optional() })
  .strict()
  .refine((n) => n.givenName !== undefined || n.familyName !== undefined, {
    message: 'needs a given name or a family name',
  })
  .meta({ id: 'OtherName', example: { familyName: 'Walker' } });
export type OtherName = z.infer<typeof OtherNameSchema>;

export const CarerRelationshipSchema = z.enum([
  'mother',
  'father',
  'step-parent',
  'grandparent',
  'aunt-or-uncle',
  'sibling',
  'foster-carer',
  'kinship-carer',
  'special-guardian',
  'local-authority',
  'other',
]);

export const CarerSchema = z
  .object({
    name: FullName,
    relationship: CarerRelationshipSchema,
    parentalResponsibility: z.boolean(),
    contact: ContactSchema,
  })
  .strict()
  .meta({
    id: 'Carer',
    example: {
      name: 'Sarah Walker',
      relationship: 'mother',
      parentalResponsibility: true,
      contact: { phone: '07700 900123' },
    },
  });
export type Carer = z.infer<typeof CarerSchema>;

export const EducationSchema = z
  .discriminatedUnion('status', [
    z
      .object({
        status: z.literal('in-education'),
        institutionName: Text(120),
        contact: ContactSchema,
      })
      .strict(),
    z.object({ status: z.literal('not-in-education') }).strict(),
  ])
  .meta({
    id: 'Education',
    example: {
      status: 'in-education',
      institutionName: 'Bankside Primary School',
      contact: { phone: '0113 496 0101' },
    },
  });
export type Education = z.infer<typeof EducationSchema>;

export const GpPracticeSchema = z
  .object({ practiceName: Text(120), contact: ContactSchema })
  .strict()
  .meta({
    id: 'GpPractice',
    example: { practiceName: 'Harehills Medical Practice', contact: { phone: '0113 496 0202' } },
  });
export type GpPractice = z.infer<typeof GpPracticeSchema>;

/** What a data manager may write. Identifiers are optional (a new-born has no UPN). */
const childFieldShape = {
  givenName: NamePart,
  familyName: NamePart,
  otherNames: z.array(OtherNameSchema).max(5).optional(),
  gender: GenderSchema,
  dateOfBirth: IsoDate,
  nhsNumber: NhsNumberSchema.optional(),
  upn: UpnSchema.optional(),
  address: AddressSchema.optional(),
  carers: z.array(CarerSchema).max(10).optional(),
  education: EducationSchema.optional(),
  gpPractice: GpPracticeSchema.optional(),
};

export const childFieldsExample = {
  givenName: 'Amelia',
  familyName: 'Walker',
  gender: 'female',
  dateOfBirth: '2016-04-09',
  nhsNumber: '9434765919',
  upn: 'H801200001001',
  address: { line1: '14 Harehills Lane', town: 'Leeds', postcode: 'LS8 3QE' },
  carers: [
    {
      name: 'Sarah Walker',
      relationship: 'mother',
      parentalResponsibility: true,
      contact: { phone: '07700 900123' },
    },
  ],
  education: {
    status: 'in-education',
    institutionName: 'Bankside Primary School',
    contact: { phone: '0113 496 0101' },
  },
  gpPractice: { practiceName: 'Harehills Medical Practice', contact: { phone: '0113 496 0202' } },
} as const;

export const ChildFieldsSchema = z.object(childFieldShape).strict().meta({
  id: 'ChildFields',
  description: 'The lawful content of a child record (R1)',
  example: childFieldsExample,
});
export type ChildFields = z.infer<typeof ChildFieldsSchema>;

/**
 * A correction: any subset of the fields; `null` removes an optional field. Names and addresses that
 * are replaced are kept for matching (R1: previous names are lawful; a previous address is never shown).
 */
export const ChildPatchSchema = z
  .object({
    givenName: childFieldShape.givenName.optional(),
    familyName: childFieldShape.familyName.optional(),
    otherNames: z.array(OtherNameSchema).max(5).nullable().optional(),
    gender: GenderSchema.optional(),
    dateOfBirth: IsoDate.optional(),
    nhsNumber: NhsNumberSchema.nullable().optional(),
    upn: UpnSchema.nullable().optional(),
    address: AddressSchema.nullable().optional(),
    carers: z.array(CarerSchema).max(10).nullable().optional(),
    education: EducationSchema.nullable().optional(),
    gpPractice: GpPracticeSchema.nullable().optional(),
  })
  .strict()
  .refine((p) => Object.keys(p).length > 0, { message: 'must change at least one field' })
  .meta({
    id: 'ChildPatch',
    description: 'Fields to correct; null removes an optional field',
    example: { address: { line1: '3 Cardigan Road', town: 'Leeds', postcode: 'LS6 3AG' } },
  });
export type ChildPatch = z.infer<typeof ChildPatchSchema>;
