import * as z from 'zod';
import { GenderSchema } from '../child/schema.ts';
import { InvolvementViewSchema } from '../disclosure/view-schema.ts';
import { PageCursorSchema, pageLimitSchema } from '../paging.ts';

/** Whether an involvement is active (no end date, or one still to come) or ended, as `isActive` judges. */
export const CaseloadStatusSchema = z
  .enum(['active', 'ended'])
  .meta({ description: 'Active (no end date, or one still to come) or ended', example: 'active' });
export type CaseloadStatus = z.infer<typeof CaseloadStatusSchema>;

export const CaseloadQuerySchema = z
  .object({
    status: CaseloadStatusSchema.default('active'),
    limit: pageLimitSchema('Involvements', 20),
    cursor: PageCursorSchema,
  })
  .strict();
export type CaseloadQuery = z.infer<typeof CaseloadQuerySchema>;

/**
 * The child an involvement is with, as the caller's own view of the record shows it (R2, R3): only the fields
 * every view holds — the shielded view too — picked from that view; for a shielded child, whom to contact.
 */
export const CaseloadChildSchema = z
  .object({
    disclosure: z
      .enum(['full', 'sensitive-redacted', 'shielded'])
      .meta({ description: 'How much of the record you would see were you to view it (R2, R3)' }),
    childId: z.string(),
    givenName: z.string(),
    familyName: z.string(),
    gender: GenderSchema,
    dateOfBirth: z.string(),
    contactInstruction: z
      .string()
      .optional()
      .meta({ description: 'Only for a shielded record: how contact about the child is brokered (R3)' }),
  })
  .strict()
  .meta({
    id: 'CaseloadChild',
    example: {
      disclosure: 'full',
      childId: 'CP7M3K9P2XN',
      givenName: 'Amelia',
      familyName: 'Walker',
      gender: 'female',
      dateOfBirth: '2016-04-09',
    },
  });
export type CaseloadChild = z.infer<typeof CaseloadChildSchema>;

const caseloadItemExample = {
  involvement: InvolvementViewSchema.meta()?.example,
  child: CaseloadChildSchema.meta()?.example,
};

export const CaseloadItemSchema = z
  .object({
    involvement: InvolvementViewSchema,
    child: CaseloadChildSchema,
  })
  .strict()
  .meta({ id: 'CaseloadItem', example: caseloadItemExample });
export type CaseloadItem = z.infer<typeof CaseloadItemSchema>;

export const CaseloadPageSchema = z
  .object({ involvements: z.array(CaseloadItemSchema), next: z.string().optional() })
  .strict()
  .meta({ id: 'CaseloadPage', example: { involvements: [caseloadItemExample] } });
export type CaseloadPage = z.infer<typeof CaseloadPageSchema>;
