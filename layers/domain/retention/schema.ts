import * as z from 'zod';
import { IsoDate } from '../dates.ts';

/** R7 requests of a council's ContactPoint team: each object `.strict()` (R1, nothing else is stored). */
export const ConsentRequestSchema = z
  .object({
    givenOn: IsoDate.meta({ description: 'The day the young person gave their consent (not in the future)' }),
  })
  .strict()
  .meta({ id: 'RetentionConsentRequest' });
export type ConsentRequest = z.infer<typeof ConsentRequestSchema>;

export const ConsentWithdrawalSchema = z
  .object({
    withdrawnOn: IsoDate.meta({ description: 'The day the young person withdrew their consent' }),
  })
  .strict()
  .meta({ id: 'RetentionConsentWithdrawal' });
export type ConsentWithdrawal = z.infer<typeof ConsentWithdrawalSchema>;

export const DeathNoticeRequestSchema = z
  .object({
    dateOfDeath: IsoDate.meta({ description: 'The date of death given in the notice' }),
  })
  .strict()
  .meta({ id: 'DeathNoticeRequest' });
export type DeathNoticeRequest = z.infer<typeof DeathNoticeRequestSchema>;

export const LeavingRuleSchema = z.enum(['age-18', 'age-25-with-consent', 'one-year-after-death']);

/** What the team is told after a change: when the record now leaves the live directory, and why. */
export const RetentionStatusSchema = z
  .object({
    childId: z.string(),
    leavesOn: IsoDate.meta({
      description: 'The UK day the record leaves the live directory and is archived',
    }),
    leavesBecause: LeavingRuleSchema,
    consentGivenOn: IsoDate.optional(),
    consentWithdrawnOn: IsoDate.optional(),
    dateOfDeath: IsoDate.optional(),
    etag: z.string(),
  })
  .strict()
  .meta({
    id: 'RetentionStatus',
    example: {
      childId: 'CP7M3K9P2XN',
      leavesOn: '2041-09-04',
      leavesBecause: 'age-25-with-consent',
      consentGivenOn: '2026-11-20',
      etag: '"4"',
    },
  });
export type RetentionStatus = z.infer<typeof RetentionStatusSchema>;

/**
 * R5/R7: an archived record is read only for an investigation, which the auditor names — a code and, always,
 * words (the case or complaint it serves).
 */
export const INVESTIGATION_REASONS = {
  MISUSE_INVESTIGATION: 'Investigating suspected misuse of ContactPoint',
  COMPLAINT: 'Investigating a complaint about how the record was handled',
  SUBJECT_ACCESS: 'Answering a subject access request about the archived record',
  LEGAL_PROCEEDINGS: 'Disclosure required for legal proceedings or by a court',
  SERIOUS_CASE_REVIEW: 'A child safeguarding practice review or serious case review',
} as const;
export type InvestigationReasonCode = keyof typeof INVESTIGATION_REASONS;

export const InvestigationQuerySchema = z
  .object({
    reason: z
      .enum(Object.keys(INVESTIGATION_REASONS) as [InvestigationReasonCode, ...InvestigationReasonCode[]])
      .meta({
        description: `Why the archived record is read (R5, R7). ${Object.entries(INVESTIGATION_REASONS)
          .map(([code, meaning]) => `${code}: ${meaning}`)
          .join('; ')}.`,
        example: 'MISUSE_INVESTIGATION',
      }),
    reasonText: z.string().trim().min(10).max(200).meta({
      description: 'The investigation this read serves (a case or complaint reference and words)',
      example: 'Misuse alert MA-2031-044 under investigation',
    }),
  })
  .strict();
export type InvestigationQuery = z.infer<typeof InvestigationQuerySchema>;

const Loose = z.looseObject({});

/** The archived record as an auditor reads it for an investigation: everything that was held, as held. */
export const ArchivedChildSchema = z
  .object({
    childId: z.string(),
    leftBecause: LeavingRuleSchema,
    archivedOn: IsoDate,
    purgeOn: IsoDate.meta({ description: 'The day the archive is destroyed' }),
    record: Loose.meta({ description: 'The child record as it was when it left the live directory' }),
    involvements: z.array(Loose),
    contactRequests: z.array(Loose),
  })
  .strict()
  .meta({
    id: 'ArchivedChild',
    example: {
      childId: 'CP7M3K9P2XN',
      leftBecause: 'age-18',
      archivedOn: '2034-09-04',
      purgeOn: '2040-09-04',
      record: {
        childId: 'CP7M3K9P2XN',
        givenName: 'Amelia',
        familyName: 'Walker',
        dateOfBirth: '2016-09-04',
        localAuthority: 'E08000035',
        version: 7,
      },
      involvements: [
        { involvementId: 'INV-mhz3k2a1-0b6f2e8e-8a4c-4a7e-9d1e-5c2b7f3a9e10', serviceType: 'school-nursing' },
      ],
      contactRequests: [],
    },
  });
export type ArchivedChildAnswer = z.infer<typeof ArchivedChildSchema>;
