import type { Principal } from '../access/principal.ts';
import { hasRole } from '../access/principal.ts';
import { auditEventFor, type RequestFacts } from '../audit/event.ts';
import { todayIso } from '../dates.ts';
import { hiddenFromViewer } from '../disclosure/view.ts';
import { ForbiddenError, LeadProfessionalHeldError, NotFoundError, ValidationError } from '../errors.ts';
import {
  type Involvement,
  type InvolvementPatch,
  type InvolvementRequest,
  isActive,
} from '../involvement/schema.ts';
import type { Dependencies } from '../ports.ts';
import { checkVersion, loadForChange, maintainsRecord, refuse, requireVersion } from './guard.ts';

type Deps = Pick<Dependencies, 'children' | 'involvements' | 'audit' | 'env'>;

/**
 * Only one active lead professional per child that the caller can know of: marking a new one clears the
 * others in the same transaction. Another organisation's sensitive involvement does not exist for the
 * caller (R2), so it neither blocks nor is cleared: its lead can stand beside a visible one.
 */
function otherLeads(all: Involvement[], except: string, today: string, caller: Principal): Involvement[] {
  return all.filter(
    (i) =>
      i.involvementId !== except && i.leadProfessional && isActive(i, today) && !hiddenFromViewer(i, caller),
  );
}

/**
 * R8: the leads a new lead clears. A caller clears only its own organisation's leads; another
 * organisation's lead is refused (409 lead-professional-held, audited, naming no one), because one
 * organisation must not change another's involvement. The record's ContactPoint team, which corrects
 * the record for everyone, may move the lead between organisations.
 */
async function leadsToClear(
  deps: Deps,
  principal: Principal,
  facts: RequestFacts,
  action: 'register-involvement' | 'update-involvement',
  childId: string,
  except: string,
  today: string,
  mayMoveBetweenOrganisations: boolean,
): Promise<Involvement[]> {
  const others = otherLeads(await deps.involvements.listForChild(childId), except, today, principal);
  if (!mayMoveBetweenOrganisations && others.some((i) => i.organisationId !== principal.organisationId)) {
    return refuse(
      deps,
      principal,
      facts,
      action,
      [childId],
      new LeadProfessionalHeldError(),
      'lead-professional-held: another organisation holds the lead',
    );
  }
  return others;
}

/** A practitioner records their own involvement with a child, for their own organisation. */
export async function registerInvolvement(
  deps: Deps,
  principal: Principal,
  childId: string,
  request: InvolvementRequest,
  facts: RequestFacts,
): Promise<Involvement> {
  // Anyone permitted to register may do so on any record, shielded or not: they see only their own entry.
  await loadForChange(deps, principal, facts, 'register-involvement', childId, () => true);
  const now = deps.env.now();
  const involvement: Involvement = {
    ...request,
    involvementId: deps.env.newId('INV'),
    childId,
    organisationId: principal.organisationId,
    organisationName: principal.organisationName,
    recordedBy: principal.userId,
    version: 1,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
  const clearLeadOn = involvement.leadProfessional
    ? await leadsToClear(
        deps,
        principal,
        facts,
        'register-involvement',
        childId,
        involvement.involvementId,
        todayIso(now),
        false,
      )
    : [];
  await deps.involvements.create(
    involvement,
    auditEventFor(deps.env, principal, facts, {
      action: 'register-involvement',
      outcome: 'success',
      childIds: [childId],
      involvementId: involvement.involvementId,
    }),
    clearLeadOn,
  );
  return involvement;
}

/**
 * End an involvement, or mark it lead professional or assessment completed. The practitioner who
 * recorded it or the record's ContactPoint team may; a sensitive involvement of another organisation
 * does not exist as far as the caller can tell (R2).
 */
export async function updateInvolvement(
  deps: Deps,
  principal: Principal,
  childId: string,
  involvementId: string,
  patch: InvolvementPatch,
  expectedVersion: number | undefined,
  facts: RequestFacts,
): Promise<Involvement> {
  const version = requireVersion(expectedVersion);
  const record = await loadForChange(deps, principal, facts, 'update-involvement', childId, () => true);
  const current = await deps.involvements.get(childId, involvementId);
  if (!current || hiddenFromViewer(current, principal)) {
    return refuse(deps, principal, facts, 'update-involvement', [childId], new NotFoundError('Involvement'));
  }
  const mayChange =
    current.recordedBy === principal.userId ||
    (hasRole(principal, 'data-manager') && maintainsRecord(principal, record)) ||
    // A case management system keeps its own organisation's involvements up to date (R8).
    (principal.machineClientId !== undefined && current.organisationId === principal.organisationId);
  if (!mayChange) {
    return refuse(
      deps,
      principal,
      facts,
      'update-involvement',
      [childId],
      new ForbiddenError(
        'Only the practitioner who recorded this involvement or the ContactPoint team may change it',
      ),
    );
  }
  checkVersion(version, current.version);
  const now = deps.env.now();
  const next: Involvement = {
    ...current,
    ...patch,
    version: current.version + 1,
    updatedAt: now.toISOString(),
  };
  if (next.endDate !== undefined && next.endDate < next.startDate) {
    throw new ValidationError([{ field: 'endDate', message: 'is before the start date' }]);
  }
  if (patch.leadProfessional && !isActive(next, todayIso(now))) {
    throw new ValidationError([
      { field: 'leadProfessional', message: 'an ended involvement cannot be the lead professional' },
    ]);
  }
  if (next.endDate !== undefined && !isActive(next, todayIso(now))) next.leadProfessional = false;
  const clearLeadOn = patch.leadProfessional
    ? await leadsToClear(
        deps,
        principal,
        facts,
        'update-involvement',
        childId,
        involvementId,
        todayIso(now),
        hasRole(principal, 'data-manager') && maintainsRecord(principal, record),
      )
    : [];
  await deps.involvements.update(
    next,
    current.version,
    auditEventFor(deps.env, principal, facts, {
      action: 'update-involvement',
      outcome: 'success',
      childIds: [childId],
      involvementId,
    }),
    clearLeadOn,
  );
  return next;
}
