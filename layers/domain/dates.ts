import * as z from 'zod';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True when `value` is a real calendar date written YYYY-MM-DD. */
export function isCalendarDate(value: string): boolean {
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

export const IsoDate = z
  .string()
  .refine(isCalendarDate, { message: 'must be a real date written YYYY-MM-DD' })
  .meta({ format: 'date', example: '2015-03-02' });

/** The same date with day and month swapped, when that is a different valid date (a common slip). */
export function swapDayAndMonth(isoDate: string): string | undefined {
  const m = ISO_DATE.exec(isoDate);
  if (!m) return undefined;
  const swapped = `${m[1]}-${m[3]}-${m[2]}`;
  return swapped !== isoDate && isCalendarDate(swapped) ? swapped : undefined;
}

export function todayIso(now: Date): string {
  return now.toISOString().slice(0, 10);
}

/** Whole years between a date of birth and `on`, both YYYY-MM-DD. */
export function ageOn(dateOfBirth: string, on: string): number {
  const [by, bm, bd] = dateOfBirth.split('-').map(Number) as [number, number, number];
  const [y, m, d] = on.split('-').map(Number) as [number, number, number];
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}
