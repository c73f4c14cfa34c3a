import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { readFeedFile } from '#adapters/feeds/feed-file.ts';
import { ageOn, swapDayAndMonth } from '#domain/dates.ts';
import { FEED_FORMATS } from '#domain/feeds/columns.ts';
import { FEED_NAMES, type FeedName } from '#domain/feeds/feed.ts';
import { validateRows } from '#domain/feeds/validate-rows.ts';
import { variantsOf } from '#domain/matching/nicknames.ts';
import { feedCsv, writeSyntheticFeeds } from '#infra/local/synthetic-feed-files.ts';
import { ROW_FAULT_RATES } from '#infra/local/synthetic-feed-rows.ts';
import { laterExtract } from '#infra/local/synthetic-later-extract.ts';
import { POPULATION_RATES } from '#infra/local/synthetic-people.ts';
import { syntheticPopulation } from '#infra/local/synthetic-population.ts';

const COUNT = 2000;
const population = syntheticPopulation(COUNT, { seed: 11, extractDate: '2026-09-01' });
const persons = new Map(population.truth.persons.map((p) => [p.person, p]));
const truthOf = (feed: FeedName) => population.truth.rows.filter((r) => r.feed === feed);

async function readBack(feed: FeedName, csv: string) {
  const lines = [];
  let header: string[] = [];
  for await (const chunk of readFeedFile(Readable.from([csv]), 500)) {
    header = chunk.header;
    lines.push(...chunk.lines);
  }
  return validateRows(feed, header, lines);
}

/** Within four standard deviations of a binomial share: fails on a wrong rate, not on chance. */
function expectShare(hits: number, trials: number, rate: number) {
  const sigma = Math.sqrt(trials * rate * (1 - rate));
  expect(Math.abs(hits - trials * rate)).toBeLessThanOrEqual(4 * sigma + 2);
}

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('the synthetic population behind the four national feeds (R8)', () => {
  it.each(FEED_NAMES)(
    'every %s row, written as CSV and read back, passes validation with no rejects',
    async (feed) => {
      const { records, rejected } = await readBack(feed, feedCsv(feed, population.rows[feed]));
      expect(rejected).toEqual([]);
      expect(records).toHaveLength(population.rows[feed].length);
      expect(records.length).toBeGreaterThan(COUNT / 2);
    },
  );

  it('each row of the truth names the source reference the row is read with, once per feed', () => {
    for (const feed of FEED_NAMES) {
      const ids = population.rows[feed].map((row) => {
        const read = FEED_FORMATS[feed].read(row);
        return read.success ? read.data.sourceId : 'invalid';
      });
      expect(new Set(ids).size).toBe(ids.length);
      expect(truthOf(feed).map((t) => t.sourceId)).toEqual(ids);
    }
  });

  it('the same seed writes byte-identical files and truth; another seed writes others', async () => {
    const [a, b, c] = await Promise.all(
      [1, 2, 3].map(async () => {
        const dir = await mkdtemp(join(tmpdir(), 'feeds-'));
        dirs.push(dir);
        return dir;
      }),
    );
    const written = await Promise.all([
      writeSyntheticFeeds(a as string, 300, { seed: 5 }),
      writeSyntheticFeeds(b as string, 300, { seed: 5 }),
      writeSyntheticFeeds(c as string, 300, { seed: 6 }),
    ]);
    for (const feed of FEED_NAMES) {
      const [first, second, other] = await Promise.all(written.map((w) => readFile(w.files[feed], 'utf8')));
      expect(second).toBe(first);
      expect(other).not.toBe(first);
      expect(first?.split('\n')[0]).toBe(FEED_FORMATS[feed].columns.join(','));
    }
    const [truthA, truthB] = await Promise.all(written.slice(0, 2).map((w) => readFile(w.truthFile, 'utf8')));
    expect(truthB).toBe(truthA);
    expect(JSON.parse(truthA as string).rows).toHaveLength(
      Object.values(written[0]?.rowCounts ?? {}).reduce((n, c) => n + c, 0),
    );
  });

  it('children are aged 0 to 17 on the newest extract and live in Leeds (LS) or Bradford (BD)', () => {
    for (const p of population.truth.persons) {
      expect(ageOn(p.dateOfBirth, '2026-09-01')).toBeGreaterThanOrEqual(0);
      expect(ageOn(p.dateOfBirth, '2026-09-01')).toBeLessThanOrEqual(17);
    }
    for (const feed of FEED_NAMES) {
      for (const row of population.rows[feed]) if (row.postcode) expect(row.postcode).toMatch(/^(LS|BD)\d/);
    }
  });

  it('each file has one extract date; by default births are oldest and NHS demographics newest', () => {
    const dates = FEED_NAMES.map((feed) => new Set(population.rows[feed].map((r) => r.extract_date)));
    expect(dates.map((d) => d.size)).toEqual([1, 1, 1, 1]);
    expect(population.extractDates.births < population.extractDates['school-census']).toBe(true);
    expect(population.extractDates['nhs-demographics']).toBe('2026-09-01');
  });

  it('the caller may set each feed’s extract date', () => {
    const dates = { births: '2025-12-31', 'school-census': '2026-01-15' };
    const small = syntheticPopulation(50, { seed: 3, extractDate: '2026-06-30', extractDates: dates });
    expect(small.extractDates).toEqual({
      ...dates,
      'child-benefit': '2026-05-31',
      'nhs-demographics': '2026-06-30',
    });
    expect(small.rows.births.every((r) => r.extract_date === '2025-12-31')).toBe(true);
  });

  it('twins share date of birth, household and family name and differ in given name; some have similar names', () => {
    const twins = population.truth.persons.filter((p) => p.twinOf);
    expectShare(twins.length / 2, COUNT, POPULATION_RATES.twinMaternity);
    let similar = 0;
    for (const twin of twins) {
      const other = persons.get(twin.twinOf as string);
      expect(other?.twinOf).toBe(twin.person);
      expect(other).toMatchObject({
        dateOfBirth: twin.dateOfBirth,
        household: twin.household,
        familyName: twin.familyName,
      });
      expect(other?.givenName).not.toBe(twin.givenName);
      if (other?.givenName.slice(0, 2) === twin.givenName.slice(0, 2)) similar++;
    }
    expect(similar).toBeGreaterThan(0);
  });

  it('twins are registered alike and go to the same school', () => {
    const rowsOf = (feed: FeedName, person: string) => {
      const i = truthOf(feed).findIndex((t) => t.person === person);
      return i < 0 ? undefined : population.rows[feed][i];
    };
    let sameSchool = 0;
    for (const twin of population.truth.persons.filter((p) => p.twinOf)) {
      expect(rowsOf('births', twin.person) === undefined).toBe(
        rowsOf('births', twin.twinOf as string) === undefined,
      );
      const [mine, theirs] = [twin.person, twin.twinOf as string].map((p) => rowsOf('school-census', p));
      if (mine && theirs) {
        expect(mine.school_urn).toBe(theirs.school_urn);
        expect(mine.upn).not.toBe(theirs.upn);
        sameSchool++;
      }
    }
    expect(sameSchool).toBeGreaterThan(0);
  });

  it('siblings share a household, and the children on one child benefit claim are numbered 1 to n', () => {
    const households = Map.groupBy(population.truth.persons, (p) => p.household);
    expect([...households.values()].filter((h) => h.length > 1).length).toBeGreaterThan(100);
    const claims = Map.groupBy(population.rows['child-benefit'], (r) => r.claim_reference as string);
    for (const rows of claims.values()) {
      expect(rows.map((r) => Number(r.child_number)).sort((x, y) => x - y)).toEqual(
        rows.map((_, i) => i + 1),
      );
    }
  });

  it('feeds cover the shares documented: NHS about 97%, child benefit about 90%, the census only ages 4 to 16', () => {
    const nhs = population.rows['nhs-demographics'].length;
    expect(nhs / COUNT).toBeGreaterThan(0.94);
    expect(nhs / COUNT).toBeLessThan(0.995);
    const benefit = population.rows['child-benefit'].length / COUNT;
    expect(benefit).toBeGreaterThan(0.85);
    expect(benefit).toBeLessThan(0.95);
    const censusDate = population.extractDates['school-census'];
    for (const t of truthOf('school-census')) {
      const age = ageOn((persons.get(t.person) as { dateOfBirth: string }).dateOfBirth, censusDate);
      expect(age).toBeGreaterThanOrEqual(4);
      expect(age).toBeLessThanOrEqual(16);
    }
    for (const row of population.rows['school-census'])
      expect(['383', '380']).toContain(row.upn?.slice(1, 4));
    const inEvery = population.truth.persons.filter(
      (p) =>
        new Set(population.truth.rows.filter((r) => r.person === p.person).map((r) => r.feed)).size === 4,
    );
    expect(inEvery.length).toBeLessThan(COUNT);
  });

  it('given-name typos, nicknames and day/month swaps occur at their documented rates', () => {
    const rows = FEED_NAMES.filter((f) => f !== 'births').flatMap((feed) =>
      truthOf(feed).map((t, i) => {
        const row = population.rows[feed][i] as Record<string, string>;
        return {
          feed,
          truth: persons.get(t.person) as { givenName: string; dateOfBirth: string },
          given: row.given_name ?? row.child_given_name ?? '',
          born: row.date_of_birth ?? row.child_date_of_birth ?? '',
        };
      }),
    );
    const nicknamed = rows.filter((r) => variantsOf(r.truth.givenName.toLowerCase()).length > 0);
    const nicknames = nicknamed.filter((r) =>
      variantsOf(r.truth.givenName.toLowerCase()).includes(r.given.toLowerCase()),
    ).length;
    expectShare(nicknames, nicknamed.length, ROW_FAULT_RATES.nickname);
    const typos = rows.filter(
      (r) =>
        r.given !== r.truth.givenName &&
        !variantsOf(r.truth.givenName.toLowerCase()).includes(r.given.toLowerCase()),
    ).length;
    expectShare(typos, rows.length, ROW_FAULT_RATES.givenNameTypo);
    const swappable = rows.filter((r) => swapDayAndMonth(r.truth.dateOfBirth) !== undefined);
    const swaps = swappable.filter((r) => r.born === swapDayAndMonth(r.truth.dateOfBirth)).length;
    expectShare(swaps, swappable.length, ROW_FAULT_RATES.dayMonthSwap);
    const digits = rows.filter(
      (r) => r.born !== r.truth.dateOfBirth && r.born !== swapDayAndMonth(r.truth.dateOfBirth),
    );
    expect(digits.length).toBeLessThan(rows.length * 0.005);
  });

  it('a household that moved is at its old address in feeds extracted before the move and its new one after', () => {
    const movers = population.truth.persons.filter((p) => p.movedOn);
    expectShare(
      new Set(movers.map((p) => p.household)).size,
      new Set(population.truth.persons.map((p) => p.household)).size,
      POPULATION_RATES.moved,
    );
    let checked = 0;
    for (const mover of movers) {
      const rowsOf = FEED_NAMES.flatMap((feed) =>
        truthOf(feed).flatMap((t, i) =>
          t.person === mover.person && !t.faults.includes('no-address')
            ? [{ feed, row: population.rows[feed][i] }]
            : [],
        ),
      );
      const before = rowsOf.filter((r) => (r.row?.extract_date ?? '') < (mover.movedOn as string));
      const after = rowsOf.filter((r) => (r.row?.extract_date ?? '') >= (mover.movedOn as string));
      for (const old of before)
        for (const now of after) {
          expect(old.row?.address_line1).not.toBe(now.row?.address_line1);
          checked++;
        }
    }
    expect(checked).toBeGreaterThan(10);
  });

  it('after a family-name change, NHS previous names or the census former name hold the old name', () => {
    const changed = population.truth.persons.filter((p) => p.formerFamilyName);
    expect(changed.length).toBeGreaterThan(0);
    const formers = population.rows['school-census'].filter((r) => r.former_family_name).length;
    const previous = population.rows['nhs-demographics'].filter((r) => r.previous_names).length;
    expect(formers + previous).toBeGreaterThan(0);
    for (const t of truthOf('births')) {
      const person = persons.get(t.person);
      if (person?.formerFamilyName && !t.faults.includes('family-name-typo')) {
        const row = population.rows.births[truthOf('births').indexOf(t)];
        expect(row?.family_name).toBe(person.formerFamilyName);
      }
    }
  });

  it('optional cells are sometimes empty: whole addresses, school and GP phones, place of birth', () => {
    const empty = (feed: FeedName, column: string) =>
      population.rows[feed].filter((r) => r[column] === '').length;
    expect(empty('births', 'address_line1')).toBeGreaterThan(0);
    expect(empty('births', 'place_of_birth')).toBeGreaterThan(0);
    expect(empty('school-census', 'school_phone')).toBeGreaterThan(0);
    expect(empty('nhs-demographics', 'gp_practice_phone')).toBeGreaterThan(0);
    expect(empty('child-benefit', 'address_line2')).toBeGreaterThan(0);
  });
});

describe('a later extract of a feed', () => {
  const previous = population.rows['nhs-demographics'];
  const later = laterExtract('nhs-demographics', previous, {
    extractDate: '2026-12-01',
    movedShare: 0.1,
    seed: 4,
  });

  it('holds the same children on the new extract date, all still valid', async () => {
    expect(later.rows).toHaveLength(previous.length);
    expect(later.rows.every((r) => r.extract_date === '2026-12-01')).toBe(true);
    const { rejected } = await readBack('nhs-demographics', feedCsv('nhs-demographics', later.rows));
    expect(rejected).toEqual([]);
  });

  it('moves about the share asked for to new addresses in the same council, and changes nothing else', () => {
    const moved = new Set(later.moved);
    const addresses = (rows: typeof previous) => new Set(rows.map((r) => `${r.address_line1}|${r.postcode}`));
    const housed = previous.filter((r) => r.postcode);
    const movedAddresses = addresses(housed.filter((r) => moved.has(r.nhs_number as string)));
    expectShare(movedAddresses.size, addresses(housed).size, 0.1);
    later.rows.forEach((row, i) => {
      const before = previous[i] as Record<string, string>;
      if (moved.has(row.nhs_number as string)) {
        expect(row.address_line1 === before.address_line1 && row.postcode === before.postcode).toBe(false);
        expect(row.postcode?.slice(0, 2)).toBe(before.postcode?.slice(0, 2));
      } else {
        expect(row).toEqual({ ...before, extract_date: '2026-12-01' });
      }
    });
  });

  it('siblings at one address move together', () => {
    const moved = new Set(later.moved);
    const byAddress = Map.groupBy(previous, (r) => `${r.address_line1}|${r.postcode}`);
    for (const rows of byAddress.values()) {
      if (!rows[0]?.postcode) continue;
      expect(new Set(rows.map((r) => moved.has(r.nhs_number as string))).size).toBe(1);
    }
  });
});
