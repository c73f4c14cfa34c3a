import { type Faker, fakerEN_GB } from '@faker-js/faker';
import type { ChildRecord } from '#domain/child/record.ts';
import type { Address, Carer, Education, GpPractice } from '#domain/child/schema.ts';
import { contactPointIdFrom } from '#domain/identifiers/contactpoint-id.ts';
import type { Involvement, ServiceType } from '#domain/involvement/schema.ts';
import { LOCAL_ORGANISATIONS } from './organisations.ts';
import { AREAS, type Area, landline, mobile, nhsNumber, pad, postcode, upn } from './synthetic-parts.ts';

/**
 * Reproducible synthetic children: the same seed gives the same data on every machine. Names and
 * places are en_GB; telephone numbers are Ofcom's drama ranges; e-mail domains are example domains.
 */
const REFERENCE_DATE = Date.UTC(2026, 8, 1); // ages are counted from 1 September 2026
export interface SyntheticData {
  children: ChildRecord[];
  involvements: Involvement[];
}

function dateOfBirth(f: Faker): string {
  const ageDays = f.number.int({ min: 10, max: 18 * 365 - 10 });
  return new Date(REFERENCE_DATE - ageDays * 86_400_000).toISOString().slice(0, 10);
}

function ageYears(dob: string): number {
  return Math.floor((REFERENCE_DATE - Date.parse(dob)) / (365.25 * 86_400_000));
}

export function syntheticChildren(count: number, seed = 2026): SyntheticData {
  const f = fakerEN_GB;
  f.seed(seed);
  const schools = AREAS.map((area) =>
    Array.from({ length: 40 }, (_, i) => ({
      name: `${f.location.street()} ${i % 4 === 0 ? 'Academy' : 'Primary School'}`,
      phone: landline(f),
      establishment: pad(2000 + i, 4),
      area,
    })),
  );
  const practices = AREAS.map(() =>
    Array.from({ length: 25 }, () => ({
      practiceName: `${f.location.street()} Medical Practice`,
      contact: { phone: landline(f) },
    })),
  );
  const children: ChildRecord[] = [];
  const involvements: Involvement[] = [];
  const services: ServiceType[] = [
    'school-nursing',
    'early-help',
    'social-care-child-in-need',
    'education-welfare',
    'special-educational-needs',
    'paediatrics',
    'youth-justice',
    'social-care-child-protection',
  ];
  const now = new Date(REFERENCE_DATE).toISOString();
  while (children.length < count) {
    const areaIndex = f.number.int(AREAS.length - 1);
    const area = AREAS[areaIndex] as Area;
    const familyName = f.person.lastName();
    const address: Address = {
      line1: `${f.number.int({ min: 1, max: 220 })} ${f.location.street()}`,
      town: area.town,
      postcode: postcode(f, area),
    };
    const carers: Carer[] = [
      {
        name: `${f.person.firstName('female')} ${familyName}`,
        relationship: 'mother',
        parentalResponsibility: true,
        contact: { phone: mobile(f) },
      },
    ];
    if (f.datatype.boolean(0.6)) {
      carers.push({
        name: `${f.person.firstName('male')} ${f.datatype.boolean(0.8) ? familyName : f.person.lastName()}`,
        relationship: 'father',
        parentalResponsibility: f.datatype.boolean(0.85),
        contact: { phone: mobile(f), email: `${f.string.alphanumeric(8).toLowerCase()}@example.com` },
      });
    }
    const gp = f.helpers.arrayElement(practices[areaIndex] ?? []) as GpPractice;
    const siblings = f.helpers.weightedArrayElement([
      { weight: 45, value: 1 },
      { weight: 35, value: 2 },
      { weight: 15, value: 3 },
      { weight: 5, value: 4 },
    ]);
    for (let s = 0; s < siblings && children.length < count; s++) {
      const sex = f.helpers.arrayElement(['female', 'male'] as const);
      const dob = dateOfBirth(f);
      const age = ageYears(dob);
      const school = f.helpers.arrayElement(schools[areaIndex] ?? []);
      const inSchool = age >= 4 && age <= 16;
      const education: Education | undefined = inSchool
        ? { status: 'in-education', institutionName: school.name, contact: { phone: school.phone } }
        : age > 16 && f.datatype.boolean(0.2)
          ? { status: 'not-in-education' }
          : undefined;
      const pupilUpn = upn(area.laNumber, school.establishment, 2026 - age + 4, f.number.int(999));
      const childId = contactPointIdFrom(Uint8Array.from({ length: 8 }, () => f.number.int(255)));
      const record: ChildRecord = {
        childId,
        givenName: f.person.firstName(sex),
        familyName,
        gender: sex,
        dateOfBirth: dob,
        nhsNumber: nhsNumber(f),
        ...(inSchool && { upn: pupilUpn }),
        address,
        carers,
        ...(education && { education }),
        gpPractice: gp,
        localAuthority: area.authority.gssCode,
        localAuthorityName: area.authority.name,
        version: 1,
        createdAt: now,
        updatedAt: now,
      };
      // About one record in two hundred is shielded (R3).
      if (f.datatype.boolean(0.005)) {
        record.shield = {
          reason: f.helpers.arrayElement([
            'adult-at-risk',
            'risk-of-significant-harm',
            'adoption-placement-at-risk',
          ] as const),
          reviewDate: '2027-03-31',
          authority: area.authority.gssCode,
          authorityName: area.authority.name,
          organisationId: area.authority.organisationId,
          shieldedBy: 'seed',
          shieldedAt: now,
        };
      }
      children.push(record);
      const count = f.helpers.weightedArrayElement([
        { weight: 50, value: 0 },
        { weight: 30, value: 1 },
        { weight: 15, value: 2 },
        { weight: 5, value: 3 },
      ]);
      for (let i = 0; i < count; i++) {
        const serviceType: ServiceType =
          age < 5 && i === 0
            ? 'health-visiting'
            : age >= 13 && f.datatype.boolean(0.12)
              ? f.helpers.arrayElement(['camhs', 'sexual-health', 'substance-misuse'] as const)
              : f.helpers.arrayElement(services);
        const organisation = f.helpers.arrayElement([
          LOCAL_ORGANISATIONS[2],
          LOCAL_ORGANISATIONS[3],
          area.authority,
        ]);
        const startDate = new Date(REFERENCE_DATE - f.number.int({ min: 5, max: 700 }) * 86_400_000)
          .toISOString()
          .slice(0, 10);
        const practitionerName = f.person.fullName();
        involvements.push({
          involvementId: `INV-seed${pad(involvements.length, 6)}-${f.string.uuid()}`,
          childId,
          serviceType,
          practitionerName,
          role: f.helpers.arrayElement([
            'Social worker',
            'School nurse',
            'Health visitor',
            'Family support worker',
            'Specialist nurse',
          ]),
          contact: {
            phone: landline(f),
            email: `${practitionerName.toLowerCase().replace(/[^a-z]+/g, '.')}@example.org.uk`,
          },
          startDate,
          leadProfessional: i === 0 && f.datatype.boolean(0.3),
          assessmentCompleted: f.datatype.boolean(0.4),
          ...(serviceType === 'camhs' || serviceType === 'sexual-health' || serviceType === 'substance-misuse'
            ? { consent: { givenBy: 'young-person' as const, recordedOn: startDate } }
            : {}),
          organisationId: organisation.organisationId,
          organisationName: organisation.name,
          recordedBy: 'seed',
          version: 1,
          createdAt: now,
          updatedAt: now,
        });
      }
    }
  }
  return { children, involvements };
}
