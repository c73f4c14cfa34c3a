import * as z from 'zod';
import { IsoDate } from '../dates.ts';
import { type AccountChange, AccountChangeSchema } from './account-change.ts';
import type { Organisation } from './organisation.ts';
import { type Right, RightSchema, type Role, RoleSchema } from './principal.ts';

/**
 * R4: an account may be used only while every prerequisite holds — re-checked on every request, so an
 * expired DBS certificate or a suspension stops access at once, whatever token is presented.
 */
export const ACCOUNT_STATUSES = ['pending', 'active', 'suspended', 'terminated'] as const;
export const AccountStatusSchema = z.enum(ACCOUNT_STATUSES);
export type AccountStatus = z.infer<typeof AccountStatusSchema>;

/** An enhanced DBS certificate is accepted for three years from its date of issue. */
export const DBS_VALID_YEARS = 3;

export interface Account {
  /** The identity provider's subject (Cognito `sub`). */
  userId: string;
  email: string;
  organisationId: string;
  roles: Role[];
  /** Rights beside the roles (the child-protection override, R3). */
  rights?: Right[] | undefined;
  status: AccountStatus;
  /** The line manager who authorised the account (name and e-mail, as recorded by the administrator). */
  authorisedBy: string;
  dbsCertificateDate: string;
  trainingCompletedOn: string;
  agreementSignedOn: string;
  mfaEnrolled: boolean;
  grantedBy: string;
  /** Used only to detect look-ups of one's own family or neighbours (R10). */
  familyName?: string | undefined;
  homePostcode?: string | undefined;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** The date on which a DBS certificate issued on `issued` stops being acceptable. */
export function dbsExpiresOn(issued: string): string {
  const [y, m, d] = issued.split('-') as [string, string, string];
  return `${Number(y) + DBS_VALID_YEARS}-${m}-${d === '29' && m === '02' ? '28' : d}`;
}

/** What stops an account being used today; empty when it may be used. Names each problem (R4). */
export function accessProblems(
  account: Account,
  organisation: Organisation | undefined,
  today: string,
): string[] {
  return accessRefusals(account, organisation, today).map((r) => r.message);
}

/**
 * Why R4 refused a caller, as a code an auditor can filter on (R6): carried on the refusal's audit
 * event and shown in the user's trail. Codes only — no child data, no vetting dates.
 */
export const REFUSAL_REASONS = [
  'no-account',
  'organisation-mismatch',
  'pending',
  'suspended',
  'terminated',
  'organisation-not-registered',
  'organisation-not-accredited',
  'dbs-expired',
  'dbs-date-in-future',
  'training-incomplete',
  'agreement-unsigned',
  'mfa-not-enrolled',
  'client-revoked',
  'role-not-permitted',
  'right-not-held',
  'scope-not-granted',
] as const;
export type RefusalReason = (typeof REFUSAL_REASONS)[number];

/** Each R4 prerequisite the account or its organisation fails, with its code and its words. */
export function accessRefusals(
  account: Account,
  organisation: Organisation | undefined,
  today: string,
): { reason: RefusalReason; message: string }[] {
  const refusals: { reason: RefusalReason; message: string }[] = [];
  const add = (reason: RefusalReason, message: string) => refusals.push({ reason, message });
  if (account.status !== 'active') add(account.status, `the account is ${account.status}`);
  if (!organisation) add('organisation-not-registered', 'the organisation is not registered');
  else if (!organisation.accredited) add('organisation-not-accredited', 'the organisation is not accredited');
  if (dbsExpiresOn(account.dbsCertificateDate) <= today)
    add('dbs-expired', 'the enhanced DBS certificate is 3 or more years old');
  if (account.dbsCertificateDate > today)
    add('dbs-date-in-future', 'the DBS certificate date is in the future');
  if (account.trainingCompletedOn > today)
    add('training-incomplete', 'ContactPoint training is not complete');
  if (account.agreementSignedOn > today) add('agreement-unsigned', 'the end-user agreement is not signed');
  if (!account.mfaEnrolled) add('mfa-not-enrolled', 'multi-factor authentication is not enrolled');
  return refusals;
}

/** R4 prerequisites of a grant or reinstatement, each named by the field that is missing or stale. */
export function prerequisiteProblems(
  vetting: Pick<Account, 'dbsCertificateDate' | 'trainingCompletedOn' | 'agreementSignedOn' | 'mfaEnrolled'>,
  today: string,
): { field: string; message: string }[] {
  const problems: { field: string; message: string }[] = [];
  if (vetting.dbsCertificateDate > today)
    problems.push({ field: 'dbsCertificateDate', message: 'is in the future' });
  else if (dbsExpiresOn(vetting.dbsCertificateDate) <= today) {
    problems.push({
      field: 'dbsCertificateDate',
      message: `is ${DBS_VALID_YEARS} or more years old: a new enhanced DBS check is needed (R4)`,
    });
  }
  if (vetting.trainingCompletedOn > today)
    problems.push({
      field: 'trainingCompletedOn',
      message: 'is in the future: training is not complete (R4)',
    });
  if (vetting.agreementSignedOn > today)
    problems.push({
      field: 'agreementSignedOn',
      message: 'is in the future: the agreement is not signed (R4)',
    });
  if (!vetting.mfaEnrolled)
    problems.push({ field: 'mfaEnrolled', message: 'must be true: MFA is required (R4)' });
  return problems;
}

/**
 * Who may grant what: nobody grants a role above their own. User administrators rank highest because
 * they vouch for others; auditors and data managers next; practitioners and operators last.
 */
const RANK: Record<Role, number> = {
  practitioner: 1,
  operator: 1,
  auditor: 2,
  'data-manager': 2,
  'user-admin': 3,
};

export function mayGrantRoles(granterRoles: Role[], requested: Role[]): boolean {
  const own = Math.max(...granterRoles.map((r) => RANK[r]));
  return requested.every((r) => RANK[r] <= own);
}

const vetting = {
  authorisedBy: z
    .string()
    .trim()
    .min(3)
    .max(200)
    .meta({ description: 'The line manager who authorised the account' }),
  dbsCertificateDate: IsoDate.meta({ description: 'Issue date of the enhanced DBS certificate' }),
  trainingCompletedOn: IsoDate.meta({ description: 'When ContactPoint training was completed' }),
  agreementSignedOn: IsoDate.meta({ description: 'When the end-user agreement was signed' }),
  mfaEnrolled: z.boolean().meta({ description: 'Multi-factor authentication is set up for the user' }),
};

export const GrantAccountSchema = z
  .object({
    email: z.email().max(254),
    roles: z.array(RoleSchema).min(1).max(3),
    rights: z.array(RightSchema).max(1).optional().meta({
      description: 'child-protection-override lets the holder break a shield for one audited view (R3)',
    }),
    organisationId: z
      .string()
      .min(1)
      .optional()
      .meta({ description: 'An organisation your organisation administers; your own when left out' }),
    ...vetting,
  })
  .strict()
  .meta({
    id: 'GrantAccount',
    example: {
      email: 'sam.okoro@leeds.example.gov.uk',
      roles: ['practitioner'],
      authorisedBy: 'Jane Hallam, Team Manager, jane.hallam@leeds.example.gov.uk',
      dbsCertificateDate: '2025-03-14',
      trainingCompletedOn: '2026-10-02',
      agreementSignedOn: '2026-10-02',
      mfaEnrolled: true,
    },
  });
export type GrantAccount = z.infer<typeof GrantAccountSchema>;

export const AccountPatchSchema = z
  .object({
    status: z.enum(['active', 'suspended', 'terminated']).optional().meta({
      description: 'suspended or terminated stops access at once; active reinstates a suspended account',
    }),
    dbsCertificateDate: vetting.dbsCertificateDate.optional(),
    trainingCompletedOn: vetting.trainingCompletedOn.optional(),
    agreementSignedOn: vetting.agreementSignedOn.optional(),
    mfaEnrolled: vetting.mfaEnrolled.optional(),
    roles: z
      .array(RoleSchema)
      .min(1)
      .max(3)
      .optional()
      .meta({
        description:
          'The roles the account holds from now on. data-manager and auditor, when added, wait for a second ' +
          'administrator’s approval (two-person rule, R4)',
      }),
    rights: z.array(RightSchema).max(1).optional().meta({
      description:
        'The rights the account holds from now on; an added child-protection-override waits for approval',
    }),
  })
  .strict()
  .refine((p) => Object.keys(p).length > 0, { message: 'must change at least one field' })
  .meta({ id: 'AccountPatch', example: { status: 'suspended' } });
export type AccountPatch = z.infer<typeof AccountPatchSchema>;

export const AccountViewSchema = z
  .object({
    userId: z.string(),
    email: z.string(),
    organisationId: z.string(),
    roles: z.array(RoleSchema),
    rights: z.array(RightSchema),
    status: AccountStatusSchema,
    authorisedBy: z.string(),
    dbsCertificateDate: z.string(),
    dbsExpiresOn: z.string(),
    trainingCompletedOn: z.string(),
    agreementSignedOn: z.string(),
    mfaEnrolled: z.boolean(),
    usable: z.boolean().meta({ description: 'Whether every R4 prerequisite holds today' }),
    etag: z.string().meta({ description: 'Send as If-Match to change this account' }),
    problems: z.array(z.string()).meta({ description: 'What stops the account being used, if anything' }),
    awaitingApproval: AccountChangeSchema.optional().meta({
      description:
        'Roles or rights this request asked for that wait for a second administrator (two-person rule, R4); ' +
        'the account does not hold them until then',
    }),
  })
  .strict()
  .meta({
    id: 'Account',
    example: {
      userId: '3f0c9a4e-2d8b-4c1e-9f57-0b6e1d2c3a4f',
      email: 'sam.okoro@leeds.example.gov.uk',
      organisationId: 'ORG-LEEDS-CC',
      roles: ['practitioner'],
      rights: [],
      status: 'active',
      authorisedBy: 'Jane Hallam, Team Manager, jane.hallam@leeds.example.gov.uk',
      dbsCertificateDate: '2025-03-14',
      dbsExpiresOn: '2028-03-14',
      trainingCompletedOn: '2026-10-02',
      agreementSignedOn: '2026-10-02',
      mfaEnrolled: true,
      usable: true,
      etag: '"1"',
      problems: [],
    },
  });
export type AccountView = z.infer<typeof AccountViewSchema>;

/** What an administrator (or the account holder) sees of an account: everything but bookkeeping. */
export function accountView(
  account: Account,
  organisation: Organisation | undefined,
  today: string,
  awaitingApproval?: AccountChange,
): AccountView {
  const problems = accessProblems(account, organisation, today);
  return {
    userId: account.userId,
    email: account.email,
    organisationId: account.organisationId,
    roles: account.roles,
    rights: account.rights ?? [],
    status: account.status,
    authorisedBy: account.authorisedBy,
    dbsCertificateDate: account.dbsCertificateDate,
    dbsExpiresOn: dbsExpiresOn(account.dbsCertificateDate),
    trainingCompletedOn: account.trainingCompletedOn,
    agreementSignedOn: account.agreementSignedOn,
    mfaEnrolled: account.mfaEnrolled,
    usable: problems.length === 0,
    etag: `"${account.version}"`,
    problems,
    ...(awaitingApproval && { awaitingApproval }),
  };
}
