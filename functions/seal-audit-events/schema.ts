import * as z from 'zod';

/** Where seals go and which key authenticates them: KMS and the Object Lock bucket, or their local stand-ins. */
export const SealConfigSchema = z.union([
  z.object({
    AWS_REGION: z.string().min(1),
    AUDIT_MAC_KEY_ID: z.string().min(1),
    AUDIT_SEAL_BUCKET: z.string().min(1),
  }),
  z.object({ LOCAL_KEYRING_FILE: z.string().min(1), LOCAL_SEAL_DIR: z.string().min(1) }),
]);

/** R10 misuse thresholds: required, no defaults — each deployment states its own. */
export const MisuseConfigSchema = z
  .object({
    MISUSE_DISTINCT_CHILDREN_PER_DAY: z.coerce.number().int().min(1),
    MISUSE_OUT_OF_AREA_PER_DAY: z.coerce.number().int().min(1),
    MISUSE_UNUSUAL_HOURS: z.string().regex(/^\d{1,2}-\d{1,2}$/, 'UK local hours as FROM-TO, e.g. 0-6'),
    ALERTS_TABLE: z.string().min(1),
  })
  .transform((c) => {
    const [from, to] = c.MISUSE_UNUSUAL_HOURS.split('-').map(Number) as [number, number];
    return {
      alertsTable: c.ALERTS_TABLE,
      thresholds: {
        distinctChildrenPerDay: c.MISUSE_DISTINCT_CHILDREN_PER_DAY,
        outOfAreaChildrenPerDay: c.MISUSE_OUT_OF_AREA_PER_DAY,
        unusualHours: { from, to },
      },
    };
  });
