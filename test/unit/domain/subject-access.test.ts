import { describe, expect, it } from 'vitest';
import { subjectAccessReport, subjectAccessReportHtml } from '#domain/audit/subject-access.ts';
import type { TrailEntry } from '#domain/audit/trail.ts';
import { SPECIALIST_SERVICES_SENTENCE } from '#domain/disclosure/view-schema.ts';
import { aChild, anInvolvement, leedsDataManager, shieldBy } from '../../support/builders.ts';

const camhs = anInvolvement({
  involvementId: 'INV-2-00000000-0000-0000-0000-000000000002',
  serviceType: 'camhs',
  practitionerName: 'Dr Rhiannon Pryce',
  organisationId: 'ORG-LEEDS-TH',
  organisationName: 'Leeds Teaching Hospitals NHS Trust',
  contact: { phone: '0113 496 0999' },
});
const schoolNurse = anInvolvement();
const access: TrailEntry = {
  at: '2026-10-01T09:00:00.000Z',
  eventId: 'evt-1',
  action: 'view-child',
  outcome: 'success',
  actorId: 'user-nurse',
  actorOrganisationId: 'ORG-LEEDS-CH',
  actorRoles: ['practitioner'],
  reasonCode: 'SAFEGUARDING',
  childIds: ['CP7M3K9P2XN'],
};

describe('subject access report', () => {
  it('names the national feed and extract each field came from, and the team for what it entered (R8)', () => {
    const child = aChild({
      provenance: {
        name: { source: 'council', extractDate: '2026-01-01' },
        nhsNumber: { source: 'nhs-demographics', extractDate: '2026-09-01' },
        address: { source: 'child-benefit', extractDate: '2026-10-01' },
      },
    });
    const report = subjectAccessReport(child, [], [], '2026-11-22T10:00:00Z', leedsDataManager);
    const sourceOf = (field: string) => report.held.find((h) => h.field === field)?.source;
    expect(sourceOf('nhsNumber')).toBe(
      'NHS demographics (Personal Demographics Service) (extract of 2026-09-01)',
    );
    expect(sourceOf('address.postcode')).toBe('Child Benefit records (extract of 2026-10-01)');
    expect(sourceOf('givenName')).toMatch(/^Leeds City Council ContactPoint team/);
    expect(sourceOf('upn')).toMatch(/^Leeds City Council ContactPoint team/);
  });

  it('shows another organisation’s sensitive service only as the R2 sentence: no name, type, contact or date (R2)', () => {
    const report = subjectAccessReport(
      aChild(),
      [camhs, schoolNurse],
      [access],
      '2026-11-22T10:00:00Z',
      leedsDataManager,
    );
    const text = JSON.stringify(report);
    expect(report.specialistServices).toBe(SPECIALIST_SERVICES_SENTENCE);
    for (const secret of ['camhs', 'Rhiannon', '0113 496 0999', 'Leeds Teaching Hospitals'])
      expect(text).not.toContain(secret);
    expect(report.involvements.map((i) => i.serviceType)).toEqual(['school-nursing']);
  });

  it('says at the top that a shielded record is shielded, and marks every whereabouts field and organisation to withhold (R3)', () => {
    const child = aChild({
      shield: shieldBy('E08000035'),
      previousAddresses: [{ line1: '9 Old Road', town: 'Leeds', postcode: 'LS6 1AA' }],
    });
    const report = subjectAccessReport(
      child,
      [schoolNurse],
      [access],
      '2026-11-22T10:00:00Z',
      leedsDataManager,
    );
    expect(report.shielded).toBe(true);
    expect(report.notice).toMatch(/SHIELDED/);
    const unmarked = report.held.filter((h) => !h.withhold).map((h) => h.field);
    expect(unmarked.sort()).toEqual(['dateOfBirth', 'familyName', 'gender', 'givenName', 'nhsNumber'].sort());
    for (const value of [
      '14 Harehills Lane',
      'LS8 3QE',
      'LS6 1AA',
      'Bankside Primary School',
      'Harehills Medical Practice',
    ])
      expect(report.held.find((h) => h.value === value)?.withhold).toBe(true);
    expect(report.involvements.every((i) => i.withhold)).toBe(true);
    expect(report.accessByOrganisationAndRole.every((g) => g.withhold)).toBe(true);
    expect(report.accesses.every((a) => a.withhold)).toBe(true);
    expect(subjectAccessReportHtml(report)).toContain('THIS RECORD IS SHIELDED');
  });
});
