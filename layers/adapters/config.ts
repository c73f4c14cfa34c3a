import * as z from 'zod';

/**
 * Settings every function reads once, at cold start. Required settings have no defaults: a function
 * deployed without its table names fails on its first invocation, loudly, instead of writing elsewhere.
 */
export const ConfigSchema = z.object({
  AWS_REGION: z.string().min(1),
  CHILDREN_TABLE: z.string().min(1),
  INVOLVEMENTS_TABLE: z.string().min(1),
  AUDIT_TABLE: z.string().min(1),
  DIRECTORY_TABLE: z.string().min(1),
  /** R4: how long an account or organisation lookup may be reused; a suspension waits at most this long. */
  ACCOUNT_CACHE_SECONDS: z.coerce.number().int().min(0).max(60),
  /** Only for the local stand-in (DynamoDB Local); unset in AWS. */
  DYNAMODB_ENDPOINT: z.url().optional(),
});

export type Config = z.infer<typeof ConfigSchema>;

export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    const missing = parsed.error.issues.map((i) => i.path.join('.')).join(', ');
    throw new ConfigurationError(`Invalid or missing settings: ${missing}`, { cause: parsed.error });
  }
  return parsed.data;
}
