import * as z from 'zod';
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
  /** R10: an auditor lists their organisation's misuse alerts, or records the outcome of one. */
  | 'list-misuse-alerts'
  | 'review-misuse-alert'
  | 'subject-access-report'
  | 'request-contact'
  | 'broker-contact'
  | 'override-shield'
  | 'override-warning'
  | 'override-view'
  /** R8: a ContactPoint team works its review queue of feed rows, and splits a wrongly merged row off a child. */
  | 'list-reviews'
  | 'decide-review'
  | 'split-child-source'
  | 'list-child-sources'
  /** R7: consent to stay until 25 recorded or withdrawn, a death notice recorded (the ContactPoint team). */
  | 'record-retention-consent'
  | 'withdraw-retention-consent'
  | 'record-death-notice'
  /** R7: a record archived on its leaving day, and its archive destroyed six years on (the retention job). */
  | 'archive-child'
  | 'purge-archived-child'
  /** R7: an auditor reads an archived record for an investigation. */
  | 'read-archived-child'
  /** R9: a user reads their own inbox (the children its alerts name are recorded), marks one read, sets the digest. */
  | 'list-own-alerts'
  | 'mark-alert-read'
  | 'view-alert-preferences'
  | 'update-alert-preferences'
  /** A practitioner lists the involvements they recorded (their caseload); the children named are recorded. */
  | 'list-own-involvements';

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

/**
 * What a stored item must hold to be sealed as an audit event (R6): the fields every event carries.
 * Deliberately not strict — an event with a field added later is still an audit event and is sealed
 * as stored; an item without these is a poison event, counted, left unsealed and named by the verifier.
 */
export const StoredAuditEventSchema = z.looseObject({
  eventId: z.string().min(1),
  at: z.iso.datetime(),
  actorId: z.string(),
  organisationId: z.string(),
  roles: z.array(z.string()),
  action: z.string().min(1),
  childIds: z.array(z.string()),
  outcome: z.string().min(1),
});

/** The item as an audit event, or undefined when it is not one. */
export function readAuditEvent(item: unknown): AuditEvent | undefined {
  return StoredAuditEventSchema.safeParse(item).success ? (item as AuditEvent) : undefined;
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
  // No empty disclosure map: a DynamoDB stream cannot carry one back, and the sealer would stall on the event.
  const { disclosure, ...rest } = fields;
  return {
    eventId: env.newId('EV'),
    at: env.now().toISOString(),
    actorId: actor.userId,
    organisationId: actor.organisationId,
    roles: actor.roles,
    childIds: [],
    requestId: facts.requestId,
    sourceIp: facts.sourceIp,
    ...rest,
    ...(disclosure && Object.keys(disclosure).length > 0 && { disclosure }),
  };
}
