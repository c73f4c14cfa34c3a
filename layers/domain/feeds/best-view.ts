import type { ChildRecord } from '../child/record.ts';
import type { Address, ChildFields, OtherName } from '../child/schema.ts';
import { compactPostcode } from '../identifiers/postcode.ts';
import { matchingName } from '../matching/compare.ts';
import type { FeedFields, FeedName, SourceName } from './feed.ts';

/**
 * R8 best view: one record per child built from every source that describes it. Each field is chosen by
 * source precedence and, for an address, by recency; each records where it came from and the extract date.
 * A data manager's correction (source `council`) outranks every feed, so a load never undoes it — except an
 * address, where a later extract means the family has moved since.
 */
export type ProvenancedField =
  | 'name'
  | 'gender'
  | 'dateOfBirth'
  | 'nhsNumber'
  | 'upn'
  | 'address'
  | 'education'
  | 'gpPractice';

export interface Provenance {
  source: SourceName;
  /** The extract date of the feed, or the day a ContactPoint team made the change. */
  extractDate: string;
}
export type FieldProvenance = Partial<Record<ProvenancedField, Provenance>>;

/** Two sources disagree about a field where only one can be right: kept for a data manager's review. */
export interface FieldConflict {
  field: ProvenancedField;
  chosen: SourceName;
  differing: SourceName[];
}

/** One source row held for a child: the feed's latest word on it. */
export interface SourceRow {
  feed: FeedName;
  sourceId: string;
  extractDate: string;
  fields: FeedFields;
  /**
   * Set by FeedLinkageStore.sourcesOf: an opaque, stable reference to the row as held on its child — never the
   * source's own reference (an NHS number, a registration) — by which a team names it (split a wrong merge).
   */
  sourceRef?: string | undefined;
}

const PRECEDENCE: Record<ProvenancedField, readonly SourceName[]> = {
  name: ['council', 'nhs-demographics', 'school-census', 'births', 'child-benefit'],
  gender: ['council', 'nhs-demographics', 'births', 'school-census'],
  dateOfBirth: ['council', 'births', 'nhs-demographics', 'school-census', 'child-benefit'],
  nhsNumber: ['council', 'nhs-demographics'],
  upn: ['council', 'school-census'],
  address: ['council', 'nhs-demographics', 'child-benefit', 'school-census', 'births'],
  education: ['council', 'school-census'],
  gpPractice: ['council', 'nhs-demographics'],
};
/** Fields that change as a child's life does: the latest word wins, precedence only breaks a tie. */
const BY_RECENCY: ReadonlySet<ProvenancedField> = new Set(['address']);
/** Fields with one true value: a source that differs is a conflict worth a person's look. */
const SINGLE_TRUTH: ReadonlySet<ProvenancedField> = new Set(['dateOfBirth', 'gender', 'nhsNumber', 'upn']);

type Value = unknown;
interface Candidate {
  value: Value;
  provenance: Provenance;
}

function fieldValue(fields: Partial<ChildFields> | FeedFields, field: ProvenancedField): Value {
  if (field === 'name') {
    return fields.givenName && fields.familyName
      ? { givenName: fields.givenName, familyName: fields.familyName }
      : undefined;
  }
  return (fields as Record<string, unknown>)[field];
}

const sameValue = (a: Value, b: Value) => JSON.stringify(a) === JSON.stringify(b);

function rank(field: ProvenancedField, c: Candidate): number {
  const at = PRECEDENCE[field].indexOf(c.provenance.source);
  return at < 0 ? Number.MAX_SAFE_INTEGER : at;
}

function choose(field: ProvenancedField, candidates: Candidate[]): Candidate | undefined {
  const usable = candidates.filter(
    (c) => c.value !== undefined && PRECEDENCE[field].includes(c.provenance.source),
  );
  return usable.sort((a, b) => {
    if (BY_RECENCY.has(field) && a.provenance.extractDate !== b.provenance.extractDate) {
      return a.provenance.extractDate < b.provenance.extractDate ? 1 : -1;
    }
    return rank(field, a) - rank(field, b);
  })[0];
}

const FIELDS: readonly ProvenancedField[] = Object.keys(PRECEDENCE) as ProvenancedField[];
const MAX_REMEMBERED = 5;

/** What a record already holds that no feed row explains: a team's entry or correction (or the record as first made). */
function councilCandidates(record: ChildRecord | undefined): [ProvenancedField, Candidate][] {
  if (!record) return [];
  return FIELDS.flatMap((field): [ProvenancedField, Candidate][] => {
    const provenance = record.provenance?.[field] ?? {
      source: 'council',
      extractDate: record.updatedAt.slice(0, 10),
    };
    if (provenance.source !== 'council') return [];
    const value = fieldValue(record, field);
    return value === undefined ? [] : [[field, { value, provenance }]];
  });
}

export interface BestView {
  fields: Pick<ChildFields, 'givenName' | 'familyName' | 'gender' | 'dateOfBirth'> & Partial<ChildFields>;
  previousAddresses?: Address[] | undefined;
  provenance: FieldProvenance;
  conflicts: FieldConflict[];
}

function uniqueNames(names: OtherName[], current: { givenName: string; familyName: string }): OtherName[] {
  const key = (n: OtherName) => `${matchingName(n.givenName ?? '')}|${matchingName(n.familyName ?? '')}`;
  const seen = new Set([key(current)]);
  const kept: OtherName[] = [];
  for (const n of names) {
    if (seen.has(key(n))) continue;
    seen.add(key(n));
    kept.push(n);
  }
  return kept.slice(0, MAX_REMEMBERED);
}

function uniqueAddresses(addresses: Address[], current: Address | undefined): Address[] {
  const key = (a: Address) => `${compactPostcode(a.postcode)}|${a.line1.toLowerCase()}`;
  const seen = new Set(current ? [key(current)] : []);
  const kept: Address[] = [];
  for (const a of addresses) {
    if (seen.has(key(a))) continue;
    seen.add(key(a));
    kept.push(a);
  }
  return kept.slice(0, MAX_REMEMBERED);
}

/**
 * The best view of a child from the record as it stands and every source row held for it (every feed row
 * has a name and a date of birth, so there always is one). A replaced name is kept as an other name
 * and a replaced or older address as a previous address (R1: kept for matching, never shown).
 */
export function bestViewOf(record: ChildRecord | undefined, rows: SourceRow[]): BestView {
  const candidates = new Map<ProvenancedField, Candidate[]>();
  for (const field of FIELDS) candidates.set(field, []);
  for (const [field, c] of councilCandidates(record)) candidates.get(field)?.push(c);
  for (const row of rows) {
    const provenance = { source: row.feed, extractDate: row.extractDate };
    for (const field of FIELDS) {
      const value = fieldValue(row.fields, field);
      if (value !== undefined) candidates.get(field)?.push({ value, provenance });
    }
  }
  const chosen = new Map<ProvenancedField, Candidate>();
  const provenance: FieldProvenance = {};
  const conflicts: FieldConflict[] = [];
  for (const field of FIELDS) {
    const all = candidates.get(field) ?? [];
    const best = choose(field, all);
    if (!best) continue;
    chosen.set(field, best);
    provenance[field] = best.provenance;
    if (SINGLE_TRUTH.has(field)) {
      const differing = [
        ...new Set(all.filter((c) => !sameValue(c.value, best.value)).map((c) => c.provenance.source)),
      ];
      if (differing.length > 0) conflicts.push({ field, chosen: best.provenance.source, differing });
    }
  }
  const name = chosen.get('name')?.value as { givenName: string; familyName: string } | undefined;
  const dateOfBirth = chosen.get('dateOfBirth')?.value as string | undefined;
  if (!name || !dateOfBirth) throw new Error('a best view needs a name and a date of birth');
  const address = chosen.get('address')?.value as Address | undefined;
  const otherNames = uniqueNames(
    [
      ...(record && (record.givenName !== name.givenName || record.familyName !== name.familyName)
        ? [{ givenName: record.givenName, familyName: record.familyName }]
        : []),
      ...(record?.otherNames ?? []),
      ...rows.flatMap((r) => r.fields.otherNames ?? []),
    ],
    name,
  );
  const previousAddresses = uniqueAddresses(
    [
      ...(record?.address ? [record.address] : []),
      ...(record?.previousAddresses ?? []),
      ...rows.flatMap((r) => (r.fields.address ? [r.fields.address] : [])),
    ],
    address,
  );
  const optional = <K extends keyof ChildFields>(field: ProvenancedField & K) =>
    chosen.has(field) ? { [field]: chosen.get(field)?.value as ChildFields[K] } : {};
  return {
    fields: {
      ...name,
      ...(otherNames.length > 0 && { otherNames }),
      gender: (chosen.get('gender')?.value as ChildFields['gender'] | undefined) ?? 'not-known',
      dateOfBirth,
      ...optional('nhsNumber'),
      ...optional('upn'),
      ...(address && { address }),
      ...(record?.carers && { carers: record.carers }),
      ...optional('education'),
      ...optional('gpPractice'),
    },
    ...(previousAddresses.length > 0 && { previousAddresses }),
    provenance,
    conflicts,
  };
}
