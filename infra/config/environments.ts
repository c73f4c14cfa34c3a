import * as z from 'zod';

/**
 * Every deployment setting, per environment, in one typed file validated at synth. Nothing secret:
 * account IDs, ARNs and e-mail addresses only. Replace the example values with your own before deploying.
 */
const EnvironmentSchema = z
  .object({
    name: z.string().regex(/^[a-z][a-z0-9-]{1,20}$/),
    account: z.string().regex(/^\d{12}$/, 'a 12-digit AWS account ID'),
    region: z.literal('eu-west-2').meta({ description: 'London: the data stays in the UK' }),
    /** Who may administer (not use) the KMS keys. */
    keyAdministratorRoleArn: z.string().regex(/^arn:aws:iam::\d{12}:role\/.+$/),
    alarmEmail: z.email(),
    /** Browser origins allowed by CORS and as sign-in callbacks. */
    webOrigins: z.array(z.url()).min(1),
    apiThrottling: z.object({
      rateLimit: z.number().int().positive(),
      burstLimit: z.number().int().positive(),
    }),
    wafRateLimits: z.object({
      perIpPer5Minutes: z.number().int().min(100),
      perUserPer5Minutes: z.number().int().min(100),
    }),
    /** Concurrency each function may use at most: a runaway or abusive caller cannot exhaust the account. */
    reservedConcurrency: z.number().int().min(1),
    /** R4: how long a function may reuse an account lookup; a suspension bites within this many seconds. */
    accountCacheSeconds: z.number().int().min(0).max(60),
    /** R10 misuse rules: when a pattern of access is raised with the auditors. */
    misuse: z.object({
      distinctChildrenPerDay: z.number().int().min(1),
      outOfAreaChildrenPerDay: z.number().int().min(1),
      unusualHours: z.string().regex(/^\d{1,2}-\d{1,2}$/),
    }),
    /**
     * R10 per-user limits, per ContactPoint account (not per token): searches and views of a child per
     * minute and per UTC day; one more is answered 429 with Retry-After, audited and seen by misuse rules.
     */
    userLimits: z.object({
      searchesPerMinute: z.number().int().min(1),
      searchesPerDay: z.number().int().min(1),
      viewsPerMinute: z.number().int().min(1),
      viewsPerDay: z.number().int().min(1),
    }),
    /**
     * R6: how long an audit event may wait for its seal. Above it the seal-lag and iterator-age alarms
     * fire, and the nightly verifier counts every unsealed event older than this as a failure.
     */
    auditSealLagSeconds: z.number().int().min(60),
    logRetentionDays: z.union([z.literal(90), z.literal(180), z.literal(365), z.literal(731)]),
    /**
     * R8: the council that maintains a child first known from a national feed, by postcode area (the letters
     * of the outward code); `default` for an area not listed or a row with no address. Give every area the
     * deployment serves, from the ONS postcode directory.
     */
    postcodeAuthorities: z
      .object({
        areas: z.record(
          z.string().regex(/^[A-Z]{1,2}$/),
          z.tuple([z.string().regex(/^E\d{8}$/), z.string()]),
        ),
        default: z.tuple([z.string().regex(/^E\d{8}$/), z.string()]),
      })
      .strict(),
    /**
     * R9 digests: the domain whose SES identity sends them (verified with Easy DKIM; its DNS records are
     * published by the operator), the one sender address, and the console link each digest carries.
     */
    mail: z
      .object({ domain: z.string().regex(/^[a-z0-9.-]+$/), from: z.email(), consoleUrl: z.url() })
      .strict()
      .refine((m) => m.from.endsWith(`@${m.domain}`), {
        message: 'mail.from must be an address of mail.domain',
      }),
    /** How long an idle console session lasts (the console's SESSION_IDLE_MINUTES); 15 when not given. */
    consoleSessionIdleMinutes: z.number().int().min(1).max(60).optional(),
    /** Case management systems that push involvements with client credentials (R8). */
    machineClients: z.array(
      z.object({ name: z.string().regex(/^[A-Za-z0-9-]+$/), organisationId: z.string() }),
    ),
  })
  .strict();

export type Environment = z.infer<typeof EnvironmentSchema>;

const ENVIRONMENTS: Record<string, Environment> = {
  staging: {
    name: 'staging',
    account: '111111111111',
    region: 'eu-west-2',
    keyAdministratorRoleArn: 'arn:aws:iam::111111111111:role/contactpoint-key-administrators',
    alarmEmail: 'contactpoint-operations@example.gov.uk',
    webOrigins: ['https://staging.contactpoint.example.gov.uk'],
    apiThrottling: { rateLimit: 50, burstLimit: 100 },
    wafRateLimits: { perIpPer5Minutes: 2000, perUserPer5Minutes: 300 },
    reservedConcurrency: 5,
    accountCacheSeconds: 30,
    misuse: { distinctChildrenPerDay: 50, outOfAreaChildrenPerDay: 5, unusualHours: '0-6' },
    userLimits: { searchesPerMinute: 30, searchesPerDay: 500, viewsPerMinute: 60, viewsPerDay: 1000 },
    auditSealLagSeconds: 900,
    logRetentionDays: 365,
    machineClients: [{ name: 'leeds-cms', organisationId: 'ORG-LEEDS-CC' }],
    mail: {
      domain: 'staging.contactpoint.example.gov.uk',
      from: 'alerts@staging.contactpoint.example.gov.uk',
      consoleUrl: 'https://staging.contactpoint.example.gov.uk',
    },
    postcodeAuthorities: {
      areas: {
        LS: ['E08000035', 'Leeds City Council'],
        BD: ['E08000032', 'City of Bradford Metropolitan District Council'],
      },
      default: ['E08000035', 'Leeds City Council'],
    },
  },
  production: {
    name: 'production',
    account: '222222222222',
    region: 'eu-west-2',
    keyAdministratorRoleArn: 'arn:aws:iam::222222222222:role/contactpoint-key-administrators',
    alarmEmail: 'contactpoint-operations@example.gov.uk',
    webOrigins: ['https://contactpoint.example.gov.uk'],
    apiThrottling: { rateLimit: 500, burstLimit: 1000 },
    wafRateLimits: { perIpPer5Minutes: 5000, perUserPer5Minutes: 300 },
    reservedConcurrency: 50,
    accountCacheSeconds: 30,
    misuse: { distinctChildrenPerDay: 50, outOfAreaChildrenPerDay: 5, unusualHours: '0-6' },
    userLimits: { searchesPerMinute: 20, searchesPerDay: 300, viewsPerMinute: 40, viewsPerDay: 600 },
    auditSealLagSeconds: 900,
    logRetentionDays: 731,
    machineClients: [
      { name: 'leeds-cms', organisationId: 'ORG-LEEDS-CC' },
      { name: 'bradford-cms', organisationId: 'ORG-BRADFORD-MDC' },
    ],
    mail: {
      domain: 'contactpoint.example.gov.uk',
      from: 'alerts@contactpoint.example.gov.uk',
      consoleUrl: 'https://contactpoint.example.gov.uk',
    },
    postcodeAuthorities: {
      areas: {
        LS: ['E08000035', 'Leeds City Council'],
        BD: ['E08000032', 'City of Bradford Metropolitan District Council'],
      },
      default: ['E08000035', 'Leeds City Council'],
    },
  },
};

export function environmentNamed(name: string): Environment {
  const environment = ENVIRONMENTS[name];
  if (!environment)
    throw new Error(`Unknown environment "${name}"; known: ${Object.keys(ENVIRONMENTS).join(', ')}`);
  return EnvironmentSchema.parse(environment);
}
