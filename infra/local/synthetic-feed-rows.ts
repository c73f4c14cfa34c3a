import type { Faker } from '@faker-js/faker';
import type { Address } from '#domain/child/schema.ts';
import { ageOn } from '#domain/dates.ts';
import { FEED_FORMATS } from '#domain/feeds/columns.ts';
import type { FeedName } from '#domain/feeds/feed.ts';
import { dayMonthSwapped, nickname, oneDigitWrong, typo } from './synthetic-parts.ts';
import type { SyntheticHousehold, SyntheticPerson } from './synthetic-people.ts';

/**
 * One synthetic child as one national feed holds it: a row of that feed's file (cells keyed by column, an
 * empty cell for a missing value), with the faults real extracts carry at documented rates. Every row is
 * valid (R8 validation rejects none): the faults are the ones a valid row can still carry.
 */
export type FeedRow = Record<string, string>;

export type RowFault =
  | 'given-name-typo'
  | 'family-name-typo'
  | 'nickname'
  | 'day-month-swap'
  | 'date-digit'
  | 'previous-address'
  | 'old-family-name'
  | 'no-address';

/** The share of rows that carry each fault (where the fault can apply: a nickname needs a name that has one). */
export const ROW_FAULT_RATES = {
  givenNameTypo: 0.01,
  familyNameTypo: 0.01,
  /** Not in births: the register holds the name given at registration. */
  nickname: 0.08,
  dayMonthSwap: 0.006,
  dateDigit: 0.001,
  noAddress: 0.01,
  /** A child benefit claim not updated after the family name changed. */
  childBenefitOldFamilyName: 0.4,
  /** Census and NHS rows that carry the former family name after a change. */
  formerFamilyNameKept: 0.8,
  noPlaceOfBirth: 0.05,
  noMotherName: 0.03,
  noClaimantName: 0.02,
  noSchoolPhone: 0.1,
  noGpPractice: 0.03,
  noGpPhone: 0.08,
  genderNotKnown: 0.002,
} as const;

export interface SyntheticRow {
  row: FeedRow;
  sourceId: string;
  faults: RowFault[];
}

/** Whether the feed extracted on `extractDate` holds the child at all. */
export function holds(
  feed: FeedName,
  person: SyntheticPerson,
  household: SyntheticHousehold,
  extractDate: string,
): boolean {
  if (person.dateOfBirth > extractDate) return false;
  switch (feed) {
    case 'births':
      return !person.registeredAbroad;
    case 'school-census': {
      const age = ageOn(person.dateOfBirth, extractDate);
      return person.inCensus && person.upn !== undefined && age >= 4 && age <= 16;
    }
    case 'child-benefit':
      return household.claimsChildBenefit;
    case 'nhs-demographics':
      return person.registeredWithGp;
  }
}

const addressCells = (address: Address | undefined): FeedRow => ({
  address_line1: address?.line1 ?? '',
  address_line2: address?.line2 ?? '',
  town: address?.town ?? '',
  postcode: address?.postcode ?? '',
});

/**
 * The row `feed` holds for the child on `extractDate`; `childNumber` is the child's number on the household's
 * child benefit claim.
 */
export function syntheticRow(
  f: Faker,
  feed: FeedName,
  extractDate: string,
  person: SyntheticPerson,
  household: SyntheticHousehold,
  childNumber: number,
): SyntheticRow {
  const faults: RowFault[] = [];
  const fault = (name: RowFault, rate: number) => {
    const hit = f.datatype.boolean(rate);
    if (hit) faults.push(name);
    return hit;
  };
  const R = ROW_FAULT_RATES;

  let givenName = person.givenName;
  if (feed === 'births' && person.middleName) givenName = `${person.givenName} ${person.middleName}`;
  if (feed !== 'births') {
    const variant = nickname(f, person.givenName);
    if (variant && fault('nickname', R.nickname)) givenName = variant;
  }
  const misspelt = (name: string, rate: number, kind: RowFault) => {
    if (!f.datatype.boolean(rate)) return name;
    const wrong = typo(f, name);
    if (wrong !== name) faults.push(kind);
    return wrong;
  };
  givenName = misspelt(givenName, R.givenNameTypo, 'given-name-typo');

  const formerFamilyName = household.birthFamilyName;
  let familyName = person.familyName;
  if (
    formerFamilyName &&
    (feed === 'births' || (feed === 'child-benefit' && f.datatype.boolean(R.childBenefitOldFamilyName)))
  ) {
    familyName = formerFamilyName;
    faults.push('old-family-name');
  }
  familyName = misspelt(familyName, R.familyNameTypo, 'family-name-typo');
  const keepsFormer = formerFamilyName !== undefined && familyName !== formerFamilyName;
  const former = keepsFormer && f.datatype.boolean(R.formerFamilyNameKept) ? formerFamilyName : undefined;

  let dateOfBirth = person.dateOfBirth;
  if (f.datatype.boolean(R.dayMonthSwap)) {
    const swapped = dayMonthSwapped(dateOfBirth);
    if (swapped !== dateOfBirth) {
      dateOfBirth = swapped;
      faults.push('day-month-swap');
    }
  }
  if (f.datatype.boolean(R.dateDigit)) {
    const wrong = oneDigitWrong(f, dateOfBirth);
    if (wrong !== dateOfBirth) {
      dateOfBirth = wrong;
      faults.push('date-digit');
    }
  }

  let address: Address | undefined = household.address;
  if (household.movedOn && household.previousAddress && extractDate < household.movedOn) {
    address = household.previousAddress;
    faults.push('previous-address');
  }
  if (fault('no-address', R.noAddress)) address = undefined;

  const unknownGender = f.datatype.boolean(R.genderNotKnown);
  const cells = ((): { sourceId: string; row: FeedRow } => {
    switch (feed) {
      case 'births': {
        const registrationId = `${household.area.town === 'Leeds' ? 'LDS' : 'BRD'}-${person.dateOfBirth.slice(0, 4)}-${person.person.slice(1)}`;
        const mother = f.datatype.boolean(R.noMotherName) ? undefined : household.mother;
        return {
          sourceId: registrationId,
          row: {
            registration_id: registrationId,
            given_names: givenName,
            family_name: familyName,
            sex: unknownGender ? 'U' : person.sex,
            date_of_birth: dateOfBirth,
            place_of_birth: f.datatype.boolean(R.noPlaceOfBirth)
              ? ''
              : f.helpers.weightedArrayElement([
                  {
                    weight: 97,
                    value: `${household.area.town} ${household.area.town === 'Leeds' ? 'General' : 'Royal'} Infirmary`,
                  },
                  { weight: 3, value: household.area.town },
                ]),
            mother_given_names: mother?.givenName ?? '',
            mother_family_name: mother ? (formerFamilyName ?? mother.familyName) : '',
            ...addressCells(address),
          },
        };
      }
      case 'school-census':
        return {
          sourceId: person.upn as string,
          row: {
            upn: person.upn as string,
            given_name: givenName,
            family_name: familyName,
            former_family_name: former ?? '',
            date_of_birth: dateOfBirth,
            gender: unknownGender ? 'U' : person.sex,
            ...addressCells(address),
            school_urn: person.school?.urn ?? '',
            school_name: person.school?.name ?? '',
            school_phone: f.datatype.boolean(R.noSchoolPhone) ? '' : (person.school?.phone ?? ''),
          },
        };
      case 'child-benefit': {
        const claimant = f.datatype.boolean(R.noClaimantName)
          ? ''
          : `${household.mother.givenName} ${household.mother.familyName}`;
        return {
          sourceId: `${household.claimReference}/${childNumber}`,
          row: {
            claim_reference: household.claimReference,
            child_number: String(childNumber),
            child_given_name: givenName,
            child_family_name: familyName,
            child_date_of_birth: dateOfBirth,
            claimant_name: claimant,
            ...addressCells(address),
          },
        };
      }
      case 'nhs-demographics': {
        const gp = f.datatype.boolean(R.noGpPractice) ? undefined : household.gp;
        return {
          sourceId: person.nhsNumber,
          row: {
            nhs_number: person.nhsNumber,
            given_name: givenName,
            family_name: familyName,
            previous_names: former ? `${person.givenName} ${former}` : '',
            date_of_birth: dateOfBirth,
            gender: unknownGender ? f.helpers.arrayElement(['0', '9']) : person.sex === 'M' ? '1' : '2',
            ...addressCells(address),
            gp_practice_code: gp?.code ?? '',
            gp_practice_name: gp?.name ?? '',
            gp_practice_phone: gp && !f.datatype.boolean(R.noGpPhone) ? gp.phone : '',
          },
        };
      }
    }
  })();
  const row: FeedRow = { ...cells.row, extract_date: extractDate };
  return {
    sourceId: cells.sourceId,
    row: Object.fromEntries(FEED_FORMATS[feed].columns.map((c) => [c, row[c] ?? ''])),
    faults,
  };
}
