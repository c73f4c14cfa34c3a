import type { ChildRecord } from '../child/record.ts';
import type { LeavingRule } from './archive.ts';
import { anniversary, LIVE_UNTIL_AGE, leavingDay, YEARS_AFTER_DEATH } from './rule.ts';

/** Which rule sets the record's leaving day (the earliest that applies; death when two fall on one day). */
export function leavingRule(record: Pick<ChildRecord, 'dateOfBirth' | 'retention'>): LeavingRule {
  const death = record.retention?.death;
  if (death && anniversary(death.dateOfDeath, YEARS_AFTER_DEATH) === leavingDay(record)) {
    return 'one-year-after-death';
  }
  return record.retention?.consent ? 'age-25-with-consent' : 'age-18';
}

/** The day of the 18th birthday, whatever has been recorded. */
export function eighteenthBirthday(record: Pick<ChildRecord, 'dateOfBirth'>): string {
  return anniversary(record.dateOfBirth, LIVE_UNTIL_AGE);
}
