import * as z from 'zod';

/**
 * R5: every search and record view states why. The codes are the purposes the ContactPoint guidance
 * recognised; free text may add detail but never replaces the code.
 */
export const REASON_CODES = {
  SAFEGUARDING: 'A concern for the safety or welfare of the child',
  EMERGENCY_CARE: 'Treating or caring for the child in an emergency',
  ASSESSMENT: 'Carrying out an assessment of the child’s needs (e.g. early help, child in need)',
  SERVICE_DELIVERY: 'Providing a service to the child or family',
  CONTACT_PRACTITIONER: 'Finding another practitioner to coordinate support',
  EDUCATION_WELFARE: 'Attendance, exclusion or a child missing education',
  DATA_QUALITY: 'Checking or correcting the record (ContactPoint team)',
} as const;

export type ReasonCode = keyof typeof REASON_CODES;

export const ReasonCodeSchema = z
  .enum(Object.keys(REASON_CODES) as [ReasonCode, ...ReasonCode[]], {
    // The codes come from zod's issue (the enum's own values), so the list cannot drift from the schema.
    error: (issue) =>
      issue.code === 'invalid_value'
        ? issue.input === undefined
          ? `is required: say why you are accessing the record (R5) with one of: ${issue.values.join(', ')}`
          : `is not a reason code; use one of: ${issue.values.join(', ')}`
        : undefined,
  })
  .meta({
    description: `Why the record is being accessed (R5). ${Object.entries(REASON_CODES)
      .map(([code, meaning]) => `${code}: ${meaning}`)
      .join('; ')}.`,
    example: 'SAFEGUARDING',
  });

export const ReasonTextSchema = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .meta({ description: 'Optional detail for the reason (no case notes)', example: 'Seen in A&E tonight' });

export interface AccessReason {
  code: ReasonCode;
  text?: string | undefined;
}
