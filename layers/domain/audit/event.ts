import type { RefusalReason } from '../access/account.ts';
import type { Role } from '../access/principal.ts';
import type { AccessReason } from '../access/reasons.ts';
import type { DisclosureLevel } from '../disclosure/view-schema.ts';
import type { SearchCriteria } from '../search/criteria.ts';

export type AuditAction =
  | 'search-children'
  | 'view-child'
  | 'create-child'
  | 'update-child'
  | 'register-involvement'
  | 'update-involvement'
  | 'shield-child'
  | 'unshield-child'
  | 'grant-account'
  | 'update-account'
  /** R4 two-person rule: a grant that waits for a second administrator, and that administrator's decision. */
  | 'request-account-change'
  | 'approve-account-change'
  | 'refuse-account-change'
  | 'list-account-changes'
  | 'list-accounts'
  | 'view-own-account'
  | 'suspend-expired-account'
  | 'read-audit-trail'
  | 'subject-access-report'
  | 'request-contact'
  | 'broker-contact'
  | 'override-shield'
  | 'override-warning'
  | 'override-view';

/** `awaiting-agreement`: one of two teams has agreed to a step that needs both (lifting a cross-council shield). */
export type AuditOutcome =
  | 'success'
  | 'awaiting-agreement'
  | 'no-match'
  | 'too-many-matches'
  | 'denied'
  | 'not-found'
  | 'conflict'
  | 'rate-limited';

/**
 * R6: who did what to which children, why, what they were shown, and how it ended. Search criteria are
 * kept here (the audit store is encrypted and append-only) and never in logs.
 */
export interface AuditEvent {
  eventId: string;
  at: string;
  actorId: string;
  organisationId: string;
  roles: Role[];
  action: AuditAction;
  childIds: string[];
  /** Per child: what the actor was shown (search results count as `match-summary`). */
  disclosure?: Record<string, DisclosureLevel | 'match-summary'> | undefined;
  reason?: AccessReason | undefined;
  outcome: AuditOutcome;
  criteria?: SearchCriteria | undefined;
  involvementId?: string | undefined;
  /** The account an administrative action concerned (R4, R6). */
  subjectUserId?: string | undefined;
  /** Why R4 or the permission table refused the request (codes only, no child data). */
  refusalReasons?: RefusalReason[] | undefined;
  /** Free text an action carries, e.g. the grounds for shielding or unshielding (R3). */
  note?: string | undefined;
  requestId: string;
  sourceIp: string;
}

/** The request facts every audit event needs, gathered once by the HTTP layer. */
export interface RequestFacts {
  requestId: string;
  sourceIp: string;
}

/** Builds an event with the facts every event shares; the caller adds what is specific. */
export function auditEventFor(
  env: { now(): Date; newId(prefix: string): string },
  actor: { userId: string; organisationId: string; roles: Role[] },
  facts: RequestFacts,
  fields: Pick<AuditEvent, 'action' | 'outcome'> & Partial<AuditEvent>,
): AuditEvent {
  return {
    eventId: env.newId('EV'),
    at: env.now().toISOString(),
    actorId: actor.userId,
    organisationId: actor.organisationId,
    roles: actor.roles,
    childIds: [],
    requestId: facts.requestId,
    sourceIp: facts.sourceIp,
    ...fields,
  };
}
