import { TooManyMatchesError } from '../errors.ts';
import { formsOf, matchingName } from './compare.ts';
import { type ExplainableField, explainMatch } from './explain.ts';
import type { MatchingModel } from './model.ts';
import { type Comparable, type ComparisonVector, compareRecords } from './vector.ts';
import { weigh } from './weigh.ts';

/**
 * The matching engine: one query against the candidates blocking found, each given the probability that it
 * is the same child (Fellegi–Sunter, with the reviewed model) and the reasons in words. The search and the
 * feed linkage both call it; it reads no storage and knows no transport.
 */
export interface Scored {
  probability: number;
  /** Why, strongest evidence first, only about the fields the viewer may see (R3). */
  why: string[];
}

export interface MatchCandidate<T> {
  id: string;
  item: T;
  /** What is compared: for a shielded child only what its shielded view shows (R3). */
  record: Comparable;
  /** What may be said about the record: fields the viewer may see. */
  explainable: ReadonlySet<ExplainableField>;
  /** Found through an exact identifier (NHS number, UPN), which belongs to one child only. */
  identifier?: 'NHS number' | 'UPN' | undefined;
}

export interface RankedMatch<T> extends Scored {
  id: string;
  item: T;
}

/** R10: a name of three letters or fewer is a fragment unless it is a whole name of the record's. */
export const FRAGMENT_LETTERS = 3;

function recordNames(record: Comparable): string[] {
  return [record, ...(record.otherNames ?? [])]
    .flatMap((n) => [n.givenName, n.familyName])
    .filter((n): n is string => n !== undefined)
    .map(matchingName)
    .filter((n) => n.length > 0);
}

/** A typed name this much shorter than the record's name it begins is cut short, not mistyped. */
const PREFIX_SHARE = 0.75;

function isFragmentOf(typed: string | undefined, names: string[]): boolean {
  const name = typed ? matchingName(typed) : '';
  if (!name) return false;
  // Two letters are never a name by spelling or sound alone ("kl" sounds like Kyle): only as the name itself.
  const partOfAName =
    name.length <= 2 ||
    names.some(
      (n) =>
        (name.length <= FRAGMENT_LETTERS && n.length > name.length && n.includes(name)) ||
        (n.startsWith(name) && name.length < PREFIX_SHARE * n.length),
    );
  if (!partOfAName) return false;
  const typedForms = formsOf(name);
  const sameName = names.some((n) => n === name || formsOf(n).some((f) => typedForms.includes(f)));
  return !sameName;
}

/**
 * R10: "Wil" or "Scha" and a date of birth must not list the Williamsons or the Schaefers. A typed name is a
 * fragment of a record's name when it has three letters or fewer and is part of a longer name (Wil in
 * Williamson, son in Dawson), or when it begins a name at least a third longer (Scha, Schaefer) — unless the
 * record also has that very name or one it is a form of (Tom: Thomas, Will: William). A fragment is no
 * evidence: it is left out of the comparison, and a query whose every typed name is a fragment offers no
 * candidate at all. A name a letter short (Loui for Louis) or a short slip (Hai for Hari) is compared like any
 * other.
 */
export function withoutFragments(query: Comparable, record: Comparable): Comparable | undefined {
  const names = recordNames(record);
  const given = isFragmentOf(query.givenName, names) ? undefined : query.givenName;
  const family = isFragmentOf(query.familyName, names) ? undefined : query.familyName;
  if (given === query.givenName && family === query.familyName) return query;
  if (!given && !family) return undefined;
  return { ...query, givenName: given, familyName: family };
}

/** Levels at which two names are not the same name: a sister's name is often somewhat alike. */
const WEAK_NAME_LEVELS: readonly string[] = ['jw70', 'other'];
const agrees = (level: string | null) => level !== null && !WEAK_NAME_LEVELS.includes(level);

/**
 * R10: a search needs a name and a date of birth, and it is the child they describe that it must find.
 *  - A name typed must agree (given or family, in spelling or sound, as typed, swapped, or as a name the
 *    child is also known by): a date of birth and a postcode alone describe nobody by name.
 *  - Something of the child's own must agree — the given name, or the date of birth at least in part: a
 *    family name and an address are shared by a household, so otherwise a search would list the brothers
 *    and sisters behind them, whatever given name and date were typed.
 */
export function describesTheChild(vector: ComparisonVector): boolean {
  const name = agrees(vector.givenName) || agrees(vector.familyName);
  const own = agrees(vector.givenName) || (vector.dateOfBirth !== null && vector.dateOfBirth !== 'other');
  return name && own;
}

export function scoreMatch(
  model: MatchingModel,
  query: Comparable,
  record: Comparable,
  explainable: ReadonlySet<ExplainableField>,
): Scored & { describesTheChild: boolean } {
  const vector = compareRecords(query, record);
  const { probability, evidence } = weigh(model, vector, model.searchPrior);
  return {
    probability,
    why: explainMatch(vector, evidence, query, record, explainable),
    describesTheChild: describesTheChild(vector),
  };
}

/**
 * One candidate as a search weighs it: its probability and reasons, or undefined when R10 forbids offering it
 * whatever its probability — every typed name a fragment of its names, or the query not describing it.
 */
export function assessCandidate(
  model: MatchingModel,
  query: Comparable,
  record: Comparable,
  explainable: ReadonlySet<ExplainableField>,
): Scored | undefined {
  const compared = withoutFragments(query, record);
  if (!compared) return undefined;
  const scored = scoreMatch(model, compared, record, explainable);
  if (!scored.describesTheChild) return undefined;
  // Say which typed name was left out, so nobody reads its silence as agreement.
  const leftOut = (['givenName', 'familyName'] as const)
    .filter((part) => query[part] && !compared[part])
    .map((part) => `${part === 'givenName' ? 'given' : 'family'} name: only part of a name, not compared`);
  return { probability: scored.probability, why: [...scored.why, ...leftOut] };
}

/**
 * The candidates at or above the model's threshold, most probable first; an identifier match is certain.
 * More than `limit` is refused (R10), never cut: the practitioner adds details instead.
 */
export function rankMatches<T>(
  model: MatchingModel,
  query: Comparable,
  candidates: MatchCandidate<T>[],
  limit: number,
): RankedMatch<T>[] {
  const byId = new Map<string, MatchCandidate<T>>();
  for (const c of candidates) {
    const seen = byId.get(c.id);
    if (!seen || (c.identifier && !seen.identifier)) byId.set(c.id, c);
  }
  const ranked: RankedMatch<T>[] = [];
  for (const c of byId.values()) {
    if (c.identifier) {
      const { why } = scoreMatch(model, query, c.record, c.explainable);
      ranked.push({ id: c.id, item: c.item, probability: 1, why: [`${c.identifier}: the same`, ...why] });
      continue;
    }
    const assessed = assessCandidate(model, query, c.record, c.explainable);
    if (assessed && assessed.probability >= model.threshold)
      ranked.push({ id: c.id, item: c.item, ...assessed });
  }
  ranked.sort((a, b) => b.probability - a.probability || a.id.localeCompare(b.id));
  if (ranked.length > limit) throw new TooManyMatchesError(limit);
  return ranked;
}
