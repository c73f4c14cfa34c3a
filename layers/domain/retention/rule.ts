import type { ChildRecord } from '../child/record.ts';

/**
 * R7 retention, as pure rules. A record is live until its leaving day and leaves (is archived) on it: the
 * 18th birthday; the 25th while the young person's consent is recorded; one year after a recorded date of
 * death — whichever comes first. Days are UK calendar days (Europe/London), written YYYY-MM-DD.
 */

/** The young person's consent to stay in the directory until 25 (R7), as recorded by their council's team. */
export interface RetentionConsent {
  /** The day the young person gave it. */
  givenOn: string;
  recordedAt: string;
  recordedBy: string;
}

/** A notice of death (R7): the record stays live for one year after the date of death. */
export interface DeathNotice {
  dateOfDeath: string;
  recordedAt: string;
  recordedBy: string;
}

/** What the council's team has recorded that changes a record's leaving day. */
export interface RetentionFacts {
  consent?: RetentionConsent | undefined;
  /** The day consent was last withdrawn: the 18th-birthday rule applies again from then. */
  consentWithdrawnOn?: string | undefined;
  death?: DeathNotice | undefined;
}

export const LIVE_UNTIL_AGE = 18;
export const LIVE_UNTIL_AGE_WITH_CONSENT = 25;
export const YEARS_AFTER_DEATH = 1;
/** R7: archived records are readable (by auditors, for an investigation) for six years, then destroyed. */
export const ARCHIVE_YEARS = 6;

const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/**
 * The same calendar day `years` later. A 29 February falls on 1 March in a common year: in England and
 * Wales a person born on 29 February attains an age on 1 March in a year that has no 29 February.
 */
export function anniversary(day: string, years: number): string {
  const m = ISO_DAY.exec(day);
  if (!m) throw new RangeError('not a day written YYYY-MM-DD');
  const year = Number(m[1]) + years;
  const [month, date] = m[2] === '02' && m[3] === '29' && !isLeapYear(year) ? ['03', '01'] : [m[2], m[3]];
  return `${String(year).padStart(4, '0')}-${month}-${date}`;
}

const LONDON = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** The UK calendar day at an instant (Europe/London: GMT in winter, BST in summer). */
export function londonDay(at: Date): string {
  return LONDON.format(at);
}

/** The day a record leaves the live directory (R7): the earliest rule that applies. */
export function leavingDay(record: Pick<ChildRecord, 'dateOfBirth' | 'retention'>): string {
  const retention = record.retention;
  const byAge = anniversary(
    record.dateOfBirth,
    retention?.consent ? LIVE_UNTIL_AGE_WITH_CONSENT : LIVE_UNTIL_AGE,
  );
  const byDeath = retention?.death ? anniversary(retention.death.dateOfDeath, YEARS_AFTER_DEATH) : undefined;
  return byDeath !== undefined && byDeath < byAge ? byDeath : byAge;
}

/** Whether the record must leave on `today` (a UK day): on or after its leaving day. */
export function isDueToLeave(record: Pick<ChildRecord, 'dateOfBirth' | 'retention'>, today: string): boolean {
  return leavingDay(record) <= today;
}

/** The day an archive made on `archivedOn` is destroyed: six years on (R7). */
export function purgeDay(archivedOn: string): string {
  return anniversary(archivedOn, ARCHIVE_YEARS);
}
