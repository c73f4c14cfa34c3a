import { ageOn } from '../dates.ts';
import { ValidationError } from '../errors.ts';
import { londonDay } from '../retention/rule.ts';

/** R7: a record lives at most until the 25th birthday, so an older or unborn child is a typing slip. */
export const MAX_AGE_YEARS = 25;

export function assertPlausibleBirthDate(dateOfBirth: string, now: Date): void {
  // R7 ages are counted in UK calendar days: at 23:30 UTC in summer, London is already on the next day.
  const today = londonDay(now);
  if (dateOfBirth > today) {
    throw new ValidationError([{ field: 'dateOfBirth', message: 'is in the future' }]);
  }
  if (ageOn(dateOfBirth, today) >= MAX_AGE_YEARS) {
    throw new ValidationError([
      { field: 'dateOfBirth', message: `gives an age of ${MAX_AGE_YEARS} or more` },
    ]);
  }
}
