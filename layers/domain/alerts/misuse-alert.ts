import * as z from 'zod';
import type { MisuseRule } from '../audit/misuse.ts';
import { etagOf } from '../child/record.ts';
import { PageCursorSchema, pageLimitSchema } from '../paging.ts';

/** Where an auditor's review of a misuse alert stands; every alert starts `open`. */
export const MISUSE_REVIEW_OUTCOMES = ['investigating', 'no-case', 'referred'] as const;
export type MisuseReviewOutcome = (typeof MISUSE_REVIEW_OUTCOMES)[number];
export const MISUSE_ALERT_STATUSES = ['open', ...MISUSE_REVIEW_OUTCOMES] as const;
export type MisuseAlertStatus = (typeof MISUSE_ALERT_STATUSES)[number];

/** How long an open alert, or one closed as no case, is kept (from its raising, or from the closing review). */
export const MISUSE_ALERT_DAYS = 180;

/** Outcomes under which an alert is kept without expiry, until it is closed as no case. */
export const KEPT_WHILE: readonly MisuseReviewOutcome[] = ['investigating', 'referred'];

/** The reviews an alert keeps, oldest dropped first: enough for any real review, bounded for the item size. */
export const MISUSE_REVIEW_HISTORY = 20;

/** One auditor's review of an alert: kept in the alert's history, never overwritten by the next. */
export interface MisuseAlertReview {
  outcome: MisuseReviewOutcome;
  note?: string | undefined;
  by: string;
  at: string;
}

/**
 * R10: one possible misuse by one user, for the auditors of one reviewing organisation (the council that
 * administers the user; for a break-glass view, also the shielding council). One item per alert and
 * organisation, whoever of its auditors reads it. Names the user and the rule, never a child.
 */
export interface MisuseAlert {
  /** Path-safe and deterministic (rule, user and day, or rule and event): raising it twice is a no-op. */
  alertId: string;
  reviewingOrganisationId: string;
  rule: MisuseRule;
  subjectUserId: string;
  subjectEmail: string;
  /** The user's own organisation. */
  organisationId: string;
  message: string;
  createdAt: string;
  status: MisuseAlertStatus;
  note?: string | undefined;
  reviewedBy?: string | undefined;
  reviewedAt?: string | undefined;
  /** Every review so far, oldest first (at most MISUSE_REVIEW_HISTORY); the fields above repeat the last. */
  reviews?: MisuseAlertReview[] | undefined;
  version: number;
  /**
   * Epoch seconds after which the alert is deleted (TTL): MISUSE_ALERT_DAYS after it was raised, or after
   * the review that closed it as no case. None while it is being investigated or has been referred.
   */
  expiresAt?: number | undefined;
}

export const MisuseAlertIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,300}$/)
  .meta({ example: 'many-children.3f0c9a4e-2d8b-4c1e-9f57-0b6e1d2c3a4f.2026-11-22' });

export const ReviewMisuseAlertSchema = z
  .object({
    outcome: z.enum(MISUSE_REVIEW_OUTCOMES),
    note: z.string().trim().min(1).max(1000).optional(),
  })
  .strict()
  .meta({
    id: 'ReviewMisuseAlert',
    example: { outcome: 'investigating', note: 'Asked the team manager about the searches of 22 November' },
  });
export type ReviewMisuseAlert = z.infer<typeof ReviewMisuseAlertSchema>;

export const MisuseAlertViewSchema = z
  .object({
    alertId: MisuseAlertIdSchema,
    rule: z.string(),
    subjectUserId: z.string(),
    subjectEmail: z.string(),
    organisationId: z.string(),
    message: z.string(),
    createdAt: z.string(),
    status: z.enum(MISUSE_ALERT_STATUSES),
    note: z.string().optional(),
    reviewedBy: z.string().optional(),
    reviewedAt: z.string().optional(),
    reviews: z
      .array(
        z
          .object({
            outcome: z.enum(MISUSE_REVIEW_OUTCOMES),
            note: z.string().optional(),
            by: z.string(),
            at: z.string(),
          })
          .strict(),
      )
      .optional()
      .meta({ description: 'Every review so far, oldest first (the last 20)' }),
    etag: z.string(),
  })
  .strict()
  .meta({
    id: 'MisuseAlert',
    example: {
      alertId: 'many-children.3f0c9a4e-2d8b-4c1e-9f57-0b6e1d2c3a4f.2026-11-22',
      rule: 'many-children',
      subjectUserId: '3f0c9a4e-2d8b-4c1e-9f57-0b6e1d2c3a4f',
      subjectEmail: 'nurse@leedsth.example.nhs.uk',
      organisationId: 'ORG-LEEDS-TH',
      message:
        'Possible misuse by nurse@leedsth.example.nhs.uk: many-children (R10). Review their activity in the audit trail.',
      createdAt: '2026-11-22T10:00:00.000Z',
      status: 'open',
      etag: '"1"',
    },
  });
export type MisuseAlertView = z.infer<typeof MisuseAlertViewSchema>;

export const MisuseAlertPageSchema = z
  .object({ alerts: z.array(MisuseAlertViewSchema), next: z.string().optional() })
  .strict()
  .meta({ id: 'MisuseAlertPage', example: { alerts: [MisuseAlertViewSchema.meta()?.example] } });

export const MisuseAlertQuerySchema = z
  .object({
    status: z
      .enum(MISUSE_ALERT_STATUSES)
      .optional()
      .meta({ description: 'Only alerts in this state', example: 'open' }),
    limit: pageLimitSchema('Alerts', 50),
    cursor: PageCursorSchema,
  })
  .strict();
export type MisuseAlertQuery = z.infer<typeof MisuseAlertQuerySchema>;

export function misuseAlertView(a: MisuseAlert): MisuseAlertView {
  return {
    alertId: a.alertId,
    rule: a.rule,
    subjectUserId: a.subjectUserId,
    subjectEmail: a.subjectEmail,
    organisationId: a.organisationId,
    message: a.message,
    createdAt: a.createdAt,
    status: a.status,
    ...(a.note !== undefined && { note: a.note }),
    ...(a.reviewedBy !== undefined && { reviewedBy: a.reviewedBy }),
    ...(a.reviewedAt !== undefined && { reviewedAt: a.reviewedAt }),
    ...(a.reviews !== undefined && {
      reviews: a.reviews.map((r) => ({
        outcome: r.outcome,
        ...(r.note !== undefined && { note: r.note }),
        by: r.by,
        at: r.at,
      })),
    }),
    etag: etagOf(a.version),
  };
}
