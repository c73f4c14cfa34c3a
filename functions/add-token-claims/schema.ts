import * as z from 'zod';
import { RoleSchema } from '#domain/access/principal.ts';

/** The trigger's configuration: each council provider's organisation, role mapping and MFA evidence. */
export const FederationConfigSchema = z.array(
  z
    .object({
      name: z.string().min(1),
      organisationId: z.string().min(1),
      roles: z.record(z.string(), RoleSchema),
      mfaEvidence: z.array(z.string().min(1)).min(1),
    })
    .strict(),
);

export const TriggerConfigSchema = z.object({
  FEDERATION_RULES: z.string().transform((raw, ctx) => {
    try {
      return FederationConfigSchema.parse(JSON.parse(raw));
    } catch (error) {
      ctx.addIssue({
        code: 'custom',
        message: `is not valid federation configuration: ${(error as Error).message}`,
      });
      return z.NEVER;
    }
  }),
});
