import {
  type Account,
  type AccountPatch,
  type AccountView,
  accountView,
  type GrantAccount,
  mayGrantRoles,
  prerequisiteProblems,
} from '../access/account.ts';
import type { Organisation } from '../access/organisation.ts';
import type { Principal, Right, Role } from '../access/principal.ts';
import { auditEventFor, type RequestFacts } from '../audit/event.ts';
import { todayIso } from '../dates.ts';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../errors.ts';
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
async function administeredOrganisation(
  deps: Pick<AccountDeps, 'directory'>,
  administrator: Principal,
  organisationId: string,
): Promise<Organisation | undefined> {
  const organisation = await deps.directory.getOrganisation(organisationId);
  return organisation?.administeredBy === administrator.organisationId ? organisation : undefined;
}

/** R3: the override right is for people who look at children; anyone else holding it is refused. */
function assertRightsFitRoles(rights: Right[] | undefined, roles: Role[]): void {
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

/** R4: grants an account only when every prerequisite holds, naming what is missing otherwise. */
export async function grantAccount(
  deps: AccountDeps,
  administrator: Principal,
  request: GrantAccount & { organisationId?: string | undefined },
  facts: RequestFacts,
): Promise<{ account: Account; view: AccountView }> {
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
  assertRightsFitRoles(request.rights, request.roles);
  const userId = await deps.identity.createUser({
    email: request.email,
    organisationId,
    roles: request.roles,
  });
  const account: Account = {
    userId,
    email: request.email,
    organisationId,
    roles: request.roles,
    ...(request.rights?.length && { rights: request.rights }),
    status: 'active',
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
  try {
    await deps.directory.createAccount(
      account,
      auditEventFor(deps.env, administrator, facts, {
        action: 'grant-account',
        outcome: 'success',
        subjectUserId: userId,
      }),
    );
  } catch (error) {
    // No sign-in without its account: undo the identity-provider side, then report the failure.
    await deps.identity.deleteUser(userId);
    throw error;
  }
  return { account, view: accountView(account, organisation, today) };
}

const TRANSITIONS: Record<Account['status'], Account['status'][]> = {
  pending: ['active', 'terminated'],
  active: ['suspended', 'terminated'],
  suspended: ['active', 'terminated'],
  terminated: [],
};

/** Suspend, reinstate, terminate, or update vetting dates — never one's own account, never another council's staff. */
export async function updateAccount(
  deps: AccountDeps,
  administrator: Principal,
  userId: string,
  patch: AccountPatch,
  expectedVersion: number | undefined,
  facts: RequestFacts,
): Promise<{ account: Account; view: AccountView }> {
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
  const now = deps.env.now();
  const today = todayIso(now);
  const next: Account = { ...current, ...patch, version: current.version + 1, updatedAt: now.toISOString() };
  assertRightsFitRoles(next.rights, next.roles);
  if (next.status === 'active' && current.status !== 'active') {
    const problems = prerequisiteProblems(next, today);
    if (problems.length > 0) throw new ValidationError(problems);
  }
  await deps.directory.replaceAccount(
    next,
    current.version,
    auditEventFor(deps.env, administrator, facts, {
      action: 'update-account',
      outcome: 'success',
      subjectUserId: userId,
      note: [
        patch.status && `status ${current.status} → ${patch.status}`,
        patch.rights && `rights [${(current.rights ?? []).join(', ')}] → [${patch.rights.join(', ')}]`,
        !patch.status && !patch.rights && 'vetting dates updated',
      ]
        .filter(Boolean)
        .join('; '),
    }),
  );
  await followInIdentityProvider(deps, current.status, next.status, userId);
  return { account: next, view: accountView(next, organisation, today) };
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
