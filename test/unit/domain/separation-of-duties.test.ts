import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Account, AccountPatch, GrantAccount } from '#domain/access/account.ts';
import type { Principal, Right, Role } from '#domain/access/principal.ts';
import {
  assertSeparationOfDuties,
  RIGHTS_NEEDING_APPROVAL,
  ROLES_NEEDING_APPROVAL,
  separationConflicts,
  splitByApproval,
} from '#domain/access/separation-of-duties.ts';
import {
  ForbiddenError,
  NotFoundError,
  RequesterNoLongerAdministratorError,
  SeparationOfDutiesError,
  ValidationError,
} from '#domain/errors.ts';
import {
  approveAccountChange,
  listAccountChanges,
  refuseAccountChange,
} from '#domain/use-cases/account-changes.ts';
import { type AccountDeps, grantAccount, updateAccount } from '#domain/use-cases/accounts.ts';
import { problemFor } from '#http/problem-details.ts';
import { fixedEnvironment, MemoryAudit } from '../../support/memory-children.ts';
import { MemoryDirectory, MemoryIdentity } from '../../support/memory-directory.ts';

const facts = { requestId: 'req', sourceIp: '127.0.0.1' };
const NOW = '2026-11-22T10:00:00.000Z';
const leeds = {
  organisationId: 'ORG-LEEDS-CC',
  name: 'Leeds City Council',
  kind: 'local-authority',
  gssCode: 'E08000035',
  accredited: true,
  administeredBy: 'ORG-LEEDS-CC',
} as const;
const bradford = {
  ...leeds,
  organisationId: 'ORG-BRADFORD-MDC',
  administeredBy: 'ORG-BRADFORD-MDC',
} as const;
const admin = (userId: string, organisationId: string = leeds.organisationId): Principal => ({
  userId,
  roles: ['user-admin'],
  organisationId,
  organisationName: 'Council',
});
const first = admin('admin-first');
const second = admin('admin-second');
const bradfordAdmin = admin('admin-bradford', bradford.organisationId);
const vetted = {
  authorisedBy: 'Team manager',
  dbsCertificateDate: '2026-01-10',
  trainingCompletedOn: '2026-02-01',
  agreementSignedOn: '2026-02-01',
  mfaEnrolled: true,
};

/** The registry's account of an administrator (approval checks the requester still administers). */
const adminAccount = (principal: Principal, overrides: Partial<Account> = {}): Account => ({
  userId: principal.userId,
  email: `${principal.userId}@example.gov.uk`,
  organisationId: principal.organisationId,
  roles: ['user-admin'],
  status: 'active',
  grantedBy: 'seed',
  version: 1,
  createdAt: NOW,
  updatedAt: NOW,
  ...vetted,
  ...overrides,
});
const ADMINS = [first, second, bradfordAdmin];

function world(now = NOW) {
  const audit = new MemoryAudit();
  const directory = new MemoryDirectory(audit, [leeds, bradford]);
  for (const a of ADMINS) directory.accounts.set(a.userId, adminAccount(a));
  const identity = new MemoryIdentity();
  const deps: AccountDeps = { directory, identity, audit, env: fixedEnvironment(now) };
  return {
    audit,
    directory,
    identity,
    deps,
    at: (later: string) => ({ ...deps, env: fixedEnvironment(later) }),
  };
}

const grantOf = (roles: Role[], rights: Right[] = [], email = 'sam@leeds.example.gov.uk'): GrantAccount => ({
  email,
  roles,
  ...(rights.length > 0 && { rights }),
  ...vetted,
});

describe('separation of duties (R4), the rule', () => {
  it('names auditor with practitioner and auditor with data-manager, and nothing else', () => {
    expect(separationConflicts(['auditor', 'practitioner'])).toEqual([['auditor', 'practitioner']]);
    expect(separationConflicts(['data-manager', 'auditor'])).toEqual([['auditor', 'data-manager']]);
    expect(separationConflicts(['auditor', 'user-admin', 'operator'])).toEqual([]);
    expect(separationConflicts(['practitioner', 'data-manager'])).toEqual([]);
    expect(() => assertSeparationOfDuties(['practitioner', 'auditor'])).toThrow(SeparationOfDutiesError);
  });

  it('answers 409 with a problem type that names the rule', () => {
    const problem = problemFor(new SeparationOfDutiesError('Separation of duties (R4): …'));
    expect(problem).toMatchObject({ status: 409, type: '/problems/separation-of-duties' });
  });

  it('lets removals and unguarded additions through at once and holds back data-manager, auditor, user-admin and the override', () => {
    const split = splitByApproval(
      { roles: ['practitioner', 'operator'], rights: [] },
      {
        roles: ['practitioner', 'data-manager', 'user-admin', 'operator'],
        rights: ['child-protection-override'],
      },
    );
    expect(split.now).toEqual({ roles: ['practitioner', 'operator'], rights: [] });
    expect(split.awaiting).toEqual({
      roles: ['data-manager', 'user-admin'],
      rights: ['child-protection-override'],
    });
  });
});

describe('refused grants are audited (R6)', () => {
  it('refuses an auditor-and-practitioner account, creates nothing, and records the refusal without child data', async () => {
    const { deps, directory, audit, identity } = world();
    await expect(
      grantAccount(deps, first, grantOf(['auditor', 'practitioner']), facts),
    ).rejects.toBeInstanceOf(SeparationOfDutiesError);
    expect(directory.accounts.size).toBe(ADMINS.length);
    expect(identity.groups.size).toBe(0);
    expect(audit.events).toEqual([
      expect.objectContaining({
        action: 'grant-account',
        outcome: 'conflict',
        actorId: first.userId,
        childIds: [],
      }),
    ]);
    expect(audit.events[0]?.note).toContain('Separation of duties');
    expect(audit.events[0]).not.toHaveProperty('disclosure');
  });

  it('records a grant for an organisation the administrator does not administer as denied', async () => {
    const { deps, audit } = world();
    await expect(
      grantAccount(
        deps,
        bradfordAdmin,
        { ...grantOf(['practitioner']), organisationId: leeds.organisationId },
        facts,
      ),
    ).rejects.toBeInstanceOf(ForbiddenError);
    expect(audit.events).toEqual([expect.objectContaining({ action: 'grant-account', outcome: 'denied' })]);
  });

  it('refuses adding auditor to a practitioner by update, changes nothing and records the refusal', async () => {
    const { deps, directory, audit } = world();
    const { account } = await grantAccount(deps, first, grantOf(['practitioner']), facts);
    await expect(
      updateAccount(deps, first, account.userId, { roles: ['practitioner', 'auditor'] }, 1, facts),
    ).rejects.toBeInstanceOf(SeparationOfDutiesError);
    expect(directory.accounts.get(account.userId)).toEqual(account);
    expect(directory.changes.size).toBe(0);
    expect(audit.events.at(-1)).toMatchObject({
      action: 'update-account',
      outcome: 'conflict',
      subjectUserId: account.userId,
    });
  });
});

describe('the two-person rule (R4)', () => {
  it('creates a data manager with nothing to use until a second administrator approves', async () => {
    const { deps, directory, audit, identity } = world();
    const granted = await grantAccount(deps, first, grantOf(['data-manager']), facts);
    expect(granted.account).toMatchObject({ roles: [], status: 'pending' });
    expect(granted.view.awaitingApproval).toMatchObject({
      addRoles: ['data-manager'],
      requestedBy: first.userId,
    });
    expect(identity.groups.get(granted.account.userId)).toEqual(new Set());
    expect(audit.events.at(-1)).toMatchObject({
      action: 'request-account-change',
      outcome: 'awaiting-agreement',
    });
    const changeId = granted.awaiting?.changeId as string;
    expect((await listAccountChanges(deps, second, facts)).map((c) => c.changeId)).toEqual([changeId]);

    await expect(approveAccountChange(deps, first, changeId, facts)).rejects.toBeInstanceOf(ForbiddenError);
    expect(audit.events.at(-1)).toMatchObject({
      action: 'approve-account-change',
      outcome: 'denied',
      actorId: first.userId,
      subjectUserId: granted.account.userId,
    });
    expect(directory.accounts.get(granted.account.userId)).toMatchObject({ roles: [], status: 'pending' });

    const approved = await approveAccountChange(deps, second, changeId, facts);
    expect(approved.account).toMatchObject({ roles: ['data-manager'], status: 'active', version: 2 });
    expect(identity.groups.get(granted.account.userId)).toEqual(new Set(['data-manager']));
    expect(audit.events.at(-1)).toMatchObject({
      action: 'approve-account-change',
      outcome: 'success',
      actorId: second.userId,
      subjectUserId: granted.account.userId,
    });
    expect(directory.changes.size).toBe(0);
    await expect(approveAccountChange(deps, second, changeId, facts)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('applies the unguarded part of a grant at once and holds back the override right', async () => {
    const { deps, directory } = world();
    const granted = await grantAccount(
      deps,
      first,
      grantOf(['practitioner'], ['child-protection-override']),
      facts,
    );
    expect(granted.account).toMatchObject({ roles: ['practitioner'], status: 'active' });
    expect(granted.account.rights).toBeUndefined();
    expect(directory.changes.size).toBe(1);
  });

  it('holds back the override right added by update; a refusal removes the request and the account never holds it', async () => {
    const { deps, directory, audit } = world();
    const { account } = await grantAccount(deps, first, grantOf(['practitioner']), facts);
    const updated = await updateAccount(
      deps,
      first,
      account.userId,
      { rights: ['child-protection-override'] },
      1,
      facts,
    );
    expect(updated.account.rights).toBeUndefined();
    const changeId = updated.awaiting?.changeId as string;
    await expect(refuseAccountChange(deps, first, changeId, facts)).rejects.toBeInstanceOf(ForbiddenError);
    await refuseAccountChange(deps, second, changeId, facts);
    expect(audit.events.at(-1)).toMatchObject({ action: 'refuse-account-change', outcome: 'success' });
    expect(directory.changes.size).toBe(0);
    expect(directory.accounts.get(account.userId)?.rights).toBeUndefined();
  });

  it('does not let one administrator create a second administrator alone, by grant or by update', async () => {
    const { deps, directory, identity } = world();
    const granted = await grantAccount(
      deps,
      first,
      grantOf(['user-admin'], [], 'admin3@leeds.example.gov.uk'),
      facts,
    );
    expect(granted.account).toMatchObject({ roles: [], status: 'pending' });
    expect(granted.awaiting?.addRoles).toEqual(['user-admin']);
    expect(identity.groups.get(granted.account.userId)).toEqual(new Set());

    const { account } = await grantAccount(deps, first, grantOf(['practitioner']), facts);
    const updated = await updateAccount(
      deps,
      first,
      account.userId,
      { roles: ['practitioner', 'user-admin'] },
      1,
      facts,
    );
    expect(updated.account.roles).toEqual(['practitioner']);
    expect(updated.awaiting?.addRoles).toEqual(['user-admin']);
    expect(directory.accounts.get(account.userId)?.roles).toEqual(['practitioner']);

    const approved = await approveAccountChange(deps, second, granted.awaiting?.changeId as string, facts);
    expect(approved.account).toMatchObject({ roles: ['user-admin'], status: 'active' });
  });

  it('lets a change lapse after seven days, and hides it from another organisation’s administrators', async () => {
    const { deps, at } = world();
    const { awaiting } = await grantAccount(deps, first, grantOf(['auditor']), facts);
    const changeId = awaiting?.changeId as string;
    await expect(approveAccountChange(deps, bradfordAdmin, changeId, facts)).rejects.toBeInstanceOf(
      NotFoundError,
    );
    expect(await listAccountChanges(deps, bradfordAdmin, facts)).toEqual([]);
    const later = at('2026-11-29T10:00:00.000Z');
    expect(await listAccountChanges(later, second, facts)).toEqual([]);
    await expect(approveAccountChange(later, second, changeId, facts)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('checks separation of duties again at approval, against what the account gained since the request', async () => {
    const { deps, directory, audit } = world();
    const { account, awaiting } = await grantAccount(deps, first, grantOf(['auditor']), facts);
    await updateAccount(deps, first, account.userId, { roles: ['practitioner'] }, 1, facts);
    await expect(
      approveAccountChange(deps, second, awaiting?.changeId as string, facts),
    ).rejects.toBeInstanceOf(SeparationOfDutiesError);
    expect(directory.accounts.get(account.userId)?.roles).toEqual(['practitioner']);
    expect(audit.events.at(-1)).toMatchObject({ action: 'approve-account-change', outcome: 'conflict' });
  });
});

describe('approval checks again what a direct grant checks', () => {
  it.each([
    ['suspended', { status: 'suspended' }],
    ['terminated', { status: 'terminated' }],
    ['no longer user-admin', { roles: ['practitioner'] }],
    ['moved to another organisation', { organisationId: bradford.organisationId }],
  ] as const)(
    'refuses to approve a change asked for by an administrator since %s, 409 with its own problem type, audited',
    async (_what, change) => {
      const { deps, directory, audit } = world();
      const { account, awaiting } = await grantAccount(deps, first, grantOf(['data-manager']), facts);
      directory.accounts.set(first.userId, adminAccount(first, change as Partial<Account>));
      const refused = approveAccountChange(deps, second, awaiting?.changeId as string, facts);
      await expect(refused).rejects.toBeInstanceOf(RequesterNoLongerAdministratorError);
      expect(problemFor(await refused.catch((e: unknown) => e))).toMatchObject({
        status: 409,
        type: '/problems/requester-no-longer-administrator',
      });
      expect(directory.accounts.get(account.userId)).toMatchObject({ roles: [], status: 'pending' });
      expect(directory.changes.size).toBe(1);
      expect(audit.events.at(-1)).toMatchObject({
        action: 'approve-account-change',
        outcome: 'conflict',
        actorId: second.userId,
        subjectUserId: account.userId,
      });
      expect(audit.events.at(-1)?.note).toContain('no longer an active user administrator');
    },
  );

  it('refuses to approve the override right for an account that is no longer a practitioner or data manager (R3)', async () => {
    const { deps, directory, audit } = world();
    const { account } = await grantAccount(deps, first, grantOf(['practitioner']), facts);
    const { awaiting } = await updateAccount(
      deps,
      first,
      account.userId,
      { rights: ['child-protection-override'] },
      1,
      facts,
    );
    await updateAccount(deps, first, account.userId, { roles: ['operator'] }, 2, facts);
    await expect(
      approveAccountChange(deps, second, awaiting?.changeId as string, facts),
    ).rejects.toBeInstanceOf(ValidationError);
    expect(directory.accounts.get(account.userId)?.rights).toBeUndefined();
    expect(audit.events.at(-1)).toMatchObject({ action: 'approve-account-change', outcome: 'denied' });
  });
});

describe('no sequence of grants, updates and decisions', () => {
  // The roles the rules are about, plus one they leave alone.
  const rolesArb = fc.subarray(
    ['practitioner', 'data-manager', 'auditor', 'user-admin', 'operator'] as Role[],
    {
      minLength: 1,
      maxLength: 2,
    },
  );
  const rightsArb = fc.subarray(['child-protection-override'] as Right[]);
  const step = fc.oneof(
    fc.record({ kind: fc.constant('grant' as const), by: fc.nat(1), roles: rolesArb, rights: rightsArb }),
    fc.record({
      kind: fc.constant('update' as const),
      by: fc.nat(1),
      account: fc.nat(3),
      roles: fc.option(rolesArb, { nil: undefined }),
      rights: fc.option(rightsArb, { nil: undefined }),
      status: fc.option(fc.constantFrom('active', 'suspended', 'terminated') as fc.Arbitrary<'active'>, {
        nil: undefined,
      }),
    }),
    fc.record({
      kind: fc.constantFrom('approve' as const, 'refuse' as const),
      by: fc.nat(1),
      change: fc.nat(5),
    }),
  );

  it('gives an account auditor with practitioner or data-manager, or a guarded grant that a second administrator did not approve', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 3, maxLength: 20 }), async (steps) => {
        const { deps, directory, audit } = world();
        const admins = [first, second];
        const created: string[] = [];
        const changeIds: string[] = [];
        let n = 0;
        for (const s of steps) {
          const by = admins[s.by] as Principal;
          try {
            if (s.kind === 'grant') {
              const { account, awaiting } = await grantAccount(
                deps,
                by,
                grantOf(s.roles, s.rights, `user${++n}@leeds.example.gov.uk`),
                facts,
              );
              created.push(account.userId);
              if (awaiting) changeIds.push(awaiting.changeId);
            } else if (s.kind === 'update') {
              const userId = created[s.account % Math.max(created.length, 1)];
              const current = userId ? directory.accounts.get(userId) : undefined;
              if (!userId || !current) continue;
              const patch: AccountPatch = {
                ...(s.roles && { roles: s.roles }),
                ...(s.rights && { rights: s.rights }),
                ...(s.status && { status: s.status }),
              } as AccountPatch;
              if (Object.keys(patch).length === 0) continue;
              const { awaiting } = await updateAccount(deps, by, userId, patch, current.version, facts);
              if (awaiting) changeIds.push(awaiting.changeId);
            } else {
              const changeId = changeIds[s.change % Math.max(changeIds.length, 1)];
              if (!changeId) continue;
              if (s.kind === 'approve') await approveAccountChange(deps, by, changeId, facts);
              else await refuseAccountChange(deps, by, changeId, facts);
            }
          } catch {
            // Refusals are part of the sequence; the invariant must hold whatever was refused.
          }
          for (const account of directory.accounts.values()) {
            if (ADMINS.some((a) => a.userId === account.userId)) continue;
            expect(separationConflicts(account.roles)).toEqual([]);
            // Every guarded role or right held came through an approval by someone other than its requester.
            const guarded = [
              ...account.roles.filter((r) => ROLES_NEEDING_APPROVAL.has(r)),
              ...(account.rights ?? []).filter((r) => RIGHTS_NEEDING_APPROVAL.has(r)),
            ];
            for (const held of guarded) {
              const approval = audit.events.find(
                (e) =>
                  e.action === 'approve-account-change' &&
                  e.outcome === 'success' &&
                  e.subjectUserId === account.userId &&
                  e.note?.includes(held),
              );
              expect(approval, `${held} on ${account.userId} without approval`).toBeDefined();
              expect(approval?.note).not.toContain(`asked for by ${approval?.actorId}`);
            }
          }
        }
      }),
      { numRuns: 1000 },
    );
  });
});
