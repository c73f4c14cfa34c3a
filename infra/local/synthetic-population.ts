import { FEED_NAMES, type FeedName } from '#domain/feeds/feed.ts';
import { type FeedRow, holds, type RowFault, syntheticRow } from './synthetic-feed-rows.ts';
import { seededFaker, syntheticPeople } from './synthetic-people.ts';

/**
 * A synthetic population as the four national feeds describe it (R8): each child's rows in births, the
 * school census, child benefit and NHS demographics, with the faults real extracts carry, and — separately —
 * the truth: which person each row describes. The truth is for benchmarks and tests that measure linkage;
 * the linker never reads it. The same seed and dates give the same rows on every machine.
 */
export interface PopulationOptions {
  seed?: number | undefined;
  /** The newest extract date: every child is aged 0–17 on it. Defaults to 2026-09-01. */
  extractDate?: string | undefined;
  /**
   * Each feed's extract date (one per file). By default births are the oldest (six months before
   * `extractDate`), then the school census (four months), child benefit (one month) and NHS demographics
   * (on `extractDate`), so a household that moved in between appears at both addresses.
   */
  extractDates?: Partial<Record<FeedName, string>> | undefined;
}

export interface TruthPerson {
  person: string;
  household: string;
  givenName: string;
  familyName: string;
  dateOfBirth: string;
  sex: 'M' | 'F';
  twinOf?: string | undefined;
  movedOn?: string | undefined;
  formerFamilyName?: string | undefined;
}

export interface TruthRow {
  feed: FeedName;
  sourceId: string;
  person: string;
  faults: RowFault[];
}

export interface PopulationTruth {
  persons: TruthPerson[];
  rows: TruthRow[];
}

export interface SyntheticPopulation {
  extractDates: Record<FeedName, string>;
  rows: Record<FeedName, FeedRow[]>;
  truth: PopulationTruth;
}

const DEFAULT_LAG_DAYS: Record<FeedName, number> = {
  births: 182,
  'school-census': 120,
  'child-benefit': 30,
  'nhs-demographics': 0,
};

const daysBefore = (iso: string, days: number) =>
  new Date(Date.parse(iso) - days * 86_400_000).toISOString().slice(0, 10);

export function feedExtractDates(options: PopulationOptions = {}): Record<FeedName, string> {
  const newest = options.extractDate ?? '2026-09-01';
  return Object.fromEntries(
    FEED_NAMES.map((feed) => [
      feed,
      options.extractDates?.[feed] ?? daysBefore(newest, DEFAULT_LAG_DAYS[feed]),
    ]),
  ) as Record<FeedName, string>;
}

export function syntheticPopulation(count: number, options: PopulationOptions = {}): SyntheticPopulation {
  const f = seededFaker(options.seed ?? 2026);
  const extractDates = feedExtractDates(options);
  const dates = Object.values(extractDates).sort();
  const newest = dates.at(-1) as string;
  const { people, households } = syntheticPeople(f, count, { newest, oldest: dates[0] as string });
  const householdOf = new Map(households.map((h) => [h.household, h]));

  // Child benefit numbers the children on a claim from the eldest.
  const childNumbers = new Map<string, number>();
  const byHousehold = Map.groupBy(people, (p) => p.household);
  for (const household of households) {
    const claimed = (byHousehold.get(household.household) ?? [])
      .filter((p) => holds('child-benefit', p, household, extractDates['child-benefit']))
      .sort((a, b) => a.dateOfBirth.localeCompare(b.dateOfBirth) || a.person.localeCompare(b.person));
    claimed.forEach((p, i) => {
      childNumbers.set(p.person, i + 1);
    });
  }

  const rows = Object.fromEntries(FEED_NAMES.map((feed) => [feed, [] as FeedRow[]])) as Record<
    FeedName,
    FeedRow[]
  >;
  const truthRows: TruthRow[] = [];
  for (const feed of FEED_NAMES) {
    const extractDate = extractDates[feed];
    for (const person of people) {
      const household = householdOf.get(person.household);
      if (!household || !holds(feed, person, household, extractDate)) continue;
      const made = syntheticRow(
        f,
        feed,
        extractDate,
        person,
        household,
        childNumbers.get(person.person) ?? 1,
      );
      rows[feed].push(made.row);
      truthRows.push({ feed, sourceId: made.sourceId, person: person.person, faults: made.faults });
    }
  }
  const persons: TruthPerson[] = people.map((p) => {
    const household = householdOf.get(p.household);
    return {
      person: p.person,
      household: p.household,
      givenName: p.givenName,
      familyName: p.familyName,
      dateOfBirth: p.dateOfBirth,
      sex: p.sex,
      ...(p.twinOf && { twinOf: p.twinOf }),
      ...(household?.movedOn && { movedOn: household.movedOn }),
      ...(household?.birthFamilyName && { formerFamilyName: household.birthFamilyName }),
    };
  });
  return { extractDates, rows, truth: { persons, rows: truthRows } };
}
