import { TooManyMatchesError } from '../errors.ts';
import type { SearchCriteria } from './criteria.ts';
import type { MatchProfile } from './profile.ts';
import { scoreCandidate } from './score.ts';

/** R10: never more than this many candidates leave a search. */
export const MAX_MATCHES = 10;
/** Below this a candidate is not offered at all (calibrated on FEBRL 4 with `npm run bench`). */
export const MATCH_THRESHOLD = 0.8;

export interface Candidate {
  profile: MatchProfile;
  /** Found through an exact identifier key (NHS number, UPN). */
  viaIdentifier: boolean;
}

export interface RankedMatch {
  profile: MatchProfile;
  score: number;
}

/** Scores, keeps those above the threshold, best first; more than MAX_MATCHES is refused (R10). */
export function rankCandidates(criteria: SearchCriteria, candidates: Candidate[]): RankedMatch[] {
  const byChild = new Map<string, Candidate>();
  for (const c of candidates) {
    const seen = byChild.get(c.profile.childId);
    if (!seen || (c.viaIdentifier && !seen.viaIdentifier)) byChild.set(c.profile.childId, c);
  }
  const ranked = [...byChild.values()]
    .map((c) => ({ profile: c.profile, score: scoreCandidate(criteria, c.profile, c.viaIdentifier) }))
    .filter((m) => m.score >= MATCH_THRESHOLD)
    .sort((a, b) => b.score - a.score || a.profile.childId.localeCompare(b.profile.childId));
  if (ranked.length > MAX_MATCHES) throw new TooManyMatchesError(MAX_MATCHES);
  return ranked;
}
