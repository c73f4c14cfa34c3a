import { formsOf, matchingName, soundsOf } from '../matching/compare.ts';
import type { SearchCriteria } from './criteria.ts';
import { usesHiddenField } from './criteria.ts';
import type { MatchProfile } from './profile.ts';

/** The forms a name may be typed in and still be the same name: as written, by formal name, by sound. */
function formsOfName(raw: string): Set<string> {
  const name = matchingName(raw);
  if (!name) return new Set();
  const formal = formsOf(name);
  return new Set([name, ...formal, ...[name, ...formal].flatMap(soundsOf)]);
}

function agrees(typed: string, current: string[]): boolean {
  const typedForms = formsOfName(typed);
  return current.some((name) => [...formsOfName(name)].some((form) => typedForms.has(form)));
}

/**
 * R3: a shielded child is offered only to a search made with what its shielded view shows — its current
 * names (as typed, by sound or by formal name, either way round) and no hidden field. A search by a
 * previous name that merely resembles the current one, or one that adds a postcode, NHS number or UPN,
 * answers exactly as if the child were not in the directory. An unshielded child is always offered.
 */
export function mayOffer(criteria: SearchCriteria, profile: MatchProfile): boolean {
  if (!profile.shielded) return true;
  if (usesHiddenField(criteria)) return false;
  const current = [profile.givenName, profile.familyName];
  const typed = [criteria.givenName, criteria.familyName].filter((n) => n !== undefined);
  return typed.length > 0 && typed.every((name) => agrees(name, current));
}
