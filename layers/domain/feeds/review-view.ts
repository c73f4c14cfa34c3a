import * as z from 'zod';
import type { ChildRecord } from '../child/record.ts';
import {
  AddressSchema,
  EducationSchema,
  GenderSchema,
  GpPracticeSchema,
  OtherNameSchema,
} from '../child/schema.ts';
import { PageCursorSchema } from '../paging.ts';
import { FEED_NAMES } from './feed.ts';
import type { ReviewItem } from './review.ts';

/**
 * R8 review queue as the ContactPoint team sees it: the feed row and the candidate child side by side, with the
 * engine's words. Fields are copied one by one (never spread), so nothing stored for other purposes leaks.
 */

export const REVIEW_OUTCOMES = ['same-child', 'different-children'] as const;
/** Where the row went once decided: the candidate, another known child, a new child, or before a team again. */
export const ROW_DESTINATIONS = ['candidate', 'other-child', 'new-child', 'another-review'] as const;
export type RowDestination = (typeof ROW_DESTINATIONS)[number];

export const ReviewIdSchema = z
  .string()
  .regex(/^RV-[A-Za-z0-9_-]{22}$/, 'is not a review ID')
  .meta({ example: 'RV-q1Zx8cM4a0Jb7Ew2nT5yKg' });

/** A held source row's opaque reference: the feed and a keyed hash, never the source's own reference. */
export const SourceRefSchema = z
  .string()
  .regex(/^[a-z-]{4,20}\.[A-Za-z0-9_-]{22}$/, 'is not a source reference')
  .meta({ example: 'nhs-demographics.Yp3Jd0sQv8Lx2aWc6mTn1g' });

const comparedShape = {
  givenName: z.string().optional(),
  familyName: z.string().optional(),
  otherNames: z.array(OtherNameSchema).optional(),
  gender: GenderSchema.optional(),
  dateOfBirth: z.string(),
  nhsNumber: z.string().optional(),
  upn: z.string().optional(),
  address: AddressSchema.optional(),
  education: EducationSchema.optional(),
  gpPractice: GpPracticeSchema.optional(),
};

export const FeedRowViewSchema = z
  .object({
    feed: z.enum(FEED_NAMES),
    extractDate: z.string(),
    ...comparedShape,
  })
  .strict()
  .meta({ id: 'FeedRowView', description: 'What one national feed row says about a child (R8)' });

export const ReviewCandidateSchema = z
  .object({
    childId: z.string(),
    ...comparedShape,
    givenName: z.string(),
    familyName: z.string(),
    gender: GenderSchema,
    localAuthorityName: z.string(),
    shielded: z.boolean().meta({ description: 'Shown only to the shielding council’s team (R3)' }),
  })
  .strict()
  .meta({ id: 'ReviewCandidate', description: 'The child the row may describe, as its record stands' });

const reviewExample = {
  reviewId: 'RV-q1Zx8cM4a0Jb7Ew2nT5yKg',
  raisedAt: '2026-11-22T10:00:00.000Z',
  probability: 0.912,
  why: ['family name: the same', 'date of birth: the same', 'Millie is a form of Amelia'],
  row: {
    feed: 'school-census',
    extractDate: '2026-10-01',
    givenName: 'Millie',
    familyName: 'Walker',
    gender: 'female',
    dateOfBirth: '2016-04-09',
    upn: 'H801200001001',
    address: { line1: '14 Harehills Lane', town: 'Leeds', postcode: 'LS8 3QE' },
  },
  candidate: {
    childId: 'CP7M3K9P2XN',
    givenName: 'Amelia',
    familyName: 'Walker',
    gender: 'female',
    dateOfBirth: '2016-04-09',
    nhsNumber: '9434765919',
    address: { line1: '14 Harehills Lane', town: 'Leeds', postcode: 'LS8 3QE' },
    localAuthorityName: 'Leeds City Council',
    shielded: false,
  },
};

export const ReviewViewSchema = z
  .object({
    reviewId: ReviewIdSchema,
    raisedAt: z.string(),
    probability: z.number().min(0).max(1).meta({ description: 'The engine’s probability of one child' }),
    why: z.array(z.string()).meta({ description: 'The engine’s reasons, in words, strongest first' }),
    row: FeedRowViewSchema,
    candidate: ReviewCandidateSchema.nullable().meta({
      description:
        'Null when the candidate is no longer on ContactPoint (its record has left, R7): “same child” closes the item and the row makes no record; “different children” makes the row a record of its own',
    }),
  })
  .strict()
  .meta({ id: 'ReviewItem', example: reviewExample });
export type ReviewView = z.infer<typeof ReviewViewSchema>;

export const ReviewPageSchema = z
  .object({ reviews: z.array(ReviewViewSchema), next: z.string().optional() })
  .strict()
  .meta({ id: 'ReviewPage', example: { reviews: [reviewExample] } });

export const ReviewQuerySchema = z
  .object({
    limit: z.coerce
      .number()
      .int()
      .min(1)
      .max(50)
      .optional()
      .meta({ description: 'Items a page looks at (default 20)', example: 20 }),
    cursor: PageCursorSchema,
  })
  .strict();
export type ReviewQuery = z.infer<typeof ReviewQuerySchema>;

export const ReviewDecisionBodySchema = z
  .object({
    outcome: z.enum(REVIEW_OUTCOMES).meta({
      description:
        '`same-child`: the row joins the candidate; `different-children`: never link them, link the row anew',
    }),
  })
  .strict()
  .meta({ id: 'ReviewDecisionBody', example: { outcome: 'different-children' } });
export type ReviewDecisionBody = z.infer<typeof ReviewDecisionBodySchema>;

export const ReviewDecisionResultSchema = z
  .object({
    reviewId: ReviewIdSchema,
    status: z.literal('decided'),
    outcome: z.enum(REVIEW_OUTCOMES),
    rowWent: z.enum(ROW_DESTINATIONS),
    childId: z
      .string()
      .optional()
      .meta({ description: 'The child the row now describes, when it joined one' }),
    decidedAt: z.string(),
  })
  .strict()
  .meta({
    id: 'ReviewDecisionResult',
    example: {
      reviewId: 'RV-q1Zx8cM4a0Jb7Ew2nT5yKg',
      status: 'decided',
      outcome: 'different-children',
      rowWent: 'new-child',
      childId: 'CP4D2R8N6TQ',
      decidedAt: '2026-11-22T10:05:00.000Z',
    },
  });
export type ReviewDecisionResult = z.infer<typeof ReviewDecisionResultSchema>;

export const SplitResultSchema = z
  .object({
    childId: z.string().meta({ description: 'The child the row was taken off' }),
    etag: z.string().meta({ description: 'The child record’s new version' }),
    rowWent: z.enum(ROW_DESTINATIONS).exclude(['candidate']),
    rowChildId: z.string().optional().meta({ description: 'The child the row now describes, if any' }),
  })
  .strict()
  .meta({
    id: 'SplitSourceResult',
    example: { childId: 'CP7M3K9P2XN', etag: '"4"', rowWent: 'new-child', rowChildId: 'CP4D2R8N6TQ' },
  });
export type SplitResult = z.infer<typeof SplitResultSchema>;

export const ChildSourceViewSchema = z
  .object({ sourceRef: SourceRefSchema, ...FeedRowViewSchema.shape })
  .strict()
  .meta({
    id: 'ChildSource',
    description: 'One feed row held for a child; `sourceRef` names it to split it off',
  });

export const ChildSourceListSchema = z
  .object({ sources: z.array(ChildSourceViewSchema) })
  .strict()
  .meta({
    id: 'ChildSourceList',
    example: {
      sources: [
        {
          sourceRef: 'nhs-demographics.Yp3Jd0sQv8Lx2aWc6mTn1g',
          ...reviewExample.row,
          feed: 'nhs-demographics',
        },
      ],
    },
  });
export type ChildSourceView = z.infer<typeof ChildSourceViewSchema>;

type Compared = { [K in keyof typeof comparedShape]?: unknown };

/** The compared fields of a row or record, one by one. */
function compared(f: Partial<ChildRecord> | ReviewItem['row']['fields']) {
  const out: Compared = {
    ...(f.givenName !== undefined && { givenName: f.givenName }),
    ...(f.familyName !== undefined && { familyName: f.familyName }),
    ...(f.otherNames !== undefined && { otherNames: f.otherNames }),
    ...(f.gender !== undefined && { gender: f.gender }),
    dateOfBirth: f.dateOfBirth,
    ...(f.nhsNumber !== undefined && { nhsNumber: f.nhsNumber }),
    ...(f.upn !== undefined && { upn: f.upn }),
    ...(f.address !== undefined && { address: f.address }),
    ...(f.education !== undefined && { education: f.education }),
    ...(f.gpPractice !== undefined && { gpPractice: f.gpPractice }),
  };
  return out as z.infer<z.ZodObject<typeof comparedShape>>;
}

export function feedRowView(row: {
  feed: ReviewItem['row']['feed'];
  extractDate: string;
  fields: ReviewItem['row']['fields'];
}): z.infer<typeof FeedRowViewSchema> {
  return { feed: row.feed, extractDate: row.extractDate, ...compared(row.fields) };
}

/** The pair side by side; `candidate` only as the caller may see it (R3 is decided by the use case). */
export function reviewView(item: ReviewItem, candidate: ChildRecord | undefined): ReviewView {
  return {
    reviewId: item.reviewId,
    raisedAt: item.raisedAt,
    probability: Math.floor(item.probability * 1000) / 1000,
    why: item.why,
    row: feedRowView(item.row),
    candidate: candidate
      ? {
          ...compared(candidate),
          childId: candidate.childId,
          givenName: candidate.givenName,
          familyName: candidate.familyName,
          gender: candidate.gender,
          localAuthorityName: candidate.localAuthorityName,
          shielded: candidate.shield !== undefined,
        }
      : null,
  };
}
