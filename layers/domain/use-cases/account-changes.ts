import { type Account, type AccountView, accountView, prerequisiteProblems } from '../access/account.ts';
import { type AccountChange, hasLapsed } from '../access/account-change.ts';
import type { Principal } from '../access/principal.ts';
import { assertSeparationOfDuties, withApproved } from '../access/separation-of-duties.ts';
import { auditEventFor, type RequestFacts } from '../audit/event.ts';
import { todayIso } from '../dates.ts';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  RequesterNoLongerAdministratorError,
  ValidationError,
} from '../errors.ts';
import {
  type AccountDeps,
  administeredOrganisation,
  assertRightsFitRoles,
  auditingRefusal,
  followGroups,
  followInIdentityProvider,
} from './accounts.ts';

/**
 * A pending change the administrator may decide: their organisation's, not lapsed, and not their own
 * request (two-person rule, R4). Another organisation's change looks like nothing.
 */
async function decidableChange(
  deps: Pick<AccountDeps, 'directory' | 'env'>,
  administrator: Principal,
  changeId: string,
  concerns: { userId?: string },
): Promise<AccountChange> {
  const change = await deps.directory.getAccountChange(administrator.organisationId, changeId);
  if (!change || hasLapsed(change, deps.env.now())) throw new NotFoundError('Pending account change');
  concerns.userId = change.userId;
  if (change.requestedBy === administrator.userId)
    throw new ForbiddenError(
      'Two-person rule (R4): a second user administrator must decide a change you asked for',
    );
  if (change.userId === administrator.userId)
    throw new ForbiddenError('Nobody may decide a change to their own account');
  return change;
}

/**
 * The two-person rule needs two administrators at the moment of approval: one whose request is approved
 * must still be an active user administrator of the organisation that holds the change. A request left
 * by someone since suspended, terminated or stripped of user-admin is refused (409), not approved.
 */
async function assertRequesterStillAdministers(
  deps: Pick<AccountDeps, 'directory'>,
  change: AccountChange,
): Promise<void> {
  const requester = await deps.directory.getAccount(change.requestedBy);
  if (
    requester?.status !== 'active' ||
    !requester.roles.includes('user-admin') ||
    requester.organisationId !== change.administeredBy
  ) {
    throw new RequesterNoLongerAdministratorError(
      `Two-person rule (R4): ${change.changeId} was asked for by an administrator who is no longer an active user administrator of this organisation; ask for it again if it is still needed`,
    );
  }
}

/**
 * A second administrator approves: the roles and rights are added to the account as it stands now, so
 * separation of duties and the rights-fit-roles rule are checked again against whatever it gained or
 * lost since the request, and the requester must still be an active administrator.
 */
export function approveAccountChange(
  deps: AccountDeps,
  administrator: Principal,
  changeId: string,
  facts: RequestFacts,
): Promise<{ account: Account; view: AccountView }> {
  const concerns: { userId?: string } = {};
  return auditingRefusal(
    deps,
    administrator,
    facts,
    'approve-account-change',
    () => concerns.userId,
    async () => {
      const change = await decidableChange(deps, administrator, changeId, concerns);
      const current = await deps.directory.getAccount(change.userId);
      const organisation =
        current && (await administeredOrganisation(deps, administrator, current.organisationId));
      if (!current || !organisation) throw new NotFoundError('Account');
      if (current.status === 'terminated')
        throw new ConflictError('A terminated account cannot be granted anything');
      await assertRequesterStillAdministers(deps, change);
      const holds = withApproved(
        { roles: current.roles, rights: current.rights ?? [] },
        { roles: change.addRoles, rights: change.addRights },
      );
      assertSeparationOfDuties(holds.roles);
      assertRightsFitRoles(holds.rights, holds.roles);
      const now = deps.env.now();
      const today = todayIso(now);
      const next: Account = {
        ...current,
        roles: holds.roles,
        ...(holds.rights.length > 0 && { rights: holds.rights }),
        // An account created with nothing but roles that needed approval starts to work now.
        status: current.status === 'pending' ? 'active' : current.status,
        version: current.version + 1,
        updatedAt: now.toISOString(),
      };
      if (next.status === 'active' && current.status !== 'active') {
        const problems = prerequisiteProblems(next, today);
        if (problems.length > 0) throw new ValidationError(problems);
      }
      await deps.directory.decideAccountChange(
        change,
        auditEventFor(deps.env, administrator, facts, {
          action: 'approve-account-change',
          outcome: 'success',
          subjectUserId: change.userId,
          note: `approved ${change.changeId} asked for by ${change.requestedBy}: ${[...change.addRoles, ...change.addRights].join(', ')}`,
        }),
        { next, expectedVersion: current.version },
      );
      await followInIdentityProvider(deps, current.status, next.status, next.userId);
      await followGroups(deps, current.roles, next.roles, next.userId);
      return { account: next, view: accountView(next, organisation, today) };
    },
  );
}

/** A second administrator refuses: the change is gone and the account never held it. */
export function refuseAccountChange(
  deps: Pick<AccountDeps, 'directory' | 'audit' | 'env'>,
  administrator: Principal,
  changeId: string,
  facts: RequestFacts,
): Promise<AccountChange> {
  const concerns: { userId?: string } = {};
  return auditingRefusal(
    deps,
    administrator,
    facts,
    'refuse-account-change',
    () => concerns.userId,
    async () => {
      const change = await decidableChange(deps, administrator, changeId, concerns);
      await deps.directory.decideAccountChange(
        change,
        auditEventFor(deps.env, administrator, facts, {
          action: 'refuse-account-change',
          outcome: 'success',
          subjectUserId: change.userId,
          note: `refused ${change.changeId} asked for by ${change.requestedBy}`,
        }),
      );
      return change;
    },
  );
}

/** The changes waiting for a second administrator of the caller's organisation; lapsed ones are left out. */
export async function listAccountChanges(
  deps: Pick<AccountDeps, 'directory' | 'audit' | 'env'>,
  administrator: Principal,
  facts: RequestFacts,
): Promise<AccountChange[]> {
  const now = deps.env.now();
  const changes = await deps.directory.listAccountChanges(administrator.organisationId);
  await deps.audit.record(
    auditEventFor(deps.env, administrator, facts, { action: 'list-account-changes', outcome: 'success' }),
  );
  return changes.filter((c) => !hasLapsed(c, now));
}
