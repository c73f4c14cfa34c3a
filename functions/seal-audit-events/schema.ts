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

/** The index the sealer also files each event under (by child and by user), for oversight reads. */
export const IndexConfigSchema = z.object({
  AWS_REGION: z.string().min(1),
  AUDIT_INDEX_TABLE: z.string().min(1),
  DYNAMODB_ENDPOINT: z.url().optional(),
});
