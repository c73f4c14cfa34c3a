import type { Principal } from '../access/principal.ts';
import type { AccessReason } from '../access/reasons.ts';
import { auditEventFor, type RequestFacts } from '../audit/event.ts';
import { matchSummaryOf } from '../disclosure/view.ts';
import type { MatchSummary } from '../disclosure/view-schema.ts';
import { TooManyMatchesError } from '../errors.ts';
import type { Dependencies } from '../ports.ts';
import { type SearchCriteria, searchKeysFor } from '../search/criteria.ts';
import { isIdentifierKey, isShieldedScopeKey } from '../search/profile.ts';
import { type Candidate, rankCandidates } from '../search/rank.ts';
import { mayOffer } from '../search/shielded.ts';

/**
 * R10 search: blocking-key queries in parallel, scored and capped at ten. The audit event — with the
 * criteria and every ID returned, including none — is written before anything is returned (R6).
 */
export async function searchChildren(
  deps: Pick<Dependencies, 'children' | 'audit' | 'env'>,
  principal: Principal,
  criteria: SearchCriteria,
  reason: AccessReason,
  facts: RequestFacts,
): Promise<MatchSummary[]> {
  const found = await deps.children.findByKeys(searchKeysFor(criteria));
  const candidates: Candidate[] = [];
  for (const [key, profiles] of found) {
    for (const profile of profiles) {
      // R3: the key's scope says whether the child behind the profile is shielded.
      const seen = isShieldedScopeKey(key) ? { ...profile, shielded: true as const } : profile;
      if (mayOffer(criteria, seen)) candidates.push({ profile: seen, viaIdentifier: isIdentifierKey(key) });
    }
  }
  const base = { action: 'search-children', reason, criteria } as const;
  let matches: MatchSummary[];
  try {
    matches = rankCandidates(criteria, candidates).map((m) => matchSummaryOf(m.profile, m.score));
  } catch (error) {
    if (error instanceof TooManyMatchesError) {
      await deps.audit.record(
        auditEventFor(deps.env, principal, facts, { ...base, outcome: 'too-many-matches' }),
      );
    }
    throw error;
  }
  const childIds = matches.map((m) => m.childId);
  await deps.audit.record(
    auditEventFor(deps.env, principal, facts, {
      ...base,
      outcome: childIds.length > 0 ? 'success' : 'no-match',
      childIds,
      // No empty map: DynamoDB streams cannot carry one back, and the sealer would stall on it.
      ...(childIds.length > 0 && {
        disclosure: Object.fromEntries(childIds.map((id) => [id, 'match-summary' as const])),
      }),
    }),
  );
  return matches;
}
