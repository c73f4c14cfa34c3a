import * as z from 'zod';
import type { TableId } from '#adapters/dynamo/tables.ts';
import type { UsageLimits } from '#domain/access/limits.ts';
import { RoleSchema } from '#domain/access/principal.ts';
import type { MisuseThresholds } from '#domain/audit/misuse.ts';

/**
 * Every setting a function reads from its environment, in named groups: the one place their names and
 * rules are written. A function declares the groups it reads (functions/<name>/schema.ts); the CDK
 * stacks, the local stand-in and the unit-test setup build its environment from these same names.
 * Required settings have no defaults: a function deployed without one fails loudly at cold start.
 */
const name = z.string().min(1);

/** Each council identity provider's organisation, role mapping and MFA evidence (the sign-in trigger). */
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

export const SETTINGS = {
  /** The tables every repository uses, and how long an account lookup may be reused (R4). */
  adapters: z.object({
    AWS_REGION: name,
    CHILDREN_TABLE: name,
    INVOLVEMENTS_TABLE: name,
    AUDIT_TABLE: name,
    DIRECTORY_TABLE: name,
    /** R4: how long an account or organisation lookup may be reused; a suspension waits at most this long. */
    ACCOUNT_CACHE_SECONDS: z.coerce.number().int().min(0).max(60),
    /** Only for the local stand-in (DynamoDB Local); unset in AWS. */
    DYNAMODB_ENDPOINT: z.url().optional(),
  }),
  /** The audit trail filed by child and by user, for oversight reads (R6). */
  auditIndex: z.object({ AUDIT_INDEX_TABLE: name }),
  /** Notices to practitioners, administrators and auditors. */
  alerts: z.object({ ALERTS_TABLE: name }),
  /** R10 per-user-day counters the misuse rules read. */
  misuseCounters: z.object({ MISUSE_COUNTERS_TABLE: name }),
  /** Brokered contact requests (R2, R3). */
  contactRequests: z.object({ CONTACT_REQUESTS_TABLE: name }),
  /** R8: the answers to pushes sent with an Idempotency-Key, kept for their retries. */
  idempotency: z.object({ IDEMPOTENCY_TABLE: name }),
  /** R8: the data managers' review queue of feed rows the linker could not settle. */
  reviews: z.object({ REVIEWS_TABLE: name }),
  /** Cognito user-pool administration. */
  identity: z.object({
    AWS_REGION: name,
    USER_POOL_ID: name,
    /** Only for the local stand-in (cognito-local); unset in AWS. */
    COGNITO_ENDPOINT: z.url().optional(),
  }),
  /** Where seals go and which key authenticates them: KMS and the Object Lock bucket, or their local stand-ins. */
  auditSeals: z.union([
    z.object({ AWS_REGION: name, AUDIT_MAC_KEY_ID: name, AUDIT_SEAL_BUCKET: name }),
    z.object({ LOCAL_KEYRING_FILE: name, LOCAL_SEAL_DIR: name }),
  ]),
  /**
   * The secret that keys blocking keys and identifier claims (HMAC): a Secrets Manager secret under its own
   * KMS key in AWS; the keyring file locally.
   */
  searchKeys: z.union([
    z.object({ AWS_REGION: name, BLOCKING_KEY_SECRET_ID: name }),
    z.object({ LOCAL_KEYRING_FILE: name }),
  ]),
  /**
   * The matching model: the reviewed file bundled with the code, unless a file is named — only the local
   * stand-in and the benchmark name one (a model trained on the directory they loaded).
   */
  matching: z.object({ MATCHING_MODEL_FILE: z.string().min(1).optional() }),
  /**
   * R6: how long an audit event may wait for its seal. The verifier fails on any unsealed event older
   * than this, and the seal lag and the consumer's iterator age alarm above it.
   */
  auditVerification: z.object({ AUDIT_SEAL_LAG_SECONDS: z.coerce.number().int().min(1) }),
  /**
   * R8 feed linkage: which council maintains a child first known from a feed, by postcode area — JSON
   * `{"areas": {"LS": ["E08000035", "Leeds City Council"]}, "default": [...]}`; each deployment states its own.
   */
  linkage: z.object({ POSTCODE_AUTHORITIES: z.string().min(2) }),
  /** R10 misuse thresholds: each deployment states its own. */
  misuse: z
    .object({
      MISUSE_DISTINCT_CHILDREN_PER_DAY: z.coerce.number().int().min(1),
      MISUSE_OUT_OF_AREA_PER_DAY: z.coerce.number().int().min(1),
      MISUSE_UNUSUAL_HOURS: z.string().regex(/^\d{1,2}-\d{1,2}$/, 'UK local hours as FROM-TO, e.g. 0-6'),
    })
    .transform((c): MisuseThresholds => {
      const [from, to] = c.MISUSE_UNUSUAL_HOURS.split('-').map(Number) as [number, number];
      return {
        distinctChildrenPerDay: c.MISUSE_DISTINCT_CHILDREN_PER_DAY,
        outOfAreaChildrenPerDay: c.MISUSE_OUT_OF_AREA_PER_DAY,
        unusualHours: { from, to },
      };
    }),
  /** R10 per-user limits: each deployment states its own; the counters' table. */
  limits: z
    .object({
      USAGE_COUNTERS_TABLE: name,
      LIMIT_SEARCHES_PER_MINUTE: z.coerce.number().int().min(1),
      LIMIT_SEARCHES_PER_DAY: z.coerce.number().int().min(1),
      LIMIT_VIEWS_PER_MINUTE: z.coerce.number().int().min(1),
      LIMIT_VIEWS_PER_DAY: z.coerce.number().int().min(1),
    })
    .transform((c) => ({
      tableName: c.USAGE_COUNTERS_TABLE,
      limits: {
        search: { minute: c.LIMIT_SEARCHES_PER_MINUTE, day: c.LIMIT_SEARCHES_PER_DAY },
        view: { minute: c.LIMIT_VIEWS_PER_MINUTE, day: c.LIMIT_VIEWS_PER_DAY },
      } satisfies UsageLimits,
    })),
  /**
   * R8 national feed loads: the KMS-encrypted bucket feed files land in (under incoming/) and each load's
   * chunks, results and report are kept in (under loads/), and how many rows one chunk holds — one
   * invocation of the linking function, well under Step Functions' 256 KB per item however many are
   * rejected.
   */
  feeds: z.object({
    AWS_REGION: name,
    FEEDS_BUCKET: name,
    FEED_CHUNK_ROWS: z.coerce.number().int().min(1).max(1000),
  }),
  /**
   * R7: where archived records go — the Object Lock bucket and its KMS key in AWS; locally a folder of files
   * encrypted with the keyring's archive key (`.local/archive/`).
   */
  archive: z.union([
    z.object({ AWS_REGION: name, ARCHIVE_BUCKET: name, ARCHIVE_KEY_ID: name }),
    z.object({ LOCAL_KEYRING_FILE: name, LOCAL_ARCHIVE_DIR: name }),
  ]),
  /**
   * R9: the daily digest — the address it is sent from (an SES identity in AWS) and the one link it carries,
   * the console where alerts are read. Locally the mail is written as `.eml` files to a folder (`.local/mail/`).
   */
  mail: z.union([
    // The folder first: locally AWS_REGION is set too, and must not send through SES.
    z.object({ LOCAL_MAIL_DIR: name, MAIL_FROM: z.email(), CONSOLE_URL: z.url() }),
    z.object({ AWS_REGION: name, MAIL_FROM: z.email(), CONSOLE_URL: z.url() }),
  ]),
  /**
   * The console (the GOV.UK web front end): the API it calls with the signed-in user's own token, its public
   * address, the key that seals its session cookie, how long an idle session lasts, and how users sign in —
   * Cognito's hosted UI (authorization code with PKCE) in AWS; locally a password and TOTP form against
   * cognito-local, with the session key given directly.
   */
  console: z.union([
    z.object({
      SIGN_IN: z.literal('password'),
      API_URL: z.url(),
      CONSOLE_URL: z.url(),
      SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).max(60),
      LOCAL_SESSION_KEY: z.string().regex(/^[0-9a-f]{64}$/),
      AWS_REGION: name,
      COGNITO_ENDPOINT: z.url(),
      USER_POOL_CLIENT_ID: name,
    }),
    z.object({
      SIGN_IN: z.literal('hosted-ui'),
      API_URL: z.url(),
      CONSOLE_URL: z.url(),
      SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).max(60),
      AWS_REGION: name,
      /** A Secrets Manager secret holding 64 hex characters (256 bits). */
      SESSION_KEY_SECRET_ID: name,
      /** The user pool's hosted UI domain, e.g. https://contactpoint-prod.auth.eu-west-2.amazoncognito.com */
      HOSTED_UI_URL: z.url(),
      CONSOLE_CLIENT_ID: name,
      /**
       * A Secrets Manager secret holding the value CloudFront sends in the `x-origin-verify` header of every
       * request it forwards; a request to the function URL without it did not come through CloudFront (and its
       * WAF) and is refused (docs/decisions/0014-console-serving.md).
       */
      ORIGIN_VERIFY_SECRET_ID: name,
    }),
  ]),
  /** The sign-in trigger's council identity providers (R4: MFA evidence). */
  federation: z.object({
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
  }),
} as const;

export type SettingGroup = keyof typeof SETTINGS;
export type Settings<G extends SettingGroup> = z.output<(typeof SETTINGS)[G]>;

type NamesOf<S> =
  S extends z.ZodObject<infer Shape>
    ? keyof Shape & string
    : S extends z.ZodUnion<infer Options>
      ? NamesOf<Options[number]>
      : S extends z.ZodPipe<infer In, z.ZodType>
        ? NamesOf<In>
        : never;
export type SettingName = { [G in SettingGroup]: NamesOf<(typeof SETTINGS)[G]> }[SettingGroup];
/** Values for some or all settings, from which a function's environment is built. */
export type SettingValues = Partial<Record<SettingName, string>>;

/** The setting that names each table a function may be given. */
export const TABLE_SETTINGS = {
  children: 'CHILDREN_TABLE',
  involvements: 'INVOLVEMENTS_TABLE',
  audit: 'AUDIT_TABLE',
  directory: 'DIRECTORY_TABLE',
  auditIndex: 'AUDIT_INDEX_TABLE',
  alerts: 'ALERTS_TABLE',
  contactRequests: 'CONTACT_REQUESTS_TABLE',
  idempotency: 'IDEMPOTENCY_TABLE',
  usageCounters: 'USAGE_COUNTERS_TABLE',
  misuseCounters: 'MISUSE_COUNTERS_TABLE',
  reviews: 'REVIEWS_TABLE',
} as const satisfies Partial<Record<TableId, SettingName>>;

/** Setting values naming the tables, from their deployed (or local) names. */
export function tableSettings(names: Record<TableId, string>): SettingValues {
  return Object.fromEntries(
    (Object.entries(TABLE_SETTINGS) as [keyof typeof TABLE_SETTINGS, SettingName][]).map(
      ([table, setting]) => [setting, names[table]],
    ),
  );
}

/** Set by Lambda itself in AWS; a function's environment must not name them there. */
export const PROVIDED_BY_LAMBDA: readonly SettingName[] = ['AWS_REGION'];

export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';
}

function namesOf(schema: z.ZodType): string[] {
  if (schema instanceof z.ZodObject) return Object.keys(schema.shape);
  if (schema instanceof z.ZodUnion) return (schema.options as z.ZodType[]).flatMap(namesOf);
  if (schema instanceof z.ZodPipe) return namesOf(schema.in as z.ZodType);
  return [];
}

/** The names a function with these groups reads, each once. */
export function settingNames(groups: readonly SettingGroup[]): SettingName[] {
  return [...new Set(groups.flatMap((g) => namesOf(SETTINGS[g])))] as SettingName[];
}

/** Reads one group once, at cold start; a missing or malformed setting is named. */
export function readSettings<G extends SettingGroup>(
  group: G,
  env: Record<string, string | undefined> = process.env,
): Settings<G> {
  const parsed = SETTINGS[group].safeParse(env);
  if (!parsed.success) {
    const named = [...new Set(parsed.error.issues.map((i) => i.path.join('.') || group))].join(', ');
    throw new ConfigurationError(`Invalid or missing settings (${group}): ${named}`, { cause: parsed.error });
  }
  return parsed.data as Settings<G>;
}

/**
 * The environment of a function that reads `groups`: exactly their names that have a value, and every
 * group checked, so a deployment or local start missing a setting fails before any function runs.
 */
export function environmentFor(
  groups: readonly SettingGroup[],
  values: SettingValues,
  options: { providedByPlatform?: readonly SettingName[] } = {},
): Record<string, string> {
  const provided = new Set(options.providedByPlatform ?? []);
  const environment: Record<string, string> = {};
  for (const setting of settingNames(groups)) {
    const value = values[setting];
    if (value !== undefined && !provided.has(setting)) environment[setting] = value;
  }
  const asRun = { ...environment, ...Object.fromEntries([...provided].map((n) => [n, 'provided'])) };
  for (const group of groups) readSettings(group, asRun);
  return environment;
}
