import { describe, expect, it } from 'vitest';
import { FEED_FORMATS } from '#domain/feeds/columns.ts';
import type { FeedName } from '#domain/feeds/feed.ts';
import { FeedHeaderError, headerProblems, validateRows } from '#domain/feeds/validate-rows.ts';

const GOOD: Record<FeedName, Record<string, string>> = {
  births: {
    registration_id: 'LDS-2019-0000001',
    extract_date: '2026-03-01',
    given_names: 'Oliver James',
    family_name: 'Walker',
    sex: 'M',
    date_of_birth: '2019-06-14',
    place_of_birth: 'Leeds General Infirmary',
    mother_given_names: 'Sarah',
    mother_family_name: 'Walker',
    address_line1: '12 Otley Road',
    address_line2: 'Headingley',
    town: 'Leeds',
    postcode: 'ls6 2ab',
  },
  'school-census': {
    upn: 'N380200224001',
    extract_date: '2026-05-04',
    given_name: 'Amelia',
    family_name: 'Haag',
    former_family_name: 'Price',
    date_of_birth: '2016-03-30',
    gender: 'F',
    address_line1: '156 Manor Row',
    address_line2: '',
    town: 'Bradford',
    postcode: 'BD10 2TE',
    school_urn: '110002',
    school_name: 'Morgan Lane Primary School',
    school_phone: '0113 496 0755',
  },
  'child-benefit': {
    claim_reference: 'CHB00000002',
    child_number: '2',
    extract_date: '2026-08-02',
    child_given_name: 'Daniel',
    child_family_name: 'Mayer',
    child_date_of_birth: '2014-01-15',
    claimant_name: 'Linnea Mayer',
    address_line1: '94 Sunny Brow',
    address_line2: '',
    town: 'Bradford',
    postcode: 'BD5 3BF',
  },
  'nhs-demographics': {
    nhs_number: '943 476 5919',
    extract_date: '2026-09-01',
    given_name: 'Ava',
    family_name: 'Herman',
    previous_names: 'Ava Price',
    date_of_birth: '2024-04-28',
    gender: '2',
    address_line1: '101 Esmeralda Glade',
    address_line2: '',
    town: 'Bradford',
    postcode: 'BD7 4PU',
    gp_practice_code: 'B83017',
    gp_practice_name: 'Maple Close Medical Practice',
    gp_practice_phone: '0113 496 0947',
  },
};

const columns = (feed: FeedName) => [...FEED_FORMATS[feed].columns];
const cellsOf = (feed: FeedName, row: Record<string, string>) => columns(feed).map((c) => row[c] ?? '');
const validate = (feed: FeedName, rows: Record<string, string>[]) =>
  validateRows(
    feed,
    columns(feed),
    rows.map((row, i) => ({ line: i + 2, cells: cellsOf(feed, row) })),
  );

describe('feed rows are validated one by one (R8), and rejections say where and why, never what', () => {
  it.each(Object.keys(GOOD) as FeedName[])(
    'a valid %s row is read with its source reference and line',
    (feed) => {
      const { records, rejected } = validate(feed, [GOOD[feed]]);
      expect(rejected).toEqual([]);
      expect(records).toHaveLength(1);
      expect(records[0]).toMatchObject({ feed, line: 2, extractDate: GOOD[feed].extract_date });
    },
  );

  it('each feed reads its own source reference: registration, UPN, claim and child, NHS number', () => {
    const ids = (Object.keys(GOOD) as FeedName[]).map(
      (feed) => validate(feed, [GOOD[feed]]).records[0]?.sourceId,
    );
    expect(ids).toEqual(['LDS-2019-0000001', 'N380200224001', 'CHB00000002/2', '9434765919']);
  });

  const BAD: [string, FeedName, Record<string, string>, string][] = [
    ['a date that is not in the calendar', 'births', { date_of_birth: '2016-02-30' }, 'date_of_birth'],
    ['a date written day first', 'school-census', { date_of_birth: '09/04/2016' }, 'date_of_birth'],
    ['a bad extract date', 'child-benefit', { extract_date: '2026-13-01' }, 'extract_date'],
    [
      'an NHS number failing the modulus 11 check',
      'nhs-demographics',
      { nhs_number: '9434765918' },
      'nhs_number',
    ],
    ['a UPN whose check letter does not match', 'school-census', { upn: 'A380200224001' }, 'upn'],
    ['an address without its town', 'school-census', { town: '' }, 'postcode'],
    [
      'an address of only a postcode',
      'births',
      { address_line1: '', address_line2: '', town: '' },
      'postcode',
    ],
    ['a sex code the register does not use', 'births', { sex: 'X' }, 'sex'],
    ['a PDS gender code out of range', 'nhs-demographics', { gender: '3' }, 'gender'],
    ['a name with digits', 'child-benefit', { child_given_name: 'Zed9' }, 'child_given_name'],
    ['a missing family name', 'nhs-demographics', { family_name: '' }, 'family_name'],
    ['a child number that is not 1–99', 'child-benefit', { child_number: '0' }, 'child_number'],
    ['a school URN of two digits', 'school-census', { school_urn: '12' }, 'school_urn'],
    [
      'a GP practice code of the wrong shape',
      'nhs-demographics',
      { gp_practice_code: 'Q1' },
      'gp_practice_code',
    ],
    ['previous names with digits', 'nhs-demographics', { previous_names: 'Ava Pr1ce' }, 'previous_names'],
    ['a postcode that is no UK postcode', 'child-benefit', { postcode: 'QQ99 9QQQ' }, 'postcode'],
  ];
  it.each(BAD)(
    '%s is rejected with its line, naming the column but not the value',
    (_, feed, change, column) => {
      const { records, rejected } = validate(feed, [GOOD[feed], { ...GOOD[feed], ...change }, GOOD[feed]]);
      expect(records.map((r) => r.line)).toEqual([2, 4]);
      expect(rejected).toHaveLength(1);
      expect(rejected[0]?.line).toBe(3);
      const reasons = rejected[0]?.reasons ?? [];
      expect(reasons.some((r) => r.startsWith(`${column}:`))).toBe(true);
      for (const value of Object.values(change).filter((v) => v.length > 0)) {
        for (const reason of reasons) expect(reason).not.toContain(value);
      }
    },
  );

  it('a row with more cells than the header is rejected as carrying unknown fields', () => {
    const lines = [
      { line: 7, cells: [...cellsOf('births', GOOD.births), 'Case notes: seen by social care'] },
    ];
    const { rejected } = validateRows('births', columns('births'), lines);
    expect(rejected).toEqual([{ line: 7, reasons: [expect.stringContaining('(unknown fields)')] }]);
    expect(rejected[0]?.reasons.join()).not.toContain('Case notes');
  });

  it('a row with fewer cells than the header is rejected as missing fields', () => {
    const lines = [{ line: 9, cells: cellsOf('births', GOOD.births).slice(0, 5) }];
    const { rejected } = validateRows('births', columns('births'), lines);
    expect(rejected).toEqual([{ line: 9, reasons: [expect.stringContaining('(missing fields)')] }]);
  });

  it('one bad row loses nothing else: every other row of the file is read', () => {
    const rows = Array.from({ length: 50 }, (_, i) =>
      i % 10 === 3 ? { ...GOOD.births, date_of_birth: '2019-02-29' } : GOOD.births,
    );
    const { records, rejected } = validate('births', rows);
    expect(records).toHaveLength(45);
    expect(rejected.map((r) => r.line)).toEqual([5, 15, 25, 35, 45]);
  });

  it('columns may come in any order', () => {
    const header = columns('child-benefit').reverse();
    const cells = header.map((c) => GOOD['child-benefit'][c] ?? '');
    const { records } = validateRows('child-benefit', header, [{ line: 2, cells }]);
    expect(records[0]?.sourceId).toBe('CHB00000002/2');
  });

  it('a partial address is refused rather than stored half', () => {
    const { rejected } = validate('nhs-demographics', [{ ...GOOD['nhs-demographics'], postcode: '' }]);
    expect(rejected[0]?.reasons).toEqual([
      'postcode: address needs address_line1, town and postcode together',
    ]);
  });

  it('no address at all is allowed: the row is read without one', () => {
    const row = { ...GOOD['child-benefit'], address_line1: '', town: '', postcode: '' };
    const { records } = validate('child-benefit', [row]);
    expect(records[0]?.fields.address).toBeUndefined();
  });

  it('a header with problems refuses the whole file before any row is read', () => {
    const header = [...columns('births').slice(1), 'Walker'];
    expect(() => validateRows('births', header, [{ line: 2, cells: [] }])).toThrow(FeedHeaderError);
  });
});

describe('what a row becomes in the record (R1)', () => {
  it('place of birth and the mother’s name are validated and then dropped', () => {
    const fields = validate('births', [GOOD.births]).records[0]?.fields;
    expect(JSON.stringify(fields)).not.toMatch(/Infirmary|Sarah/);
    expect(fields).toMatchObject({
      givenName: 'Oliver',
      gender: 'male',
      address: { postcode: 'LS6 2AB' },
    });
  });

  it('the claimant’s name is dropped and the child benefit row keeps the child', () => {
    const fields = validate('child-benefit', [GOOD['child-benefit']]).records[0]?.fields;
    expect(JSON.stringify(fields)).not.toContain('Linnea');
    expect(fields).toMatchObject({ givenName: 'Daniel', familyName: 'Mayer', dateOfBirth: '2014-01-15' });
  });

  it('a school is kept with its phone number, and left out without one', () => {
    const withPhone = validate('school-census', [GOOD['school-census']]).records[0]?.fields;
    expect(withPhone?.education).toEqual({
      status: 'in-education',
      institutionName: 'Morgan Lane Primary School',
      contact: { phone: '0113 496 0755' },
    });
    const without = validate('school-census', [{ ...GOOD['school-census'], school_phone: '' }]).records[0]
      ?.fields;
    expect(without?.education).toBeUndefined();
  });

  it('a GP practice is kept with its phone number, and left out without one', () => {
    const withPhone = validate('nhs-demographics', [GOOD['nhs-demographics']]).records[0]?.fields;
    expect(withPhone?.gpPractice?.contact.phone).toBe('0113 496 0947');
    const without = validate('nhs-demographics', [{ ...GOOD['nhs-demographics'], gp_practice_phone: '' }])
      .records[0]?.fields;
    expect(without?.gpPractice).toBeUndefined();
  });

  it('former and previous names become other names; PDS gender 2 is female', () => {
    const census = validate('school-census', [GOOD['school-census']]).records[0]?.fields;
    expect(census?.otherNames).toEqual([{ familyName: 'Price' }]);
    const nhs = validate('nhs-demographics', [GOOD['nhs-demographics']]).records[0]?.fields;
    expect(nhs).toMatchObject({ otherNames: [{ givenName: 'Ava', familyName: 'Price' }], gender: 'female' });
  });
});

describe('the header names exactly the feed’s columns', () => {
  it('the feed’s own columns, in any order, have no problems', () => {
    expect(headerProblems('nhs-demographics', columns('nhs-demographics').reverse())).toEqual([]);
  });

  it('a missing column is named', () => {
    expect(
      headerProblems(
        'births',
        columns('births').filter((c) => c !== 'sex'),
      ),
    ).toEqual(['missing column sex']);
  });

  it('an unknown column is reported by position, never by what it holds', () => {
    const header = [...columns('births'), 'Walker'];
    const problems = headerProblems('births', header);
    expect(problems).toEqual([`column ${header.length} of the header is not a column of the births feed`]);
  });

  it('a file sent without its header line is refused without echoing the first child’s details', () => {
    const firstRow = cellsOf('births', GOOD.births);
    const problems = headerProblems('births', firstRow).join('\n');
    expect(problems).toContain('missing column registration_id');
    for (const value of ['Walker', 'Oliver James', '2019-06-14', '12 Otley Road'])
      expect(problems).not.toContain(value);
  });

  it('a column named twice is reported', () => {
    expect(headerProblems('child-benefit', [...columns('child-benefit'), 'postcode'])).toEqual([
      'column postcode appears twice',
    ]);
  });
});
