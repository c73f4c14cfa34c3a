import * as z from 'zod';
import {
  AddressSchema,
  CarerSchema,
  ContactSchema,
  childFieldsExample,
  EducationSchema,
  GenderSchema,
  GpPracticeSchema,
  OtherNameSchema,
} from '../child/schema.ts';
import { ServiceTypeSchema } from '../involvement/schema.ts';
import { ShieldReasonSchema } from '../shield/schema.ts';

/** R3: how to reach whoever works with a shielded child, naming nobody and nowhere. */
export const SHIELDED_CONTACT_INSTRUCTION =
  'This record is shielded. To reach the people working with this child, send a contact request ' +
  '(POST /children/{childId}/contact-requests): the ContactPoint team responsible will call you back.';

/** R3: what the holder of the override right is told before a shield is broken, and again with the view. */
export const OVERRIDE_WARNING =
  'This record is shielded to protect the child or a family member. Breaking the shield is recorded, the ' +
  'auditors of the council that shielded it are alerted at once, and an investigation will follow. Continue only ' +
  'if there is a risk of significant harm to the child that cannot wait.';

/** R2: how to reach the specialist services recorded without learning which they are. */
export const SPECIALIST_SERVICES_CONTACT =
  'To reach the specialist services recorded, send a contact request about specialist-services ' +
  '(POST /children/{childId}/contact-requests): the ContactPoint team will pass it on and you will be called back.';

/** R2: the only words anyone outside the recording organisation sees of a sensitive service. */
export const SPECIALIST_SERVICES_SENTENCE = 'One or more specialist and targeted services have been recorded';

export const DisclosureLevelSchema = z
  .enum(['full', 'sensitive-redacted', 'shielded', 'override'])
  .meta({ description: 'How much of the record this viewer may see (R2, R3)' });
export type DisclosureLevel = z.infer<typeof DisclosureLevelSchema>;

const involvementViewExample = {
  involvementId: 'INV-4f1c2a9e',
  serviceType: 'school-nursing',
  practitionerName: 'Priya Shah',
  role: 'School nurse',
  organisationName: 'Leeds Community Healthcare NHS Trust',
  contact: { phone: '0113 496 0303' },
  startDate: '2026-09-01',
  leadProfessional: false,
  assessmentCompleted: false,
  etag: '"1"',
};

export const InvolvementViewSchema = z
  .object({
    involvementId: z.string(),
    serviceType: ServiceTypeSchema,
    practitionerName: z.string(),
    role: z.string(),
    organisationName: z.string(),
    contact: ContactSchema,
    startDate: z.string(),
    endDate: z.string().optional(),
    leadProfessional: z.boolean(),
    assessmentCompleted: z.boolean(),
    etag: z.string().meta({ description: 'Send as If-Match to change this involvement' }),
  })
  .strict()
  .meta({ id: 'InvolvementView', example: involvementViewExample });
export type InvolvementView = z.infer<typeof InvolvementViewSchema>;

const recordViewShape = {
  childId: z.string(),
  givenName: z.string(),
  familyName: z.string(),
  otherNames: z.array(OtherNameSchema).optional(),
  gender: GenderSchema,
  dateOfBirth: z.string(),
  nhsNumber: z.string().optional(),
  upn: z.string().optional(),
  address: AddressSchema.optional(),
  carers: z.array(CarerSchema),
  education: EducationSchema.optional(),
  gpPractice: GpPracticeSchema.optional(),
  localAuthorityName: z.string(),
  involvements: z.array(InvolvementViewSchema),
  shield: z
    .object({
      reason: ShieldReasonSchema,
      reasonText: z.string().optional(),
      reviewDate: z.string(),
      shieldingAuthorityName: z.string(),
      liftAgreedBy: z
        .string()
        .optional()
        .meta({ description: 'The team that has agreed to lift the shield; the other team must agree too' }),
    })
    .strict()
    .optional()
    .meta({ description: 'Present only for the shielding and the maintaining councils’ ContactPoint teams' }),
};

const recordViewExample = {
  childId: 'CP7M3K9P2XN',
  ...childFieldsExample,
  carers: [...childFieldsExample.carers],
  localAuthorityName: 'Leeds City Council',
  involvements: [involvementViewExample],
};

export const FullViewSchema = z
  .object({ disclosure: z.literal('full'), ...recordViewShape })
  .strict()
  .meta({ id: 'FullChildView', example: { disclosure: 'full', ...recordViewExample } });

export const SensitiveRedactedViewSchema = z
  .object({
    disclosure: z.literal('sensitive-redacted'),
    ...recordViewShape,
    specialistServices: z.literal(SPECIALIST_SERVICES_SENTENCE),
    specialistServicesContact: z.literal(SPECIALIST_SERVICES_CONTACT),
  })
  .strict()
  .meta({
    id: 'SensitiveRedactedChildView',
    example: {
      disclosure: 'sensitive-redacted',
      ...recordViewExample,
      specialistServices: SPECIALIST_SERVICES_SENTENCE,
      specialistServicesContact: SPECIALIST_SERVICES_CONTACT,
    },
  });

export const ShieldedViewSchema = z
  .object({
    disclosure: z.literal('shielded'),
    childId: z.string(),
    givenName: z.string(),
    familyName: z.string(),
    gender: GenderSchema,
    dateOfBirth: z.string(),
    contactInstruction: z.string(),
  })
  .strict()
  .meta({
    id: 'ShieldedChildView',
    example: {
      disclosure: 'shielded',
      childId: 'CP7M3K9P2XN',
      givenName: 'Amelia',
      familyName: 'Walker',
      gender: 'female',
      dateOfBirth: '2016-04-09',
      contactInstruction: SHIELDED_CONTACT_INSTRUCTION,
    },
  });

/** R3 break-glass: the record as the holder would see it unshielded, for this one view only. */
export const OverrideViewSchema = z
  .object({
    disclosure: z.literal('override'),
    ...recordViewShape,
    specialistServices: z.literal(SPECIALIST_SERVICES_SENTENCE).optional(),
    warning: z.literal(OVERRIDE_WARNING),
  })
  .strict()
  .meta({
    id: 'OverrideChildView',
    example: { disclosure: 'override', ...recordViewExample, warning: OVERRIDE_WARNING },
  });
export type OverrideView = z.infer<typeof OverrideViewSchema>;

export const ChildViewSchema = z
  .discriminatedUnion('disclosure', [FullViewSchema, SensitiveRedactedViewSchema, ShieldedViewSchema])
  .meta({
    id: 'ChildView',
    example: {
      disclosure: 'sensitive-redacted',
      ...recordViewExample,
      specialistServices: SPECIALIST_SERVICES_SENTENCE,
      specialistServicesContact: SPECIALIST_SERVICES_CONTACT,
    },
  });
export type ChildView = z.infer<typeof ChildViewSchema>;

export const matchSummaryExample = {
  childId: 'CP7M3K9P2XN',
  givenName: 'Amelia',
  familyName: 'Walker',
  dateOfBirth: '2016-04-09',
  gender: 'female',
  probability: 0.998,
  why: ['family name: the same', 'date of birth: day and month swapped', 'Millie is a form of Amelia'],
} as const;

export const MatchSummarySchema = z
  .object({
    childId: z.string(),
    givenName: z.string(),
    familyName: z.string(),
    dateOfBirth: z.string(),
    gender: GenderSchema,
    /** The matching engine's probability that this is the child searched for (floored to 3 places). */
    probability: z.number().min(0).max(1),
    /** Why, in words, strongest first — only about fields the viewer may see (R3). */
    why: z.array(z.string()),
  })
  .strict()
  .meta({ id: 'MatchSummary', example: matchSummaryExample });
export type MatchSummary = z.infer<typeof MatchSummarySchema>;
