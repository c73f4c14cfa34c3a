import type { FieldConflict, FieldProvenance } from '../feeds/best-view.ts';
import type { RetentionFacts } from '../retention/rule.ts';
import type { Shield } from '../shield/schema.ts';
import type { Address, ChildFields, ChildPatch, OtherName } from './schema.ts';

/** A child record as stored: the lawful fields (R1) plus what the system needs to govern it. */
export interface ChildRecord extends ChildFields {
  childId: string;
  /** GSS code of the authority whose ContactPoint team maintains the record. */
  localAuthority: string;
  localAuthorityName: string;
  /** Kept for matching only (R1): never part of any view. */
  previousAddresses?: Address[] | undefined;
  shield?: Shield | undefined;
  /** R8: where each field of the best view came from, and when; absent on a record made by hand only. */
  provenance?: FieldProvenance | undefined;
  /** R8: sources that disagree about a field with one true value, kept for a data manager's review. */
  conflicts?: FieldConflict[] | undefined;
  /** R7: the young person's consent to stay until 25, and a notice of death; they move the leaving day. */
  retention?: RetentionFacts | undefined;
  version: number;
  createdAt: string;
  updatedAt: string;
}

const MAX_REMEMBERED = 5;

function remember<T>(list: T[] | undefined, item: T, same: (a: T, b: T) => boolean): T[] {
  const rest = (list ?? []).filter((x) => !same(x, item));
  return [item, ...rest].slice(0, MAX_REMEMBERED);
}

const sameName = (a: OtherName, b: OtherName) => a.givenName === b.givenName && a.familyName === b.familyName;
const sameAddress = (a: Address, b: Address) => a.postcode === b.postcode && a.line1 === b.line1;

/**
 * Applies a correction. A replaced name is kept as an other name and a replaced address as a previous
 * address, so a search with the old details still finds the child (R8 matching).
 */
export function applyPatch(record: ChildRecord, patch: ChildPatch, now: string): ChildRecord {
  const next: ChildRecord = { ...record, version: record.version + 1, updatedAt: now };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete (next as unknown as Record<string, unknown>)[key];
    else if (value !== undefined) (next as unknown as Record<string, unknown>)[key] = value;
  }
  const nameChanged =
    (patch.givenName !== undefined && patch.givenName !== record.givenName) ||
    (patch.familyName !== undefined && patch.familyName !== record.familyName);
  if (nameChanged && patch.otherNames === undefined) {
    next.otherNames = remember(
      record.otherNames,
      { givenName: record.givenName, familyName: record.familyName },
      sameName,
    );
  }
  if (
    record.address &&
    patch.address !== undefined &&
    (patch.address === null || !sameAddress(patch.address, record.address))
  ) {
    next.previousAddresses = remember(record.previousAddresses, record.address, sameAddress);
  }
  return next;
}

export function etagOf(version: number): string {
  return `"${version}"`;
}

/**
 * Reads an If-Match header value: only a strong ETag exactly as `etagOf` wrote it (`"3"`). If-Match uses
 * strong comparison (RFC 9110 §13.1.1), so a weak `W/"3"` never matches, nor does `"03"`, which is not the
 * ETag issued; undefined for either, and for anything else that is not one of our ETags.
 */
export function versionFromEtag(etag: string): number | undefined {
  const value = etag.trim();
  const m = /^"([1-9]\d{0,14})"$/.exec(value);
  if (!m) return undefined;
  const version = Number(m[1]);
  return etagOf(version) === value ? version : undefined;
}
