import type { Faker } from '@faker-js/faker';
import { isCalendarDate } from '#domain/dates.ts';
import { upnCheckLetter } from '#domain/identifiers/upn.ts';
import { variantsOf } from '#domain/matching/nicknames.ts';
import { LOCAL_ORGANISATIONS } from './organisations.ts';

/**
 * The pieces every synthetic generator shares, written once: the two local areas (Leeds LS and Bradford BD,
 * so the local councils own the children), valid NHS numbers and UPNs, postcodes, Ofcom drama-range phone
 * numbers, and the faults real registrations carry (typos, nicknames, dates mistyped). Each takes the
 * caller's seeded faker, so the same seed gives the same data on every machine.
 */
const INWARD_LETTERS = 'ABDEFGHJLNPQRSTUWXYZ';

export const AREAS = [
  { authority: LOCAL_ORGANISATIONS[0], town: 'Leeds', outward: 'LS', districts: 17, laNumber: '383' },
  { authority: LOCAL_ORGANISATIONS[1], town: 'Bradford', outward: 'BD', districts: 15, laNumber: '380' },
] as const;

export type Area = (typeof AREAS)[number];

export function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** Ten digits whose last passes the modulus 11 check (a check value of 10 is never issued). */
export function nhsNumber(f: Faker): string {
  for (;;) {
    const digits = Array.from({ length: 9 }, () => f.number.int(9));
    const sum = digits.reduce((acc, d, i) => acc + d * (10 - i), 0);
    const check = 11 - (sum % 11);
    if (check === 10) continue;
    return `${digits.join('')}${check === 11 ? 0 : check}`;
  }
}

/** A UPN: its check letter, then LA number, establishment, year of allocation and serial. */
export function upn(laNumber: string, establishment: string, year: number, serial: number): string {
  const body = `${laNumber}${establishment}${pad(year % 100, 2)}${pad(serial, 3)}`;
  return `${upnCheckLetter(body)}${body}`;
}

export function postcode(f: Faker, area: Area): string {
  const inward = `${f.number.int({ min: 1, max: 9 })}${f.helpers.arrayElement([...INWARD_LETTERS])}${f.helpers.arrayElement([...INWARD_LETTERS])}`;
  return `${area.outward}${f.number.int({ min: 1, max: area.districts })} ${inward}`;
}

/** Ofcom's drama range for Leeds (0113 496 0000–0999). */
export function landline(f: Faker): string {
  return `0113 496 ${pad(f.number.int(999), 4)}`;
}

/** Ofcom's drama range for mobiles (07700 900000–900999). */
export function mobile(f: Faker): string {
  return `07700 900${pad(f.number.int(999), 3)}`;
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

/** One letter replaced, dropped, inserted or two swapped (never the first letter). */
export function typo(f: Faker, name: string): string {
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

/** A nickname or variant of a formal given name (Bill for William), or undefined when it has none. */
export function nickname(f: Faker, givenName: string): string | undefined {
  const variants = variantsOf(givenName.toLowerCase());
  const variant = variants.length > 0 ? f.helpers.arrayElement(variants) : undefined;
  return variant && variant[0]?.toUpperCase() + variant.slice(1);
}

/** The date changed by `change`, or the date itself when the change is no real date. */
export function withDate(
  date: string,
  change: (parts: [string, string, string]) => [string, string, string],
): string {
  const next = change(date.split('-') as [string, string, string]).join('-');
  return isCalendarDate(next) ? next : date;
}

/** Day and month swapped (unchanged when that is no date). */
export function dayMonthSwapped(date: string): string {
  return withDate(date, ([y, m, d]) => [y, d, m]);
}

/** One digit of the decade, year, month or day mistyped (unchanged when that is no date). */
export function oneDigitWrong(f: Faker, date: string): string {
  return withDate(date, ([y, m, d]) => {
    const digits = [...`${y}${m}${d}`];
    const at = f.number.int({ min: 2, max: 7 });
    digits[at] = String(f.number.int(9));
    const s = digits.join('');
    return [s.slice(0, 4), s.slice(4, 6), s.slice(6)];
  });
}
