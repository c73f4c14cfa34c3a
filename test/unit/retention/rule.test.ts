import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { leavingRule } from '#domain/retention/leaving.ts';
import {
  anniversary,
  isDueToLeave,
  leavingDay,
  londonDay,
  purgeDay,
  type RetentionFacts,
} from '#domain/retention/rule.ts';

const by = 'user-dm';
const at = '2030-01-01T00:00:00.000Z';
const consent = (givenOn = '2030-01-01') => ({ givenOn, recordedAt: at, recordedBy: by });
const death = (dateOfDeath: string) => ({ dateOfDeath, recordedAt: at, recordedBy: by });

/** A real calendar day between 1990 and 2060, written YYYY-MM-DD. */
const aDay = fc
  .date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2060-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));

const nextDay = (day: string) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
const dayBefore = (day: string) =>
  new Date(Date.parse(`${day}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);

describe('R7 leaving day', () => {
  it('is the 18th birthday: still live the day before, leaving on the day itself', () => {
    const child = { dateOfBirth: '2012-06-15' };
    expect(leavingDay(child)).toBe('2030-06-15');
    expect(isDueToLeave(child, '2030-06-14')).toBe(false);
    expect(isDueToLeave(child, '2030-06-15')).toBe(true);
    expect(isDueToLeave(child, '2030-06-16')).toBe(true);
  });

  it('for a child born on 29 February is 1 March in a common year, and 29 February in a leap year', () => {
    expect(leavingDay({ dateOfBirth: '2012-02-29' })).toBe('2030-03-01');
    expect(isDueToLeave({ dateOfBirth: '2012-02-29' }, '2030-02-28')).toBe(false);
    expect(leavingDay({ dateOfBirth: '2014-02-28' })).toBe('2032-02-28');
    expect(anniversary('2012-02-29', 20)).toBe('2032-02-29');
  });

  it('is the 25th birthday while the young person’s consent is recorded, and the 18th again once withdrawn', () => {
    const withConsent = { dateOfBirth: '2012-06-15', retention: { consent: consent() } };
    expect(leavingDay(withConsent)).toBe('2037-06-15');
    expect(leavingRule(withConsent)).toBe('age-25-with-consent');
    const withdrawn = { dateOfBirth: '2012-06-15', retention: { consentWithdrawnOn: '2031-02-01' } };
    expect(leavingDay(withdrawn)).toBe('2030-06-15');
    // Withdrawn after 18: the leaving day has passed, so the record leaves at the next run.
    expect(isDueToLeave(withdrawn, '2031-02-01')).toBe(true);
  });

  it('is one year after a recorded death when that comes first, and the birthday rule when it does not', () => {
    expect(leavingDay({ dateOfBirth: '2020-03-03', retention: { death: death('2026-05-10') } })).toBe(
      '2027-05-10',
    );
    expect(leavingRule({ dateOfBirth: '2020-03-03', retention: { death: death('2026-05-10') } })).toBe(
      'one-year-after-death',
    );
    // Died a month before turning 18: the 18th birthday still comes first.
    const late = { dateOfBirth: '2012-06-15', retention: { death: death('2030-05-15') } };
    expect(leavingDay(late)).toBe('2030-06-15');
    expect(leavingRule(late)).toBe('age-18');
    expect(leavingDay({ dateOfBirth: '2020-01-01', retention: { death: death('2028-02-29') } })).toBe(
      '2029-03-01',
    );
  });

  it('takes the UK calendar day: 23:30 UTC on a summer evening is already the next day in London', () => {
    expect(londonDay(new Date('2030-06-14T23:30:00Z'))).toBe('2030-06-15');
    expect(londonDay(new Date('2030-12-14T23:30:00Z'))).toBe('2030-12-14');
    expect(londonDay(new Date('2030-12-15T00:00:00Z'))).toBe('2030-12-15');
  });

  it('destroys an archive on the same calendar day six years on', () => {
    expect(purgeDay('2030-06-15')).toBe('2036-06-15');
    expect(purgeDay('2032-02-29')).toBe('2038-03-01');
  });
});

describe('R7 leaving day, for any child (properties)', () => {
  const facts = fc.record(
    {
      consent: fc.constant(consent()),
      consentWithdrawnOn: aDay,
      death: aDay.map(death),
    },
    { requiredKeys: [] },
  ) as fc.Arbitrary<RetentionFacts>;

  it('is never later than the 25th birthday, never later than a year after death, and after birth', () => {
    fc.assert(
      fc.property(aDay, facts, (dateOfBirth, retention) => {
        // A death before birth is refused by the API (record-death-notice), so it is no input of the rule.
        fc.pre(!retention.death || retention.death.dateOfDeath >= dateOfBirth);
        const day = leavingDay({ dateOfBirth, retention });
        expect(day <= anniversary(dateOfBirth, 25)).toBe(true);
        if (retention.death) expect(day <= anniversary(retention.death.dateOfDeath, 1)).toBe(true);
        expect(day > dateOfBirth).toBe(true);
      }),
    );
  });

  it('without consent is never later than the 18th birthday, and with it never earlier than without it', () => {
    fc.assert(
      fc.property(aDay, facts, (dateOfBirth, retention) => {
        const { consent: _c, ...without } = retention;
        expect(leavingDay({ dateOfBirth, retention: without }) <= anniversary(dateOfBirth, 18)).toBe(true);
        expect(
          leavingDay({ dateOfBirth, retention: { ...without, consent: consent() } }) >=
            leavingDay({ dateOfBirth, retention: without }),
        ).toBe(true);
      }),
    );
  });

  it('is a real calendar day, and the record is live the day before it and due from it on', () => {
    fc.assert(
      fc.property(aDay, facts, (dateOfBirth, retention) => {
        const child = { dateOfBirth, retention };
        const day = leavingDay(child);
        expect(new Date(`${day}T00:00:00Z`).toISOString().slice(0, 10)).toBe(day);
        expect(isDueToLeave(child, dayBefore(day))).toBe(false);
        expect(isDueToLeave(child, day)).toBe(true);
        expect(isDueToLeave(child, nextDay(day))).toBe(true);
      }),
    );
  });

  it('falls on the birthday’s month and day, but a 29 February birthday in a common year falls on 1 March', () => {
    fc.assert(
      fc.property(aDay, fc.integer({ min: 1, max: 30 }), (day, years) => {
        const later = anniversary(day, years);
        expect(Number(later.slice(0, 4))).toBe(Number(day.slice(0, 4)) + years);
        if (day.slice(5) === '02-29' && later.slice(5) !== '02-29') expect(later.slice(5)).toBe('03-01');
        else expect(later.slice(5)).toBe(day.slice(5));
      }),
    );
  });
});
