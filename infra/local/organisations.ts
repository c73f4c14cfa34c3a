import type { Organisation } from '#domain/access/organisation.ts';
import type { Role } from '#domain/access/principal.ts';

/** The organisations the local stand-in seeds: two councils, two NHS trusts and the national service. */
export const LOCAL_ORGANISATIONS = [
  {
    organisationId: 'ORG-LEEDS-CC',
    name: 'Leeds City Council',
    kind: 'local-authority',
    gssCode: 'E08000035',
    accredited: true,
  },
  {
    organisationId: 'ORG-BRADFORD-MDC',
    name: 'City of Bradford Metropolitan District Council',
    kind: 'local-authority',
    gssCode: 'E08000032',
    accredited: true,
  },
  {
    organisationId: 'ORG-LEEDS-CH',
    name: 'Leeds Community Healthcare NHS Trust',
    kind: 'health',
    accredited: true,
  },
  {
    organisationId: 'ORG-LEEDS-TH',
    name: 'Leeds Teaching Hospitals NHS Trust',
    kind: 'health',
    accredited: true,
  },
  {
    organisationId: 'ORG-CP-NATIONAL',
    name: 'ContactPoint National Service',
    kind: 'national-partner',
    accredited: true,
  },
] as const satisfies readonly Organisation[];

export interface LocalUser {
  email: string;
  role: Role;
  organisationId: (typeof LOCAL_ORGANISATIONS)[number]['organisationId'];
}

/**
 * One user per role (the first of each role is what `npm run token -- <role>` signs in as), plus a
 * second council's data manager and a hospital practitioner, so cross-authority and cross-organisation
 * rules can be tried by hand.
 */
export const LOCAL_USERS: readonly LocalUser[] = [
  { email: 'practitioner@leeds-ch.example.nhs.uk', role: 'practitioner', organisationId: 'ORG-LEEDS-CH' },
  { email: 'data-manager@leeds.example.gov.uk', role: 'data-manager', organisationId: 'ORG-LEEDS-CC' },
  { email: 'user-admin@leeds.example.gov.uk', role: 'user-admin', organisationId: 'ORG-LEEDS-CC' },
  { email: 'auditor@leeds.example.gov.uk', role: 'auditor', organisationId: 'ORG-LEEDS-CC' },
  { email: 'operator@contactpoint.example.gov.uk', role: 'operator', organisationId: 'ORG-CP-NATIONAL' },
  { email: 'data-manager@bradford.example.gov.uk', role: 'data-manager', organisationId: 'ORG-BRADFORD-MDC' },
  { email: 'practitioner@leeds-th.example.nhs.uk', role: 'practitioner', organisationId: 'ORG-LEEDS-TH' },
];
