import type { Account } from '#domain/access/account.ts';
import type { Organisation } from '#domain/access/organisation.ts';
import type { Right, Role } from '#domain/access/principal.ts';

/**
 * The organisations the local stand-in seeds: two councils, an NHS trust in each council's care, and a
 * national partner. Each names who administers its accounts.
 */
export const LOCAL_ORGANISATIONS = [
  {
    organisationId: 'ORG-LEEDS-CC',
    name: 'Leeds City Council',
    kind: 'local-authority',
    gssCode: 'E08000035',
    accredited: true,
    administeredBy: 'ORG-LEEDS-CC',
  },
  {
    organisationId: 'ORG-BRADFORD-MDC',
    name: 'City of Bradford Metropolitan District Council',
    kind: 'local-authority',
    gssCode: 'E08000032',
    accredited: true,
    administeredBy: 'ORG-BRADFORD-MDC',
  },
  {
    organisationId: 'ORG-LEEDS-CH',
    name: 'Leeds Community Healthcare NHS Trust',
    kind: 'health',
    accredited: true,
    administeredBy: 'ORG-LEEDS-CC',
  },
  {
    organisationId: 'ORG-LEEDS-TH',
    name: 'Leeds Teaching Hospitals NHS Trust',
    kind: 'health',
    accredited: true,
    administeredBy: 'ORG-LEEDS-CC',
  },
  {
    organisationId: 'ORG-CP-NATIONAL',
    name: 'ContactPoint National Service',
    kind: 'national-partner',
    accredited: true,
    administeredBy: 'ORG-CP-NATIONAL',
  },
] as const satisfies readonly Organisation[];

export interface LocalUser {
  email: string;
  role: Role;
  organisationId: (typeof LOCAL_ORGANISATIONS)[number]['organisationId'];
  rights?: readonly Right[];
}

/**
 * Users of every role in both councils and in the national partner. The first user of each role is
 * what `npm run token -- <role>` signs in as; any other signs in by e-mail. They are seeded by the
 * operator straight into the directory (roles set directly, as an operator's import would), not through
 * the administration API, so the two-person rule does not apply to them.
 */
export const LOCAL_USERS: readonly LocalUser[] = [
  { email: 'practitioner@leeds-ch.example.nhs.uk', role: 'practitioner', organisationId: 'ORG-LEEDS-CH' },
  { email: 'data-manager@leeds.example.gov.uk', role: 'data-manager', organisationId: 'ORG-LEEDS-CC' },
  { email: 'user-admin@leeds.example.gov.uk', role: 'user-admin', organisationId: 'ORG-LEEDS-CC' },
  { email: 'auditor@leeds.example.gov.uk', role: 'auditor', organisationId: 'ORG-LEEDS-CC' },
  // Leeds's second user administrator: approves what the first asks for (two-person rule, R4).
  { email: 'user-admin.second@leeds.example.gov.uk', role: 'user-admin', organisationId: 'ORG-LEEDS-CC' },
  { email: 'operator@contactpoint.example.gov.uk', role: 'operator', organisationId: 'ORG-CP-NATIONAL' },
  // A Leeds social worker who holds the child-protection override right (R3 break-glass).
  {
    email: 'practitioner@leeds.example.gov.uk',
    role: 'practitioner',
    organisationId: 'ORG-LEEDS-CC',
    rights: ['child-protection-override'],
  },
  { email: 'practitioner@leeds-th.example.nhs.uk', role: 'practitioner', organisationId: 'ORG-LEEDS-TH' },
  { email: 'data-manager@bradford.example.gov.uk', role: 'data-manager', organisationId: 'ORG-BRADFORD-MDC' },
  { email: 'practitioner@bradford.example.gov.uk', role: 'practitioner', organisationId: 'ORG-BRADFORD-MDC' },
  { email: 'user-admin@bradford.example.gov.uk', role: 'user-admin', organisationId: 'ORG-BRADFORD-MDC' },
  { email: 'auditor@bradford.example.gov.uk', role: 'auditor', organisationId: 'ORG-BRADFORD-MDC' },
  { email: 'user-admin@contactpoint.example.gov.uk', role: 'user-admin', organisationId: 'ORG-CP-NATIONAL' },
  { email: 'auditor@contactpoint.example.gov.uk', role: 'auditor', organisationId: 'ORG-CP-NATIONAL' },
];

/** A vetted, active account for a seeded user: DBS a year old, training and agreement done, MFA on. */
export function localAccount(user: LocalUser, userId: string, now: Date): Account {
  const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000).toISOString().slice(0, 10);
  return {
    userId,
    email: user.email,
    organisationId: user.organisationId,
    roles: [user.role],
    ...(user.rights && { rights: [...user.rights] }),
    status: 'active',
    authorisedBy: 'Seeded by the local stand-in',
    dbsCertificateDate: daysAgo(365),
    trainingCompletedOn: daysAgo(300),
    agreementSignedOn: daysAgo(300),
    mfaEnrolled: true,
    grantedBy: 'seed',
    version: 1,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
}

/** R8: the local councils' postcode areas — a child first known from a feed is maintained by its area's council. */
export const LOCAL_POSTCODE_AUTHORITIES = {
  areas: {
    LS: [LOCAL_ORGANISATIONS[0].gssCode, LOCAL_ORGANISATIONS[0].name],
    BD: [LOCAL_ORGANISATIONS[1].gssCode, LOCAL_ORGANISATIONS[1].name],
  },
  default: [LOCAL_ORGANISATIONS[0].gssCode, LOCAL_ORGANISATIONS[0].name],
} as const;
