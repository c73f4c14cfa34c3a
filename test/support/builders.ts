import type { Principal } from '#domain/access/principal.ts';
import type { ChildRecord } from '#domain/child/record.ts';
import { type ChildFields, childFieldsExample } from '#domain/child/schema.ts';
import type { Involvement } from '#domain/involvement/schema.ts';

/** Plain test data; every test states what it changes. */
export function aChild(overrides: Partial<ChildRecord> = {}): ChildRecord {
  // A deep copy of the schema's example, so a test that changes it cannot change the next test's child.
  return {
    ...(structuredClone(childFieldsExample) as unknown as ChildFields),
    childId: 'CP7M3K9P2XN',
    localAuthority: 'E08000035',
    localAuthorityName: 'Leeds City Council',
    version: 1,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}

export function anInvolvement(overrides: Partial<Involvement> = {}): Involvement {
  return {
    involvementId: 'INV-1-00000000-0000-0000-0000-000000000001',
    childId: 'CP7M3K9P2XN',
    serviceType: 'school-nursing',
    practitionerName: 'Priya Shah',
    role: 'School nurse',
    contact: { phone: '0113 496 0303' },
    startDate: '2026-01-05',
    leadProfessional: false,
    assessmentCompleted: false,
    organisationId: 'ORG-LEEDS-CH',
    organisationName: 'Leeds Community Healthcare NHS Trust',
    recordedBy: 'user-nurse',
    version: 1,
    createdAt: '2026-01-05T00:00:00.000Z',
    updatedAt: '2026-01-05T00:00:00.000Z',
    ...overrides,
  };
}

export const shieldBy = (authority: string, authorityName = 'Leeds City Council') => ({
  reason: 'adult-at-risk' as const,
  reviewDate: '2027-05-01',
  authority,
  authorityName,
  shieldedBy: 'user-dm',
  shieldedAt: '2026-02-01T00:00:00.000Z',
});

export const practitioner: Principal = {
  userId: 'user-nurse',
  roles: ['practitioner'],
  organisationId: 'ORG-LEEDS-CH',
  organisationName: 'Leeds Community Healthcare NHS Trust',
};

export const otherPractitioner: Principal = {
  userId: 'user-doctor',
  roles: ['practitioner'],
  organisationId: 'ORG-LEEDS-TH',
  organisationName: 'Leeds Teaching Hospitals NHS Trust',
};

export const leedsDataManager: Principal = {
  userId: 'user-dm',
  roles: ['data-manager'],
  organisationId: 'ORG-LEEDS-CC',
  organisationName: 'Leeds City Council',
  localAuthority: 'E08000035',
  localAuthorityName: 'Leeds City Council',
};

export const bradfordDataManager: Principal = {
  userId: 'user-dm-bradford',
  roles: ['data-manager'],
  organisationId: 'ORG-BRADFORD-MDC',
  organisationName: 'City of Bradford Metropolitan District Council',
  localAuthority: 'E08000032',
  localAuthorityName: 'City of Bradford Metropolitan District Council',
};
