import { readFileSync } from 'node:fs';
import type { ChildRecord } from '#domain/child/record.ts';
import { isCalendarDate } from '#domain/dates.ts';
import { contactPointIdFrom } from '#domain/identifiers/contactpoint-id.ts';
import { normalisePostcode } from '#domain/identifiers/postcode.ts';

/**
 * FEBRL 4 (5,000 originals, 5,000 corrupted duplicates) turned into English children — in the
 * harness, never in the product. Every mapping is deterministic and applied alike to both files, so a
 * corruption in the source stays a corruption here:
 *  - an Australian postcode becomes a valid UK one (the same AU code, the same UK code);
 *  - a birth year becomes one in 2008–2025, so the record is a child's (year − 1900 modulo 18);
 *    a day that does not exist in the new year (29 February) becomes the 28th;
 *  - FEBRL has no gender: every record is `not-known`.
 */
export interface FebrlRecord {
  /** FEBRL's own reference for the record (`rec-1070-dup-0`). */
  recordId: string;
  trueId: number;
  givenName: string;
  familyName: string;
  dateOfBirth: string | undefined;
  postcode: string | undefined;
  line1: string;
  town: string;
}

const OUTWARD = [
  'LS1',
  'LS6',
  'LS8',
  'LS11',
  'BD1',
  'BD3',
  'M14',
  'B12',
  'NE4',
  'SW9',
  'E17',
  'BS5',
  'L8',
  'S2',
  'NG7',
  'CF24',
];
const INWARD_LETTERS = 'ABDEFGHJLNPQRSTUWXYZ';

export function ukPostcodeFor(australian: string): string | undefined {
  if (!/^\d{4}$/.test(australian)) return undefined;
  const n = Number(australian);
  const outward = OUTWARD[n % OUTWARD.length] as string;
  const inward = `${(n % 9) + 1}${INWARD_LETTERS[Math.floor(n / 9) % 20]}${INWARD_LETTERS[Math.floor(n / 180) % 20]}`;
  return normalisePostcode(`${outward} ${inward}`);
}

export function childDateFor(yyyymmdd: string): string | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(yyyymmdd);
  if (!m) return undefined;
  const year = 2008 + ((((Number(m[1]) - 1900) % 18) + 18) % 18);
  let date = `${year}-${m[2]}-${m[3]}`;
  if (!isCalendarDate(date) && m[2] === '02' && m[3] === '29') date = `${year}-02-28`;
  return isCalendarDate(date) ? date : undefined;
}

export function readFebrl(path: string): FebrlRecord[] {
  const [, ...lines] = readFileSync(path, 'utf8').trim().split('\n');
  return lines.map((line) => {
    const f = line.split(',').map((s) => s.trim());
    const field = (i: number) => f[i] ?? '';
    return {
      recordId: field(0),
      trueId: Number(/^rec-(\d+)-/.exec(field(0))?.[1]),
      givenName: field(1),
      familyName: field(2),
      dateOfBirth: childDateFor(field(9)),
      postcode: ukPostcodeFor(field(7)),
      line1: `${field(3)} ${field(4)}`.trim(),
      town: field(6) || field(5),
    };
  });
}

/** The deterministic ContactPoint ID of FEBRL record n. */
export function febrlChildId(trueId: number): string {
  const bytes = new Uint8Array(8);
  let n = trueId + 1;
  for (let i = 0; i < 8; i++) {
    bytes[i] = n % 31;
    n = Math.floor(n / 31);
  }
  return contactPointIdFrom(bytes);
}

export function asChild(r: FebrlRecord): ChildRecord | undefined {
  if (!r.givenName || !r.familyName || !r.dateOfBirth) return undefined;
  const now = '2026-11-01T00:00:00.000Z';
  return {
    childId: febrlChildId(r.trueId),
    givenName: r.givenName,
    familyName: r.familyName,
    gender: 'not-known',
    dateOfBirth: r.dateOfBirth,
    ...(r.postcode &&
      r.line1 &&
      r.town && { address: { line1: r.line1, town: r.town, postcode: r.postcode } }),
    localAuthority: 'E08000035',
    localAuthorityName: 'Leeds City Council',
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
}
