import * as z from 'zod';
import { ContactSchema, FullName } from '../child/schema.ts';
import { IsoDate } from '../dates.ts';

/**
 * Service types. R2: sexual health, mental health (CAMHS tiers 2–4) and substance misuse are
 * sensitive: they need recorded consent or a justified override, and only the recording organisation
 * ever sees them.
 */
export const SERVICE_TYPES = {
  'health-visiting': false,
  midwifery: false,
  'school-nursing': false,
  'general-practice': false,
  paediatrics: false,
  'early-help': false,
  'social-care-child-in-need': false,
  'social-care-child-protection': false,
  'looked-after-children': false,
  'youth-justice': false,
  'education-welfare': false,
  'special-educational-needs': false,
  'sexual-health': true,
  camhs: true,
  'substance-misuse': true,
} as const satisfies Record<string, boolean>;

export type ServiceType = keyof typeof SERVICE_TYPES;

export const ServiceTypeSchema = z.enum(Object.keys(SERVICE_TYPES) as [ServiceType, ...ServiceType[]]).meta({
  description: 'Type of service (sexual-health, camhs and substance-misuse are sensitive, R2)',
  example: 'school-nursing',
});

export function isSensitive(serviceType: ServiceType): boolean {
  return SERVICE_TYPES[serviceType];
}

export const ConsentSchema = z
  .object({
    givenBy: z.enum(['young-person', 'parent-or-carer']),
    recordedOn: IsoDate,
  })
  .strict()
  .meta({ id: 'Consent', example: { givenBy: 'young-person', recordedOn: '2026-10-01' } });

export const OverrideSchema = z
  .object({
    justification: z.string().trim().min(20).max(1000),
  })
  .strict()
  .meta({
    id: 'ConsentOverride',
    description: 'Recorded without consent because of a risk of significant harm (R2)',
    example: { justification: 'Risk of significant harm: young person at risk of exploitation' },
  });

const involvementExample = {
  serviceType: 'school-nursing',
  practitionerName: 'Priya Shah',
  role: 'School nurse',
  contact: { phone: '0113 496 0303', email: 'priya.shah@example.nhs.uk' },
  startDate: '2026-09-01',
  leadProfessional: false,
  assessmentCompleted: false,
} as const;

export const InvolvementRequestSchema = z
  .object({
    serviceType: ServiceTypeSchema,
    practitionerName: FullName,
    role: z.string().trim().min(1).max(80),
    contact: ContactSchema,
    startDate: IsoDate,
    leadProfessional: z.boolean().default(false),
    assessmentCompleted: z.boolean().default(false),
    consent: ConsentSchema.optional(),
    override: OverrideSchema.optional(),
  })
  .strict()
  .superRefine((inv, ctx) => {
    if (isSensitive(inv.serviceType)) {
      if ((inv.consent === undefined) === (inv.override === undefined)) {
        ctx.addIssue({
          code: 'custom',
          path: ['consent'],
          message: `a ${inv.serviceType} involvement needs either recorded consent or an override with justification (R2)`,
        });
      }
    } else {
      for (const field of ['consent', 'override'] as const) {
        if (inv[field] !== undefined) {
          ctx.addIssue({ code: 'custom', path: [field], message: 'applies only to sensitive services (R2)' });
        }
      }
    }
  })
  .meta({ id: 'InvolvementRequest', example: involvementExample });
export type InvolvementRequest = z.infer<typeof InvolvementRequestSchema>;

export const InvolvementPatchSchema = z
  .object({
    endDate: IsoDate.optional(),
    leadProfessional: z.boolean().optional(),
    assessmentCompleted: z.boolean().optional(),
  })
  .strict()
  .refine((p) => Object.keys(p).length > 0, { message: 'must change at least one field' })
  .meta({ id: 'InvolvementPatch', example: { leadProfessional: true, assessmentCompleted: true } });
export type InvolvementPatch = z.infer<typeof InvolvementPatchSchema>;

export interface Involvement extends Omit<InvolvementRequest, 'consent' | 'override'> {
  involvementId: string;
  childId: string;
  organisationId: string;
  organisationName: string;
  /** Cognito subject of whoever recorded it; only they or a data manager may change it. */
  recordedBy: string;
  consent?: InvolvementRequest['consent'];
  override?: InvolvementRequest['override'];
  endDate?: string | undefined;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export function isActive(involvement: Involvement, today: string): boolean {
  return involvement.endDate === undefined || involvement.endDate > today;
}
