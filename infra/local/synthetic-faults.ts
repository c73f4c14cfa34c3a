import { type Faker, fakerEN_GB } from '@faker-js/faker';
import type { ChildRecord } from '#domain/child/record.ts';
import { isCalendarDate } from '#domain/dates.ts';
import { variantsOf } from '#domain/matching/nicknames.ts';

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

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

function typo(f: Faker, name: string): string {
  if (name.length < 3) return name;
  const at = f.number.int({ min: 1, max: name.length - 1 });
  const letter = f.helpers.arrayElement([...LETTERS]);
  switch (f.number.int(3)) {
    case 0:
      return name.slice(0, at) + letter + name.slice(at + 1);
    case 1:
      return name.slice(0, at) + name.slice(at + 1);
    case 2:
      return name.slice(0, at) + letter + name.slice(at);
    default:
      return at < name.length - 1 ? name.slice(0, at) + name[at + 1] + name[at] + name.slice(at + 2) : name;
  }
}

function withDate(date: string, change: (parts: [string, string, string]) => [string, string, string]) {
  const next = change(date.split('-') as [string, string, string]).join('-');
  return isCalendarDate(next) ? next : date;
}

const FAULTS: ((f: Faker, r: Registration) => Registration)[] = [
  (f, r) => ({ ...r, givenName: r.givenName && typo(f, r.givenName) }),
  (f, r) => ({ ...r, familyName: r.familyName && typo(f, r.familyName) }),
  (f, r) => {
    const variants = r.givenName ? variantsOf(r.givenName.toLowerCase()) : [];
    const nickname = variants.length > 0 ? f.helpers.arrayElement(variants) : undefined;
    return nickname ? { ...r, givenName: nickname[0]?.toUpperCase() + nickname.slice(1) } : r;
  },
  (_, r) => ({ ...r, givenName: r.familyName, familyName: r.givenName }),
  (f, r) => ({ ...r, familyName: f.person.lastName() }),
  (_, r) => ({ ...r, dateOfBirth: r.dateOfBirth && withDate(r.dateOfBirth, ([y, m, d]) => [y, d, m]) }),
  (f, r) => ({
    ...r,
    dateOfBirth:
      r.dateOfBirth &&
      withDate(r.dateOfBirth, ([y, m, d]) => {
        const digits = [...`${y}${m}${d}`];
        const at = f.number.int({ min: 2, max: 7 });
        digits[at] = String(f.number.int(9));
        const s = digits.join('');
        return [s.slice(0, 4), s.slice(4, 6), s.slice(6)];
      }),
  }),
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
