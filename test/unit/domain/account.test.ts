import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Account,
  accessProblems,
  dbsExpiresOn,
  mayGrantRoles,
  prerequisiteProblems,
} from '#domain/access/account.ts';
import { ROLES } from '#domain/access/principal.ts';

const organisation = {
  organisationId: 'ORG',
  name: 'Org',
  kind: 'health',
  accredited: true,
  administeredBy: 'ORG',
} as const;
const account: Account = {
  userId: 'u',
  email: 'u@example.org',
  organisationId: 'ORG',
  roles: ['practitioner'],
  status: 'active',
  authorisedBy: 'manager',
  dbsCertificateDate: '2025-06-01',
  trainingCompletedOn: '2025-06-10',
  agreementSignedOn: '2025-06-10',
  mfaEnrolled: true,
  grantedBy: 'admin',
  version: 1,
  createdAt: '2025-06-10T00:00:00Z',
  updatedAt: '2025-06-10T00:00:00Z',
};

describe('R4 prerequisites', () => {
  it('accepts a DBS certificate until the day before its third anniversary', () => {
    expect(dbsExpiresOn('2023-11-22')).toBe('2026-11-22');
    expect(dbsExpiresOn('2024-02-29')).toBe('2027-02-28');
    expect(
      accessProblems({ ...account, dbsCertificateDate: '2023-11-23' }, organisation, '2026-11-22'),
    ).toEqual([]);
    expect(
      accessProblems({ ...account, dbsCertificateDate: '2023-11-22' }, organisation, '2026-11-22'),
    ).toEqual(['the enhanced DBS certificate is 3 or more years old']);
  });

  it('names every reason an account may not be used', () => {
    const problems = accessProblems(
      { ...account, status: 'suspended', mfaEnrolled: false, trainingCompletedOn: '2099-01-01' },
      { ...organisation, accredited: false },
      '2026-11-22',
    );
    expect(problems).toEqual([
      'the account is suspended',
      'the organisation is not accredited',
      'ContactPoint training is not complete',
      'multi-factor authentication is not enrolled',
    ]);
  });

  it('names the field of each missing prerequisite of a grant', () => {
    const problems = prerequisiteProblems(
      { ...account, dbsCertificateDate: '2020-01-01', agreementSignedOn: '2099-01-01' },
      '2026-11-22',
    );
    expect(problems.map((p) => p.field)).toEqual(['dbsCertificateDate', 'agreementSignedOn']);
  });
});

describe('granting roles', () => {
  it('never lets anyone grant a role above their own', () => {
    const rank = { practitioner: 1, operator: 1, auditor: 2, 'data-manager': 2, 'user-admin': 3 } as const;
    fc.assert(
      fc.property(
        fc.subarray([...ROLES], { minLength: 1 }),
        fc.subarray([...ROLES], { minLength: 1 }),
        (own, requested) => {
          const allowed = mayGrantRoles(own, requested);
          const highest = Math.max(...own.map((r) => rank[r]));
          expect(allowed).toBe(requested.every((r) => rank[r] <= highest));
        },
      ),
    );
    expect(mayGrantRoles(['user-admin'], ['data-manager', 'practitioner'])).toBe(true);
    expect(mayGrantRoles(['auditor'], ['user-admin'])).toBe(false);
  });
});
