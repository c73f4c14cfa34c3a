import { type Faker, fakerEN_GB } from '@faker-js/faker';
import type { ChildRecord } from '#domain/child/record.ts';
import { dayMonthSwapped, nickname, oneDigitWrong, typo, withDate } from './synthetic-parts.ts';

/**
 * A second registration of a synthetic child, as another source would hold it: one to three of the faults
 * registrations really carry — a typo, a nickname, given and family name swapped, a new family name, a day
 * and month swapped, one digit or the year wrong, a house move, a missing given name. It is unlabelled
 * training material for the matching engine (and, later, the feeds); nothing reads which child it came from.
 */
export interface Registration {
  givenName?: string | undefined;
  familyName?: string | undefined;
  dateOfBirth?: string | undefined;
  postcode?: string | undefined;
  gender?: string | undefined;
}

const FAULTS: ((f: Faker, r: Registration) => Registration)[] = [
  (f, r) => ({ ...r, givenName: r.givenName && typo(f, r.givenName) }),
  (f, r) => ({ ...r, familyName: r.familyName && typo(f, r.familyName) }),
  (f, r) => ({ ...r, givenName: (r.givenName && nickname(f, r.givenName)) ?? r.givenName }),
  (_, r) => ({ ...r, givenName: r.familyName, familyName: r.givenName }),
  (f, r) => ({ ...r, familyName: f.person.lastName() }),
  (_, r) => ({ ...r, dateOfBirth: r.dateOfBirth && dayMonthSwapped(r.dateOfBirth) }),
  (f, r) => ({ ...r, dateOfBirth: r.dateOfBirth && oneDigitWrong(f, r.dateOfBirth) }),
  (f, r) => ({
    ...r,
    dateOfBirth:
      r.dateOfBirth &&
      withDate(r.dateOfBirth, ([y, m, d]) => [String(Number(y) + f.helpers.arrayElement([-1, 1])), m, d]),
  }),
  // A house move: round the corner (the same district) or to another town.
  (f, r) => {
    const inward = `${f.number.int({ min: 1, max: 9 })}${f.string.alpha({ length: 2, casing: 'upper' })}`;
    const outward = f.datatype.boolean()
      ? r.postcode?.split(' ')[0]
      : `${f.helpers.arrayElement(['M', 'B', 'NE', 'S', 'L', 'NG', 'SW', 'E'])}${f.number.int({ min: 1, max: 20 })}`;
    return { ...r, postcode: r.postcode && `${outward} ${inward}` };
  },
  (_, r) => ({ ...r, givenName: undefined }),
];

export function registrationOf(child: ChildRecord): Registration {
  return {
    givenName: child.givenName,
    familyName: child.familyName,
    dateOfBirth: child.dateOfBirth,
    postcode: child.address?.postcode,
    gender: child.gender,
  };
}

/** Each child's second registration, with one to three faults; the same seed gives the same faults. */
export function faultyRegistrations(children: ChildRecord[], seed = 2027): Registration[] {
  const f = fakerEN_GB;
  f.seed(seed);
  return children.map((child) => {
    let registration = registrationOf(child);
    const count = f.number.int({ min: 1, max: 3 });
    for (const fault of f.helpers.arrayElements(FAULTS, count)) registration = fault(f, registration);
    return registration;
  });
}
