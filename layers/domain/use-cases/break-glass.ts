import { isPermitted } from '../access/permissions.ts';
import type { Principal } from '../access/principal.ts';
import type { AccessReason } from '../access/reasons.ts';
import { auditEventFor, type RequestFacts } from '../audit/event.ts';
import { overrideViewFor } from '../disclosure/view.ts';
import { OVERRIDE_WARNING, type OverrideView } from '../disclosure/view-schema.ts';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../errors.ts';
import type { AuditLog, ChildRepository, Environment, InvolvementRepository } from '../ports.ts';
import { seesThroughShield } from '../shield/teams.ts';
import { refuse } from './guard.ts';

/** How long the confirmation of a warning may be used, once. */
export const CONFIRMATION_MINUTES = 5;

type Deps = {
  children: Pick<ChildRepository, 'get'>;
  involvements: Pick<InvolvementRepository, 'listForChild'>;
  audit: AuditLog;
  env: Environment;
};

/**
 * The same refusal for everyone the permission table refuses (no override right): it says nothing about
 * the child or the shield. The HTTP layer refuses them first; the domain does not rely on it.
 */
async function requireOverrideRight(deps: Deps, principal: Principal, facts: RequestFacts, childId: string) {
  if (isPermitted(principal, 'override-shield')) return;
  await refuse(
    deps,
    principal,
    facts,
    'override-warning',
    [childId],
    new ForbiddenError('Your account does not hold the child-protection override right'),
  );
}

/**
 * R3 break-glass, step one: the holder of the override right is warned that an investigation will follow
 * and given a one-use confirmation. The warning is itself an audit event; its ID is the confirmation.
 */
export async function warnBeforeOverride(
  deps: Deps,
  principal: Principal,
  childId: string,
  facts: RequestFacts,
): Promise<{ warning: string; confirmation: string; expiresAt: string }> {
  await requireOverrideRight(deps, principal, facts, childId);
  const record = await deps.children.get(childId);
  if (!record)
    return refuse(deps, principal, facts, 'override-warning', [childId], new NotFoundError('Child'));
  if (!record.shield || seesThroughShield(record, principal)) {
    return refuse(
      deps,
      principal,
      facts,
      'override-warning',
      [childId],
      new ConflictError('Nothing is shielded from you on this record: view it as usual'),
    );
  }
  const warning = auditEventFor(deps.env, principal, facts, {
    action: 'override-warning',
    outcome: 'success',
    childIds: [childId],
  });
  await deps.audit.record(warning);
  const expiresAt = new Date(Date.parse(warning.at) + CONFIRMATION_MINUTES * 60_000).toISOString();
  return { warning: OVERRIDE_WARNING, confirmation: warning.eventId, expiresAt };
}

/**
 * R3 break-glass, step two: with the confirmation (once, by the same user, for the same child, within
 * minutes), a reason code and written justification, the full record for this one view. The view's
 * audit event takes an ID derived from the confirmation and is written only if none exists, so the
 * confirmation cannot serve twice; the record stays shielded for everyone, this user included. The
 * misuse rules on the audit stream alert the shielding council's auditors at once.
 */
export async function viewWithOverride(
  deps: Deps,
  principal: Principal,
  childId: string,
  request: { confirmation: string; reason: AccessReason },
  facts: RequestFacts,
): Promise<OverrideView> {
  await requireOverrideRight(deps, principal, facts, childId);
  const refuseView = (error: Error) => refuse(deps, principal, facts, 'override-view', [childId], error);
  if (!request.reason.text) {
    throw new ValidationError([{ field: 'reasonText', message: 'is required to break a shield (R3)' }]);
  }
  const warning = await deps.audit.find(request.confirmation);
  const now = deps.env.now();
  const fresh =
    warning?.action === 'override-warning' &&
    warning.actorId === principal.userId &&
    warning.childIds[0] === childId &&
    now.getTime() - Date.parse(warning.at) <= CONFIRMATION_MINUTES * 60_000;
  if (!fresh) {
    return refuseView(
      new ConflictError('The confirmation is not valid for this child any more: ask for a new warning'),
    );
  }
  const [record, involvements] = await Promise.all([
    deps.children.get(childId),
    deps.involvements.listForChild(childId),
  ]);
  if (!record) return refuseView(new NotFoundError('Child'));
  const view = overrideViewFor(record, involvements, principal);
  const recorded = await deps.audit.recordOnce({
    ...auditEventFor(deps.env, principal, facts, {
      action: 'override-view',
      outcome: 'success',
      childIds: [childId],
      reason: request.reason,
      disclosure: { [childId]: 'override' },
    }),
    eventId: `${request.confirmation}-USED`,
  });
  if (!recorded)
    return refuseView(new ConflictError('This confirmation has been used: ask for a new warning'));
  return view;
}
