import { base, en, en_GB, Faker } from '@faker-js/faker';
import type { Address } from '#domain/child/schema.ts';
import { ageOn } from '#domain/dates.ts';
import { AREAS, type Area, landline, nhsNumber, pad, postcode, upn } from './synthetic-parts.ts';

/**
 * The children behind the synthetic national feeds, as they really are: households (siblings share an
 * address, a mother and a child benefit claim), twins, house moves and family-name changes. The feeds are
 * drawn from these people (synthetic-feed-rows.ts); benchmarks and tests compare what the linker makes of
 * the feeds with them. Same seed, same people.
 */
export interface SyntheticHousehold {
  household: string;
  area: Area;
  address: Address;
  /** The address before a move on `movedOn`: a feed extracted before that date still holds it. */
  previousAddress?: Address | undefined;
  movedOn?: string | undefined;
  mother: { givenName: string; familyName: string };
  /** The family name the children were registered under, when the household has since changed it. */
  birthFamilyName?: string | undefined;
  claimReference: string;
  claimsChildBenefit: boolean;
  gp: { code: string; name: string; phone: string };
}

export interface SyntheticPerson {
  person: string;
  household: string;
  givenName: string;
  middleName?: string | undefined;
  familyName: string;
  sex: 'M' | 'F';
  dateOfBirth: string;
  nhsNumber: string;
  upn?: string | undefined;
  school?: { urn: string; name: string; phone: string } | undefined;
  /** The other twin's person reference. */
  twinOf?: string | undefined;
  /** Born outside England and Wales: no birth registration here. */
  registeredAbroad: boolean;
  inCensus: boolean;
  registeredWithGp: boolean;
}

/** Documented shares of the population (households or children), the same on every seed. */
export const POPULATION_RATES = {
  /** Maternities that are twins (UK about 1.5%): about 3% of children are a twin. */
  twinMaternity: 0.015,
  /** Twins given similar names (Ellie and Ella). */
  similarTwinNames: 0.3,
  /** Children with a middle name, which only the birth registration carries. */
  middleName: 0.35,
  /** Households whose children's family name changed after their births were registered. */
  familyNameChange: 0.03,
  /** Households that moved between the oldest and the newest extract. */
  moved: 0.08,
  /** Households claiming child benefit (about 90% of children appear in that feed). */
  claimsChildBenefit: 0.9,
  /** Children born abroad, so without a birth registration in England and Wales. */
  registeredAbroad: 0.02,
  /** Children of school age who are on the state-school census (the rest independent or home educated). */
  inCensus: 0.93,
  /** Children registered with a GP (about 97% appear in NHS demographics). */
  registeredWithGp: 0.97,
} as const;

const SIMILAR_TWIN_NAMES: [string, string, 'M' | 'F'][] = [
  ['Ellie', 'Ella', 'F'],
  ['Lily', 'Lila', 'F'],
  ['Isla', 'Isabel', 'F'],
  ['Mia', 'Maya', 'F'],
  ['Amelia', 'Emilia', 'F'],
  ['Ruby', 'Rosie', 'F'],
  ['Jack', 'Jake', 'M'],
  ['Oliver', 'Olly', 'M'],
  ['Harry', 'Harvey', 'M'],
  ['Alfie', 'Archie', 'M'],
  ['Leo', 'Theo', 'M'],
  ['Finley', 'Freddie', 'M'],
];

/** Popular given names in England and Wales (ONS), many with the nicknames real registrations use. */
const POPULAR_NAMES: Record<'M' | 'F', string[]> = {
  M: [
    'Oliver',
    'George',
    'Harry',
    'Noah',
    'Jack',
    'Leo',
    'Arthur',
    'Muhammad',
    'Oscar',
    'Charlie',
    'Jacob',
    'Thomas',
    'William',
    'James',
    'Alfie',
    'Henry',
    'Joshua',
    'Freddie',
    'Archie',
    'Theodore',
    'Alexander',
    'Samuel',
    'Daniel',
    'Benjamin',
    'Edward',
    'Joseph',
    'Matthew',
    'Frederick',
  ],
  F: [
    'Olivia',
    'Amelia',
    'Isla',
    'Ava',
    'Ivy',
    'Freya',
    'Lily',
    'Florence',
    'Mia',
    'Willow',
    'Rosie',
    'Sophia',
    'Isabella',
    'Grace',
    'Daisy',
    'Poppy',
    'Elsie',
    'Emily',
    'Ella',
    'Evelyn',
    'Charlotte',
    'Elizabeth',
    'Eleanor',
    'Jessica',
    'Abigail',
    'Victoria',
    'Rebecca',
    'Margaret',
  ],
};

const LOCALITIES: Record<Area['town'], string[]> = {
  Leeds: ['Headingley', 'Chapel Allerton', 'Armley', 'Roundhay', 'Beeston', 'Horsforth', 'Seacroft'],
  Bradford: ['Manningham', 'Shipley', 'Idle', 'Eccleshill', 'Allerton', 'Thornbury', 'Great Horton'],
};

/** A faker of its own (en_GB names and places), so seeding it disturbs no other generator. */
export function seededFaker(seed: number): Faker {
  const f = new Faker({ locale: [en_GB, en, base] });
  f.seed(seed);
  return f;
}

export function syntheticAddress(f: Faker, area: Area): Address {
  const flat = f.datatype.boolean(0.12) ? `Flat ${f.number.int({ min: 1, max: 24 })}, ` : '';
  return {
    line1: `${flat}${f.number.int({ min: 1, max: 220 })} ${f.location.street()}`,
    ...(f.datatype.boolean(0.2) && { line2: f.helpers.arrayElement(LOCALITIES[area.town]) }),
    town: area.town,
    postcode: postcode(f, area),
  };
}

const DAY = 86_400_000;
const addDays = (iso: string, days: number) =>
  new Date(Date.parse(iso) + days * DAY).toISOString().slice(0, 10);

export interface PeopleOptions {
  /** The newest extract: every child is aged 0–17 on it. */
  newest: string;
  /** The oldest extract: moves happen between shortly before it and the newest. */
  oldest: string;
}

/** `count` children in households, with schools and GP practices in proportion to the population. */
export function syntheticPeople(
  f: Faker,
  count: number,
  { newest, oldest }: PeopleOptions,
): { people: SyntheticPerson[]; households: SyntheticHousehold[] } {
  const schoolsPerArea = Math.max(20, Math.ceil(count / 2 / 600));
  const schools = AREAS.map((_, a) =>
    Array.from({ length: schoolsPerArea }, (_, i) => ({
      urn: String(100_000 + a * 10_000 + i),
      establishment: pad(2000 + i, 4),
      name: `${f.location.street()} ${i % 4 === 0 ? 'Academy' : 'Primary School'}`,
      phone: landline(f),
    })),
  );
  const practicesPerArea = Math.max(25, Math.ceil(count / 2 / 4000));
  const practices = AREAS.map((_, a) =>
    Array.from({ length: practicesPerArea }, (_, i) => ({
      code: `B8${a === 0 ? 6 : 3}${pad(i + 1, 3)}`,
      name: `${f.location.street()} Medical Practice`,
      phone: landline(f),
    })),
  );
  const serials = new Map<string, number>();
  type School = (typeof schools)[number][number];
  /** A UPN at a school of the area (at `school` when it has room: twins go to the same school). */
  const pupilNumber = (areaIndex: number, dob: string, school?: School) => {
    const year = Number(dob.slice(0, 4)) + 4;
    const area = AREAS[areaIndex] as Area;
    for (let tries = 0; tries < 100; tries++) {
      const at = (tries === 0 && school) || f.helpers.arrayElement(schools[areaIndex] ?? []);
      const key = `${at.establishment}/${year}`;
      const serial = (serials.get(key) ?? 0) + 1;
      if (serial > 999) continue;
      serials.set(key, serial);
      return { school: at, upn: upn(area.laNumber, at.establishment, year, serial) };
    }
    throw new Error('Synthetic schools are full: more schools are needed for this many children');
  };
  const schoolOf = new Map<string, School>();

  const nhsNumbers = new Set<string>();
  const uniqueNhsNumber = () => {
    for (;;) {
      const n = nhsNumber(f);
      if (nhsNumbers.has(n)) continue;
      nhsNumbers.add(n);
      return n;
    }
  };
  const people: SyntheticPerson[] = [];
  const households: SyntheticHousehold[] = [];
  const maxAgeDays = 18 * 365;
  const moveWindow = Math.max(1, (Date.parse(newest) - Date.parse(oldest)) / DAY + 60);
  while (people.length < count) {
    const areaIndex = f.number.int(AREAS.length - 1);
    const area = AREAS[areaIndex] as Area;
    const familyName = f.person.lastName();
    const changed = f.datatype.boolean(POPULATION_RATES.familyNameChange);
    const moved = f.datatype.boolean(POPULATION_RATES.moved);
    const household: SyntheticHousehold = {
      household: `H${pad(households.length + 1, 7)}`,
      area,
      address: syntheticAddress(f, area),
      mother: { givenName: f.person.firstName('female'), familyName },
      ...(changed && { birthFamilyName: f.person.lastName() }),
      claimReference: `CHB${pad(households.length + 1, 8)}`,
      claimsChildBenefit: f.datatype.boolean(POPULATION_RATES.claimsChildBenefit),
      gp: f.helpers.arrayElement(practices[areaIndex] ?? []),
    };
    if (moved) {
      // Most moves are within the same council; some come from the other.
      const from = f.datatype.boolean(0.75) ? area : (AREAS[1 - areaIndex] as Area);
      household.previousAddress = syntheticAddress(f, from);
      household.movedOn = addDays(newest, -f.number.int({ min: 1, max: moveWindow }));
    }
    households.push(household);
    const births = f.helpers.weightedArrayElement([
      { weight: 45, value: 1 },
      { weight: 35, value: 2 },
      { weight: 15, value: 3 },
      { weight: 5, value: 4 },
    ]);
    for (let b = 0; b < births && people.length < count; b++) {
      const dateOfBirth = addDays(newest, -f.number.int({ min: 0, max: maxAgeDays }));
      const twins = f.datatype.boolean(POPULATION_RATES.twinMaternity) && people.length + 1 < count;
      const similar = twins && f.datatype.boolean(POPULATION_RATES.similarTwinNames);
      const pair = similar ? f.helpers.arrayElement(SIMILAR_TWIN_NAMES) : undefined;
      const firstSex = pair?.[2] ?? f.helpers.arrayElement(['M', 'F'] as const);
      const first = person(household, dateOfBirth, firstSex, pair?.[0]);
      if (!twins) continue;
      const secondSex = pair?.[2] ?? f.helpers.arrayElement(['M', 'F'] as const);
      let secondName = pair?.[1];
      while (!secondName || secondName === first.givenName) secondName = firstName(secondSex);
      const second = person(household, dateOfBirth, secondSex, secondName, first);
      first.twinOf = second.person;
      second.twinOf = first.person;
    }
  }
  return { people, households };

  /** Half the children get a popular name (so nicknames occur as often as they do), half any en_GB name. */
  function firstName(sex: 'M' | 'F'): string {
    return f.datatype.boolean(0.5)
      ? f.helpers.arrayElement(POPULAR_NAMES[sex])
      : f.person.firstName(sex === 'M' ? 'male' : 'female');
  }

  function person(
    household: SyntheticHousehold,
    dateOfBirth: string,
    sex: 'M' | 'F',
    givenName?: string,
    twin?: SyntheticPerson,
  ): SyntheticPerson {
    const areaIndex = AREAS.indexOf(household.area);
    const age = ageOn(dateOfBirth, newest);
    const pupil =
      age >= 4 ? pupilNumber(areaIndex, dateOfBirth, twin && schoolOf.get(twin.person)) : undefined;
    const given = givenName ?? firstName(sex);
    const middle = f.datatype.boolean(POPULATION_RATES.middleName) ? firstName(sex) : undefined;
    const p: SyntheticPerson = {
      person: `P${pad(people.length + 1, 7)}`,
      household: household.household,
      givenName: given,
      ...(middle && middle !== given && { middleName: middle }),
      familyName: household.mother.familyName,
      sex,
      dateOfBirth,
      nhsNumber: uniqueNhsNumber(),
      ...(pupil && {
        upn: pupil.upn,
        school: { urn: pupil.school.urn, name: pupil.school.name, phone: pupil.school.phone },
      }),
      // Twins are born in the same place and go to the same school.
      registeredAbroad: twin?.registeredAbroad ?? f.datatype.boolean(POPULATION_RATES.registeredAbroad),
      inCensus: twin?.inCensus ?? f.datatype.boolean(POPULATION_RATES.inCensus),
      registeredWithGp: f.datatype.boolean(POPULATION_RATES.registeredWithGp),
    };
    if (pupil) schoolOf.set(p.person, pupil.school);
    people.push(p);
    return p;
  }
}
