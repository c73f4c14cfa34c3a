import {
  type Account,
  type AccountPatch,
  type AccountView,
  accountView,
  type GrantAccount,
  mayGrantRoles,
  prerequisiteProblems,
} from '../access/account.ts';
import { type AccountChange, accountChangeExpiresAt } from '../access/account-change.ts';
import type { Organisation } from '../access/organisation.ts';
import type { Principal, Right, Role } from '../access/principal.ts';
import { assertSeparationOfDuties, type Holdings, splitByApproval } from '../access/separation-of-duties.ts';
import { type AuditAction, auditEventFor, type RequestFacts } from '../audit/event.ts';
import { todayIso } from '../dates.ts';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  PreconditionFailedError,
  ValidationError,
} from '../errors.ts';
import type { AuditSink, DirectoryRepository, Environment, IdentityAdmin } from '../ports.ts';
import { checkVersion, requireVersion } from './guard.ts';

export interface AccountDeps {
  directory: DirectoryRepository;
  identity: IdentityAdmin;
  audit: AuditSink;
  env: Environment;
  /** Reports a step of the identity provider that failed after the registry changed (the registry still rules). */
  onIdentitySyncFailure?: (step: string, error: unknown) => void;
}

/**
 * An administrator acts only on organisations their own organisation administers: a council on itself
 * and the services in its area, a national partner on its staff. Anything else looks like nothing.
 */
export async function administeredOrganisation(
  deps: Pick<AccountDeps, 'directory'>,
  administrator: Principal,
  organisationId: string,
): Promise<Organisation | undefined> {
  const organisation = await deps.directory.getOrganisation(organisationId);
  return organisation?.administeredBy === administrator.organisationId ? organisation : undefined;
}

/** R3: the override right is for people who look at children; anyone else holding it is refused. */
export function assertRightsFitRoles(rights: Right[] | undefined, roles: Role[]): void {
  if (
    rights?.includes('child-protection-override') &&
    !roles.some((r) => r === 'practitioner' || r === 'data-manager')
  ) {
    throw new ValidationError([
      {
        field: 'rights',
        message: 'child-protection-override is only for practitioners and data managers (R3)',
      },
    ]);
  }
}

/**
 * R6: a refused administrative step is evidence too. Runs `step`; when it is refused (not permitted, not
 * found, invalid, conflicting) the refusal is audited with what was refused — never child data — and
 * the error goes on to the caller.
 */
export async function auditingRefusal<T>(
  deps: Pick<AccountDeps, 'audit' | 'env'>,
  administrator: Principal,
  facts: RequestFacts,
  action: AuditAction,
  /** The account concerned, once known (a pending change names it only after it is read). */
  subject: () => string | undefined,
  step: () => Promise<T>,
): Promise<T> {
  try {
    return await step();
  } catch (error) {
    const outcome =
      error instanceof NotFoundError
        ? 'not-found'
        : error instanceof ForbiddenError || error instanceof ValidationError
          ? 'denied'
          : error instanceof ConflictError || error instanceof PreconditionFailedError
            ? 'conflict'
            : undefined;
    if (outcome === undefined) throw error;
    const subjectUserId = subject();
    await deps.audit.record(
      auditEventFor(deps.env, administrator, facts, {
        action,
        outcome,
        ...(subjectUserId && { subjectUserId }),
        note: (error as Error).message.slice(0, 500),
      }),
    );
    throw error;
  }
}

/** The change that waits for a second administrator, if the split left anything waiting. */
function awaitingChange(
  administrator: Principal,
  account: Pick<Account, 'userId' | 'email' | 'organisationId'>,
  awaiting: { roles: Role[]; rights: Right[] },
  deps: Pick<AccountDeps, 'env'>,
): AccountChange | undefined {
  if (awaiting.roles.length === 0 && awaiting.rights.length === 0) return undefined;
  const now = deps.env.now();
  return {
    changeId: deps.env.newId('CHG'),
    userId: account.userId,
    email: account.email,
    organisationId: account.organisationId,
    administeredBy: administrator.organisationId,
    addRoles: awaiting.roles,
    addRights: awaiting.rights,
    requestedBy: administrator.userId,
    requestedAt: now.toISOString(),
    expiresAt: accountChangeExpiresAt(now),
  };
}

/** How a change that waits is described in the audit trail (no personal data: roles and rights only). */
function describeAwaiting(change: AccountChange): string {
  return `awaiting a second administrator (${change.changeId}): ${[...change.addRoles, ...change.addRights].join(', ')}`;
}

/**
 * R4: grants an account only when every prerequisite holds, naming what is missing otherwise. Roles
 * that must stay apart are refused; data-manager, auditor and the override right wait for a second
 * administrator (the account is created without them, `pending` if nothing else was asked for).
 */
export function grantAccount(
  deps: AccountDeps,
  administrator: Principal,
  request: GrantAccount & { organisationId?: string | undefined },
  facts: RequestFacts,
): Promise<{ account: Account; view: AccountView; awaiting?: AccountChange | undefined }> {
  return auditingRefusal(
    deps,
    administrator,
    facts,
    'grant-account',
    () => undefined,
    () => grant(deps, administrator, request, facts),
  );
}

async function grant(
  deps: AccountDeps,
  administrator: Principal,
  request: GrantAccount & { organisationId?: string | undefined },
  facts: RequestFacts,
): Promise<{ account: Account; view: AccountView; awaiting?: AccountChange | undefined }> {
  const organisationId = request.organisationId ?? administrator.organisationId;
  const organisation = await administeredOrganisation(deps, administrator, organisationId);
  if (!organisation)
    throw new ForbiddenError('You may grant accounts only for organisations your organisation administers');
  const now = deps.env.now();
  const today = todayIso(now);
  const problems = prerequisiteProblems(request, today);
  if (!organisation.accredited)
    problems.push({ field: 'organisationId', message: 'is not accredited for ContactPoint (R4)' });
  if (problems.length > 0) throw new ValidationError(problems);
  if (!mayGrantRoles(administrator.roles, request.roles)) {
    throw new ForbiddenError('Nobody may grant a role above their own');
  }
  assertSeparationOfDuties(request.roles);
  assertRightsFitRoles(request.rights, request.roles);
  const split = splitByApproval(
    { roles: [], rights: [] },
    { roles: request.roles, rights: request.rights ?? [] },
  );
  const userId = await deps.identity.createUser({
    email: request.email,
    organisationId,
    roles: split.now.roles,
  });
  const account: Account = {
    userId,
    email: request.email,
    organisationId,
    roles: split.now.roles,
    ...(split.now.rights.length > 0 && { rights: split.now.rights }),
    // Nothing to use until a second administrator approves: pending says so to the holder.
    status: split.now.roles.length > 0 ? 'active' : 'pending',
    authorisedBy: request.authorisedBy,
    dbsCertificateDate: request.dbsCertificateDate,
    trainingCompletedOn: request.trainingCompletedOn,
    agreementSignedOn: request.agreementSignedOn,
    mfaEnrolled: request.mfaEnrolled,
    grantedBy: administrator.userId,
    version: 1,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
  const awaiting = awaitingChange(administrator, account, split.awaiting, deps);
  try {
    await deps.directory.createAccount(
      account,
      auditEventFor(deps.env, administrator, facts, {
        action: awaiting ? 'request-account-change' : 'grant-account',
        outcome: awaiting ? 'awaiting-agreement' : 'success',
        subjectUserId: userId,
        note: `granted [${[...split.now.roles, ...split.now.rights].join(', ')}]${awaiting ? `; ${describeAwaiting(awaiting)}` : ''}`,
      }),
      awaiting,
    );
  } catch (error) {
    // No sign-in without its account: undo the identity-provider side, then report the failure.
    await deps.identity.deleteUser(userId);
    throw error;
  }
  return { account, view: accountView(account, organisation, today, awaiting), awaiting };
}

const TRANSITIONS: Record<Account['status'], Account['status'][]> = {
  pending: ['active', 'terminated'],
  active: ['suspended', 'terminated'],
  suspended: ['active', 'terminated'],
  terminated: [],
};

/**
 * Suspend, reinstate, terminate, update vetting dates, or change roles and rights — never one's own
 * account, never another council's staff. Roles that must stay apart are refused; additions that need a
 * second administrator wait for one, the rest of the change takes effect at once.
 */
export function updateAccount(
  deps: AccountDeps,
  administrator: Principal,
  userId: string,
  patch: AccountPatch,
  expectedVersion: number | undefined,
  facts: RequestFacts,
): Promise<{ account: Account; view: AccountView; awaiting?: AccountChange | undefined }> {
  return auditingRefusal(
    deps,
    administrator,
    facts,
    'update-account',
    () => userId,
    () => update(deps, administrator, userId, patch, expectedVersion, facts),
  );
}

async function update(
  deps: AccountDeps,
  administrator: Principal,
  userId: string,
  patch: AccountPatch,
  expectedVersion: number | undefined,
  facts: RequestFacts,
): Promise<{ account: Account; view: AccountView; awaiting?: AccountChange | undefined }> {
  const version = requireVersion(expectedVersion);
  const current = await deps.directory.getAccount(userId);
  const organisation =
    current && (await administeredOrganisation(deps, administrator, current.organisationId));
  if (!current || !organisation) throw new NotFoundError('Account');
  if (current.userId === administrator.userId)
    throw new ForbiddenError('Nobody may change their own account');
  checkVersion(version, current.version);
  if (
    patch.status &&
    patch.status !== current.status &&
    !TRANSITIONS[current.status].includes(patch.status)
  ) {
    throw new ConflictError(`A ${current.status} account cannot become ${patch.status}`);
  }
  const held: Holdings = { roles: current.roles, rights: current.rights ?? [] };
  const requested: Holdings = { roles: patch.roles ?? held.roles, rights: patch.rights ?? held.rights };
  if (patch.roles && !mayGrantRoles(administrator.roles, patch.roles)) {
    throw new ForbiddenError('Nobody may grant a role above their own');
  }
  assertSeparationOfDuties(requested.roles);
  assertRightsFitRoles([...requested.rights], [...requested.roles]);
  const split = splitByApproval(held, requested);
  const now = deps.env.now();
  const today = todayIso(now);
  const { roles: _roles, rights: _rights, ...rest } = patch;
  const next: Account = {
    ...current,
    ...rest,
    roles: split.now.roles,
    rights: split.now.rights,
    version: current.version + 1,
    updatedAt: now.toISOString(),
  };
  if (next.rights?.length === 0) delete next.rights;
  if (next.status === 'active' && current.status !== 'active') {
    const problems = prerequisiteProblems(next, today);
    if (problems.length > 0) throw new ValidationError(problems);
  }
  const awaiting = awaitingChange(administrator, current, split.awaiting, deps);
  await deps.directory.replaceAccount(
    next,
    current.version,
    auditEventFor(deps.env, administrator, facts, {
      action: awaiting ? 'request-account-change' : 'update-account',
      outcome: awaiting ? 'awaiting-agreement' : 'success',
      subjectUserId: userId,
      note: [
        patch.status && `status ${current.status} → ${patch.status}`,
        patch.roles && `roles [${held.roles.join(', ')}] → [${split.now.roles.join(', ')}]`,
        patch.rights && `rights [${held.rights.join(', ')}] → [${split.now.rights.join(', ')}]`,
        awaiting && describeAwaiting(awaiting),
        !patch.status && !patch.roles && !patch.rights && 'vetting dates updated',
      ]
        .filter(Boolean)
        .join('; '),
    }),
    awaiting,
  );
  await followInIdentityProvider(deps, current.status, next.status, userId);
  await followGroups(deps, current.roles, next.roles, userId);
  return { account: next, view: accountView(next, organisation, today, awaiting), awaiting };
}

/** Cognito groups follow the roles the registry holds (the registry still rules); a failure is reported. */
export async function followGroups(
  deps: Pick<AccountDeps, 'identity' | 'onIdentitySyncFailure'>,
  before: readonly Role[],
  after: readonly Role[],
  userId: string,
): Promise<void> {
  const added = after.filter((r) => !before.includes(r));
  const removed = before.filter((r) => !after.includes(r));
  try {
    if (added.length > 0) await deps.identity.addToGroups(userId, added);
    if (removed.length > 0) await deps.identity.removeFromGroups(userId, removed);
  } catch (error) {
    deps.onIdentitySyncFailure?.('groups', error);
  }
}

/**
 * The registry has already stopped (or restored) access; the identity provider follows, so a suspended
 * user also cannot sign in again and loses their sessions. A failure here is reported, not fatal.
 */
export async function followInIdentityProvider(
  deps: Pick<AccountDeps, 'identity' | 'onIdentitySyncFailure'>,
  before: Account['status'],
  after: Account['status'],
  userId: string,
): Promise<void> {
  const steps: [string, () => Promise<void>][] =
    after === 'suspended' || after === 'terminated'
      ? [
          ['disable', () => deps.identity.disableUser(userId)],
          ['revoke sessions', () => deps.identity.revokeSessions(userId)],
        ]
      : after === 'active' && before !== 'active'
        ? [['enable', () => deps.identity.enableUser(userId)]]
        : [];
  for (const [step, run] of steps) {
    try {
      await run();
    } catch (error) {
      deps.onIdentitySyncFailure?.(step, error);
    }
  }
}

export async function listAccounts(
  deps: Pick<AccountDeps, 'directory' | 'audit' | 'env'>,
  administrator: Principal,
  query: { organisationId?: string | undefined; status?: Account['status'] | undefined },
  facts: RequestFacts,
): Promise<AccountView[]> {
  const organisationId = query.organisationId ?? administrator.organisationId;
  const organisation = await administeredOrganisation(deps, administrator, organisationId);
  if (!organisation)
    throw new ForbiddenError('You may list accounts only of organisations your organisation administers');
  const accounts = await deps.directory.listAccounts(organisationId, query.status);
  await deps.audit.record(
    auditEventFor(deps.env, administrator, facts, { action: 'list-accounts', outcome: 'success' }),
  );
  const today = todayIso(deps.env.now());
  return accounts.map((a) => accountView(a, organisation, today));
}

export async function viewOwnAccount(
  deps: Pick<AccountDeps, 'directory' | 'env'>,
  principal: Principal,
): Promise<{ account: Account; view: AccountView }> {
  const account = await deps.directory.getAccount(principal.userId);
  if (!account) throw new NotFoundError('Account');
  const organisation = await deps.directory.getOrganisation(account.organisationId);
  return { account, view: accountView(account, organisation, todayIso(deps.env.now())) };
}
