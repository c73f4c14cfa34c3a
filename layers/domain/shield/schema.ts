import * as z from 'zod';
import { IsoDate } from '../dates.ts';

/** R3: the grounds on which a data manager may shield a record. */
export const ShieldReasonSchema = z
  .enum(['risk-of-significant-harm', 'adoption-placement-at-risk', 'adult-at-risk', 'serious-crime', 'other'])
  .meta({ description: 'Why the record is shielded (R3)', example: 'adult-at-risk' });

export const ShieldRequestSchema = z
  .object({
    reason: ShieldReasonSchema,
    reasonText: z.string().trim().min(10).max(500).optional(),
    reviewDate: IsoDate,
  })
  .strict()
  .refine((s) => s.reason !== 'other' || s.reasonText !== undefined, {
    message: 'is required when the reason is "other"',
    path: ['reasonText'],
  })
  .meta({
    id: 'ShieldRequest',
    example: {
      reason: 'adult-at-risk',
      reasonText: 'Mother in a refuge after domestic abuse',
      reviewDate: '2027-05-01',
    },
  });
export type ShieldRequest = z.infer<typeof ShieldRequestSchema>;

export const UnshieldRequestSchema = z
  .object({ reasonText: z.string().trim().min(10).max(500) })
  .strict()
  .meta({ id: 'UnshieldRequest', example: { reasonText: 'Review found the risk no longer applies' } });
export type UnshieldRequest = z.infer<typeof UnshieldRequestSchema>;

export interface Shield {
  reason: ShieldRequest['reason'];
  reasonText?: string | undefined;
  reviewDate: string;
  /** GSS code of the shielding authority: its team and the maintaining council's see the full record. */
  authority: string;
  authorityName: string;
  /** The shielding council's organisation, whose auditors are told of every override (R3). */
  organisationId?: string | undefined;
  shieldedBy: string;
  shieldedAt: string;
  /** When the shielding and maintaining councils differ, the one that has agreed to lift the shield. */
  liftAgreedBy?: string | undefined;
  liftAgreedByName?: string | undefined;
}
