import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Principal } from '#domain/access/principal.ts';
import { childViewFor } from '#domain/disclosure/view.ts';
import {
  SHIELDED_CONTACT_INSTRUCTION,
  SPECIALIST_SERVICES_SENTENCE,
} from '#domain/disclosure/view-schema.ts';
import type { Involvement, ServiceType } from '#domain/involvement/schema.ts';
import { syntheticChildren } from '#infra/local/synthetic.ts';
import {
  aChild,
  anInvolvement,
  bradfordDataManager,
  leedsDataManager,
  otherPractitioner,
  practitioner,
  shieldBy,
} from '../../support/builders.ts';

const viewers: Principal[] = [practitioner, otherPractitioner, leedsDataManager, bradfordDataManager];
const { children, involvements } = syntheticChildren(300, 11);

/** Every string a record holds in a field the shielded view must not show (R3). */
function whereaboutsOf(child: ReturnType<typeof aChild>, invs: Involvement[]): string[] {
  const strings: string[] = [];
  const collect = (value: unknown) => {
    if (typeof value === 'string' && value.length > 3) strings.push(value);
    else if (value && typeof value === 'object') for (const v of Object.values(value)) collect(v);
  };
  collect([child.address, child.carers, child.education, child.gpPractice, child.nhsNumber, child.upn]);
  collect(invs.map((i) => [i.practitionerName, i.contact, i.organisationName]));
  return strings;
}

describe('R3 shielding', () => {
  it('hides the address, carers, school, GP and involvement contacts of a shielded child from everyone but the shielding and maintaining teams', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: children.length - 1 }),
        fc.constantFrom(...viewers.filter((v) => v !== leedsDataManager)),
        (index, viewer) => {
          // Shielded by Leeds, maintained by Leeds: only Leeds's team sees through it.
          const child = {
            ...(children[index] as ReturnType<typeof aChild>),
            localAuthority: 'E08000035',
            shield: shieldBy('E08000035'),
          };
          const invs = involvements.filter((i) => i.childId === child.childId);
          const view = childViewFor(child, invs, viewer);
          expect(view.disclosure).toBe('shielded');
          // Every field, the contact instruction included, must be clean: it names no council (R3).
          const body = JSON.stringify(view);
          for (const council of [child.localAuthority, child.localAuthorityName, 'Leeds', 'Bradford'])
            expect(body).not.toContain(council);
          for (const secret of whereaboutsOf(child, invs)) expect(body).not.toContain(secret);
          expect(Object.keys(view).sort()).toEqual(
            [
              'childId',
              'contactInstruction',
              'dateOfBirth',
              'disclosure',
              'familyName',
              'gender',
              'givenName',
            ].sort(),
          );
        },
      ),
    );
  });

  it('shows the shielded record in full to the data managers of the shielding authority only', () => {
    const child = aChild({ shield: shieldBy('E08000035') });
    expect(childViewFor(child, [], leedsDataManager).disclosure).toBe('full');
    expect(childViewFor(child, [], bradfordDataManager).disclosure).toBe(
      child.localAuthority === bradfordDataManager.localAuthority ? 'full' : 'shielded',
    );
    expect(childViewFor(child, [], { ...practitioner, localAuthority: 'E08000035' }).disclosure).toBe(
      'shielded',
    );
  });

  it('tells the viewer how to reach the people involved through a brokered contact request, naming no council', () => {
    const view = childViewFor(aChild({ shield: shieldBy('E08000035') }), [], practitioner);
    expect(view).toMatchObject({ contactInstruction: SHIELDED_CONTACT_INSTRUCTION });
    expect(SHIELDED_CONTACT_INSTRUCTION).toContain('contact-requests');
    expect(SHIELDED_CONTACT_INSTRUCTION).not.toMatch(/Leeds|Bradford|council of/i);
  });

  it('never shows a previous address, in any view', () => {
    const child = aChild({
      previousAddresses: [{ line1: '9 Old Road', town: 'Leeds', postcode: 'LS6 1AA' }],
    });
    for (const viewer of viewers)
      expect(JSON.stringify(childViewFor(child, [], viewer))).not.toContain('Old Road');
  });
});

describe('R2 sensitive services', () => {
  const sensitive: ServiceType[] = ['camhs', 'sexual-health', 'substance-misuse'];
  const aSensitiveInvolvement = fc.record({
    serviceType: fc.constantFrom(...sensitive),
    practitionerName: fc.constantFrom('Dr Nadia Hussain', 'Tom Okafor', 'Leah Brennan'),
    phone: fc.constantFrom('0113 496 0911', '0113 496 0922'),
    startDate: fc.constantFrom('2025-03-04', '2026-07-19'),
  });

  it('collapses another organisation’s sensitive services to the one sentence, with no name, type, contact, date or count', () => {
    fc.assert(
      fc.property(fc.array(aSensitiveInvolvement, { minLength: 1, maxLength: 4 }), (specs) => {
        const invs = specs.map((s, i) =>
          anInvolvement({
            involvementId: `INV-s${i}`,
            serviceType: s.serviceType,
            practitionerName: s.practitionerName,
            contact: { phone: s.phone },
            startDate: s.startDate,
            organisationId: 'ORG-CAMHS',
            organisationName: 'Secret Service Trust',
            consent: { givenBy: 'young-person', recordedOn: s.startDate },
          }),
        );
        const ordinary = anInvolvement();
        const view = childViewFor(aChild(), [ordinary, ...invs], otherPractitioner);
        expect(view.disclosure).toBe('sensitive-redacted');
        const body = JSON.stringify(view);
        for (const s of specs) {
          for (const secret of [s.serviceType, s.practitionerName, s.phone, 'Secret Service Trust']) {
            expect(body).not.toContain(secret);
          }
        }
        expect(body.split(SPECIALIST_SERVICES_SENTENCE)).toHaveLength(2);
        // The same view whatever the number of sensitive services: the count is not revealed.
        expect(view).toEqual(childViewFor(aChild(), [ordinary, invs[0] as Involvement], otherPractitioner));
      }),
    );
  });

  it('shows a sensitive service in full to the organisation that recorded it', () => {
    const camhs = anInvolvement({ serviceType: 'camhs', organisationId: practitioner.organisationId });
    const view = childViewFor(aChild(), [camhs], practitioner);
    expect(view.disclosure).toBe('full');
    expect(JSON.stringify(view)).toContain('camhs');
  });
});

describe('R3 across councils (decision 0004)', () => {
  const shieldedByBradford = aChild({
    shield: shieldBy('E08000032', 'City of Bradford Metropolitan District Council'),
  });

  it('shows a record Bradford shielded in full to Leeds, which maintains it, and to Bradford, naming the shielding council to them alone', () => {
    for (const team of [leedsDataManager, bradfordDataManager]) {
      const view = childViewFor(shieldedByBradford, [], team);
      expect(view.disclosure).toBe('full');
      expect(JSON.stringify(view)).toContain('City of Bradford Metropolitan District Council');
    }
  });

  it('shows it to every practitioner as the shielded view, naming neither council', () => {
    for (const viewer of [practitioner, otherPractitioner]) {
      const view = childViewFor(shieldedByBradford, [], viewer);
      expect(view.disclosure).toBe('shielded');
      expect(JSON.stringify(view)).not.toContain('Bradford');
    }
  });
});
