import type { Principal } from '../access/principal.ts';
import { auditEventFor, type RequestFacts } from '../audit/event.ts';
import { applyPatch, type ChildRecord } from '../child/record.ts';
import type { ChildFields, ChildPatch } from '../child/schema.ts';
import { assertPlausibleBirthDate } from '../child/validate.ts';
import { todayIso } from '../dates.ts';
import { childViewFor } from '../disclosure/view.ts';
import type { ChildView } from '../disclosure/view-schema.ts';
import { ConflictError, DuplicateIdentifierError, ForbiddenError, ValidationError } from '../errors.ts';
import type { Dependencies } from '../ports.ts';
import type { ShieldRequest, UnshieldRequest } from '../shield/schema.ts';
import { isMaintainingTeam, isShieldingTeam } from '../shield/teams.ts';
import { checkVersion, loadForChange, refuse, requireVersion } from './guard.ts';

type Deps = Pick<Dependencies, 'children' | 'audit' | 'env'>;
type ChangeDeps = Pick<Dependencies, 'children' | 'involvements' | 'audit' | 'env'>;

/**
 * A change that answers with the record as the caller may now see it. The answer is a read (R6, R10):
 * its disclosure level goes on the change's audit event, as for a view, and the route counts against
 * the per-user view limit, so a write cannot be used to read past what oversight sees.
 */
export interface ChangedChild {
  record: ChildRecord;
  view: ChildView;
}

/** The view the caller will receive of `next`, and the audit disclosure that records it. */
async function disclosed(
  deps: Pick<Dependencies, 'involvements'>,
  principal: Principal,
  next: ChildRecord,
): Promise<{ view: ChildView; disclosure: Record<string, ChildView['disclosure']> }> {
  const view = childViewFor(next, await deps.involvements.listForChild(next.childId), principal);
  return { view, disclosure: { [next.childId]: view.disclosure } };
}

/**
 * R3/R8: an NHS number or UPN already held by another record refuses the change (409), so no create or
 * correction can make a second — possibly unshielded — record of a child. The refusal is audited against
 * the record that holds the identifier, so its auditors see the attempt; the caller learns nothing of it.
 */
async function refusingDuplicates(
  deps: Deps,
  principal: Principal,
  facts: RequestFacts,
  attempt: { action: 'create-child' | 'update-child'; childIds: string[] },
  write: () => Promise<void>,
): Promise<void> {
  try {
    await write();
  } catch (error) {
    if (!(error instanceof DuplicateIdentifierError)) throw error;
    const childIds = [...attempt.childIds, ...(error.heldBy ? [error.heldBy] : [])];
    return refuse(deps, principal, facts, attempt.action, childIds, error);
  }
}

/** A council's ContactPoint team creates a record in its own area. */
export async function createChild(
  deps: Deps,
  principal: Principal,
  fields: ChildFields,
  facts: RequestFacts,
): Promise<ChildRecord> {
  if (!principal.localAuthority || !principal.localAuthorityName) {
    return refuse(
      deps,
      principal,
      facts,
      'create-child',
      [],
      new ForbiddenError('Only a council ContactPoint team creates records'),
    );
  }
  const now = deps.env.now();
  assertPlausibleBirthDate(fields.dateOfBirth, now);
  const record: ChildRecord = {
    ...fields,
    childId: deps.env.newChildId(),
    localAuthority: principal.localAuthority,
    localAuthorityName: principal.localAuthorityName,
    version: 1,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
  await refusingDuplicates(deps, principal, facts, { action: 'create-child', childIds: [] }, () =>
    deps.children.create(
      record,
      auditEventFor(deps.env, principal, facts, {
        action: 'create-child',
        outcome: 'success',
        childIds: [record.childId],
      }),
    ),
  );
  return record;
}

/** A correction, guarded by If-Match; the audit event commits in the same transaction (R6). */
export async function updateChild(
  deps: ChangeDeps,
  principal: Principal,
  childId: string,
  patch: ChildPatch,
  expectedVersion: number | undefined,
  facts: RequestFacts,
): Promise<ChangedChild> {
  const version = requireVersion(expectedVersion);
  const record = await loadForChange(deps, principal, facts, 'update-child', childId);
  checkVersion(version, record.version);
  const now = deps.env.now();
  if (patch.dateOfBirth !== undefined) assertPlausibleBirthDate(patch.dateOfBirth, now);
  const next = applyPatch(record, patch, now.toISOString());
  const { view, disclosure } = await disclosed(deps, principal, next);
  await refusingDuplicates(deps, principal, facts, { action: 'update-child', childIds: [childId] }, () =>
    deps.children.replace(
      record,
      next,
      auditEventFor(deps.env, principal, facts, {
        action: 'update-child',
        outcome: 'success',
        childIds: [childId],
        disclosure,
      }),
    ),
  );
  return { record: next, view };
}

/**
 * R3: shields a record. Its search keys move to the shielded scope and lose every key built from a
 * hidden field, in the same transaction as the record and the audit event. Shielding never waits: any
 * council's ContactPoint team may shield at once (a family may flee to another area); the maintaining
 * council keeps the record, and only the shielding team changes the shield afterwards (decision 0004).
 */
export async function shieldChild(
  deps: ChangeDeps,
  principal: Principal,
  childId: string,
  request: ShieldRequest,
  facts: RequestFacts,
): Promise<ChangedChild> {
  const { localAuthority, localAuthorityName } = principal;
  if (!localAuthority || !localAuthorityName) {
    return refuse(
      deps,
      principal,
      facts,
      'shield-child',
      [childId],
      new ForbiddenError('Only a council ContactPoint team shields records'),
    );
  }
  const now = deps.env.now();
  if (request.reviewDate <= todayIso(now)) {
    throw new ValidationError([{ field: 'reviewDate', message: 'must be in the future' }]);
  }
  const record = await loadForChange(deps, principal, facts, 'shield-child', childId, (r) =>
    r.shield ? isShieldingTeam(principal, r) : true,
  );
  const next: ChildRecord = {
    ...record,
    shield: {
      reason: request.reason,
      ...(request.reasonText !== undefined && { reasonText: request.reasonText }),
      reviewDate: request.reviewDate,
      authority: localAuthority,
      authorityName: localAuthorityName,
      organisationId: principal.organisationId,
      shieldedBy: principal.userId,
      shieldedAt: now.toISOString(),
    },
    version: record.version + 1,
    updatedAt: now.toISOString(),
  };
  const { view, disclosure } = await disclosed(deps, principal, next);
  await deps.children.replace(
    record,
    next,
    auditEventFor(deps.env, principal, facts, {
      action: 'shield-child',
      outcome: 'success',
      childIds: [childId],
      disclosure,
      note: [request.reason, request.reasonText].filter(Boolean).join(': '),
    }),
  );
  return { record: next, view };
}

/**
 * R3: lifting a shield needs the shielding team. Where another council maintains the record, both teams
 * must agree: the first to ask is recorded (the record stays shielded), the other's request lifts it.
 * Nobody else may touch it. Each step is audited with its reason.
 */
export async function unshieldChild(
  deps: ChangeDeps,
  principal: Principal,
  childId: string,
  request: UnshieldRequest,
  facts: RequestFacts,
): Promise<ChangedChild> {
  const record = await loadForChange(
    deps,
    principal,
    facts,
    'unshield-child',
    childId,
    (r) => isShieldingTeam(principal, r) || isMaintainingTeam(principal, r),
  );
  const shield = record.shield;
  if (!shield) {
    return refuse(
      deps,
      principal,
      facts,
      'unshield-child',
      [childId],
      new ConflictError('The record is not shielded'),
    );
  }
  const now = deps.env.now().toISOString();
  const teams = new Set([shield.authority, record.localAuthority]);
  const agreed = new Set([...(shield.liftAgreedBy ? [shield.liftAgreedBy] : []), principal.localAuthority]);
  const allAgree = [...teams].every((team) => agreed.has(team));
  const { shield: _lifted, ...unshielded } = record;
  const next: ChildRecord = {
    ...(allAgree
      ? unshielded
      : {
          ...record,
          shield: {
            ...shield,
            liftAgreedBy: principal.localAuthority,
            liftAgreedByName: principal.localAuthorityName,
          },
        }),
    version: record.version + 1,
    updatedAt: now,
  };
  const { view, disclosure } = await disclosed(deps, principal, next);
  await deps.children.replace(
    record,
    next,
    auditEventFor(deps.env, principal, facts, {
      action: 'unshield-child',
      outcome: allAgree ? 'success' : 'awaiting-agreement',
      childIds: [childId],
      disclosure,
      note: request.reasonText,
    }),
  );
  return { record: next, view };
}
