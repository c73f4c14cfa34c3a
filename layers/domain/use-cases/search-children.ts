import type { Principal } from '../access/principal.ts';
import type { AccessReason } from '../access/reasons.ts';
import { auditEventFor, type RequestFacts } from '../audit/event.ts';
import { matchSummaryOf } from '../disclosure/view.ts';
import type { MatchSummary } from '../disclosure/view-schema.ts';
import { TooManyMatchesError } from '../errors.ts';
import { identifierOfKey, isShieldedScopeKey } from '../matching/blocking.ts';
import { type MatchCandidate, rankMatches } from '../matching/engine.ts';
import type { ExplainableField } from '../matching/explain.ts';
import type { MatchingModel } from '../matching/model.ts';
import type { Dependencies } from '../ports.ts';
import { MAX_MATCHES, queryOf, type SearchCriteria, searchKeysFor } from '../search/criteria.ts';
import type { MatchProfile } from '../search/profile.ts';
import { mayOffer } from '../search/shielded.ts';

const OPEN_FIELDS: ReadonlySet<ExplainableField> = new Set(['names', 'dateOfBirth', 'postcode', 'gender']);
/** R3: a shielded child's match may be explained only by what its shielded view shows. */
const SHIELDED_FIELDS: ReadonlySet<ExplainableField> = new Set(['names', 'dateOfBirth', 'gender']);

function candidateOf(key: string, profile: MatchProfile): MatchCandidate<MatchProfile> {
  return {
    id: profile.childId,
    item: profile,
    record: profile,
    explainable: profile.shielded ? SHIELDED_FIELDS : OPEN_FIELDS,
    identifier: identifierOfKey(key),
  };
}

/**
 * R10 search: blocking-key queries in parallel, each candidate weighed by the matching engine, capped at
 * ten. The audit event — with the criteria and every ID returned, including none — is written before
 * anything is returned (R6).
 */
export async function searchChildren(
  deps: Pick<Dependencies, 'children' | 'audit' | 'env'> & { matching: MatchingModel },
  principal: Principal,
  criteria: SearchCriteria,
  reason: AccessReason,
  facts: RequestFacts,
): Promise<MatchSummary[]> {
  const found = await deps.children.findByKeys(searchKeysFor(criteria));
  const candidates: MatchCandidate<MatchProfile>[] = [];
  for (const [key, profiles] of found) {
    for (const profile of profiles) {
      // R3: the key's scope says whether the child behind the profile is shielded.
      const seen = isShieldedScopeKey(key) ? { ...profile, shielded: true as const } : profile;
      if (mayOffer(criteria, seen)) candidates.push(candidateOf(key, seen));
    }
  }
  const base = { action: 'search-children', reason, criteria } as const;
  let matches: MatchSummary[];
  try {
    matches = rankMatches(deps.matching, queryOf(criteria), candidates, MAX_MATCHES).map((m) =>
      matchSummaryOf(m.item, m.probability, m.why),
    );
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
