import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CognitoIdentityAdmin } from '#adapters/cognito/identity-admin.ts';
import { DynamoAlertRepository } from '#adapters/dynamo/alert-repository.ts';
import { documentClient } from '#adapters/dynamo/client.ts';
import type { DynamoDirectoryRepository } from '#adapters/dynamo/directory-repository.ts';
import type { Account } from '#domain/access/account.ts';
import type { Principal } from '#domain/access/principal.ts';
import { ROLES } from '#domain/access/principal.ts';
import { auditEventFor } from '#domain/audit/event.ts';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  PreconditionFailedError,
  SeparationOfDutiesError,
  ValidationError,
} from '#domain/errors.ts';
import { approveAccountChange, listAccountChanges } from '#domain/use-cases/account-changes.ts';
import { type AccountDeps, grantAccount, updateAccount } from '#domain/use-cases/accounts.ts';
import { suspendExpiredAccounts } from '#domain/use-cases/suspend-expired-accounts.ts';
import { type CognitoLocal, createPool, type Pool, startCognitoLocal } from '#infra/local/cognito.ts';
import { LOCAL_ORGANISATIONS } from '#infra/local/organisations.ts';
import { type DynamoFixture, startDynamoFixture } from '../support/local-dynamo.ts';

const facts = { requestId: 'req-it', sourceIp: '127.0.0.1' };
const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);
const vetted = {
  authorisedBy: 'Team manager, manager@leeds.example.gov.uk',
  dbsCertificateDate: daysAgo(100),
  trainingCompletedOn: daysAgo(10),
  agreementSignedOn: daysAgo(10),
  mfaEnrolled: true,
};
const leedsAdmin: Principal = {
  userId: 'admin-leeds',
  roles: ['user-admin'],
  organisationId: 'ORG-LEEDS-CC',
  organisationName: 'Leeds City Council',
  localAuthority: 'E08000035',
  localAuthorityName: 'Leeds City Council',
};
const bradfordAdmin: Principal = {
  ...leedsAdmin,
  userId: 'admin-bradford',
  organisationId: 'ORG-BRADFORD-MDC',
};

let fx: DynamoFixture;
let cognito: CognitoLocal;
let pool: Pool;
let cognitoDir: string;
let deps: AccountDeps;
const directory = () => fx.adapters.directory as DynamoDirectoryRepository;

async function signInEnabled(userId: string): Promise<boolean | undefined> {
  return (
    await cognito.client.send(new AdminGetUserCommand({ UserPoolId: pool.userPoolId, Username: userId }))
  ).Enabled;
}

beforeAll(async () => {
  cognitoDir = mkdtempSync(join(tmpdir(), 'cognito-it-'));
  [fx, cognito] = await Promise.all([startDynamoFixture(), startCognitoLocal(cognitoDir)]);
  pool = await createPool(cognito, ROLES, []);
  for (const organisation of LOCAL_ORGANISATIONS) await fx.adapters.directory.putOrganisation(organisation);
  // The administrators who ask for changes are in the registry: approval checks the requester still administers.
  const seeded = new Date().toISOString();
  await directory().importAccounts(
    [leedsAdmin, bradfordAdmin].map((a) => ({
      userId: a.userId,
      email: `${a.userId}@example.gov.uk`,
      organisationId: a.organisationId,
      roles: ['user-admin'],
      status: 'active',
      grantedBy: 'seed',
      version: 1,
      createdAt: seeded,
      updatedAt: seeded,
      ...vetted,
    })),
  );
  deps = {
    directory: fx.adapters.directory,
    audit: fx.adapters.audit,
    env: fx.adapters.env,
    identity: new CognitoIdentityAdmin({
      AWS_REGION: 'eu-west-2',
      USER_POOL_ID: pool.userPoolId,
      COGNITO_ENDPOINT: cognito.endpoint,
    }),
  };
});

afterAll(async () => {
  await Promise.all([fx?.dynamo.stop(), cognito?.stop()]);
  rmSync(cognitoDir, { recursive: true, force: true });
});

describe('account lifecycle against cognito-local', () => {
  it('grants, suspends, reinstates and terminates, with the Cognito sign-in following each step', async () => {
    const { account } = await grantAccount(
      deps,
      leedsAdmin,
      {
        email: 'lifecycle@leeds-ch.example.nhs.uk',
        roles: ['practitioner'],
        organisationId: 'ORG-LEEDS-CH',
        ...vetted,
      },
      facts,
    );
    expect(await signInEnabled(account.userId)).toBe(true);
    const suspended = await updateAccount(
      deps,
      leedsAdmin,
      account.userId,
      { status: 'suspended' },
      1,
      facts,
    );
    expect(suspended.view).toMatchObject({ status: 'suspended', usable: false });
    expect(await signInEnabled(account.userId)).toBe(false);
    await updateAccount(deps, leedsAdmin, account.userId, { status: 'active' }, 2, facts);
    expect(await signInEnabled(account.userId)).toBe(true);
    await updateAccount(deps, leedsAdmin, account.userId, { status: 'terminated' }, 3, facts);
    expect(await signInEnabled(account.userId)).toBe(false);
    await expect(
      updateAccount(deps, leedsAdmin, account.userId, { status: 'active' }, 4, facts),
    ).rejects.toBeInstanceOf(ConflictError);
  });

  it('refuses a grant with an old DBS certificate, creating no Cognito user', async () => {
    const attempt = grantAccount(
      deps,
      leedsAdmin,
      {
        email: 'stale@leeds.example.gov.uk',
        roles: ['practitioner'],
        ...vetted,
        dbsCertificateDate: daysAgo(3 * 365 + 5),
      },
      facts,
    );
    await expect(attempt).rejects.toBeInstanceOf(ValidationError);
    await expect(
      cognito.client.send(
        new AdminGetUserCommand({ UserPoolId: pool.userPoolId, Username: 'stale@leeds.example.gov.uk' }),
      ),
    ).rejects.toThrow();
  });

  it('refuses another council’s administrator as if the account did not exist, and changes nothing', async () => {
    const { account } = await grantAccount(
      deps,
      leedsAdmin,
      { email: 'crosscheck@leeds.example.gov.uk', roles: ['practitioner'], ...vetted },
      facts,
    );
    await expect(
      updateAccount(deps, bradfordAdmin, account.userId, { status: 'suspended' }, 1, facts),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect(await deps.directory.getAccount(account.userId)).toMatchObject({ status: 'active', version: 1 });
    expect(await signInEnabled(account.userId)).toBe(true);
    await expect(
      grantAccount(
        deps,
        bradfordAdmin,
        {
          email: 'x@leeds.example.gov.uk',
          roles: ['practitioner'],
          organisationId: 'ORG-LEEDS-CC',
          ...vetted,
        },
        facts,
      ),
    ).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('refuses an administrator changing their own account', async () => {
    const { account } = await grantAccount(
      deps,
      leedsAdmin,
      { email: 'self@leeds.example.gov.uk', roles: ['user-admin'], ...vetted },
      facts,
    );
    const self: Principal = { ...leedsAdmin, userId: account.userId };
    await expect(
      updateAccount(deps, self, account.userId, { dbsCertificateDate: daysAgo(1) }, 1, facts),
    ).rejects.toBeInstanceOf(ForbiddenError);
  });
});

describe('the two-person rule against DynamoDB Local and cognito-local (R4)', () => {
  const secondLeedsAdmin: Principal = { ...leedsAdmin, userId: 'admin-leeds-second' };
  const groupsOf = async (userId: string) =>
    (
      await cognito.client.send(
        new AdminListGroupsForUserCommand({ UserPoolId: pool.userPoolId, Username: userId }),
      )
    ).Groups?.map((g) => g.GroupName);

  it('stores the pending change with the account, applies it once on a second administrator’s approval, and syncs the groups', async () => {
    const { account, awaiting } = await grantAccount(
      deps,
      leedsAdmin,
      { email: 'two-person@leeds.example.gov.uk', roles: ['practitioner', 'data-manager'], ...vetted },
      facts,
    );
    expect(await deps.directory.getAccount(account.userId)).toMatchObject({
      roles: ['practitioner'],
      status: 'active',
    });
    expect(await groupsOf(account.userId)).toEqual(['practitioner']);
    const changeId = awaiting?.changeId as string;
    expect((await listAccountChanges(deps, secondLeedsAdmin, facts)).map((c) => c.changeId)).toContain(
      changeId,
    );
    expect(await deps.directory.listAccountChanges('ORG-BRADFORD-MDC')).toEqual([]);

    await expect(approveAccountChange(deps, leedsAdmin, changeId, facts)).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    const { account: approved } = await approveAccountChange(deps, secondLeedsAdmin, changeId, facts);
    expect(await deps.directory.getAccount(account.userId)).toMatchObject({
      roles: ['practitioner', 'data-manager'],
      version: 2,
    });
    expect((await groupsOf(account.userId))?.sort()).toEqual(['data-manager', 'practitioner']);
    expect(await deps.directory.getAccountChange('ORG-LEEDS-CC', changeId)).toBeUndefined();
    // The same decision a second time (a race lost) finds the change gone and changes nothing.
    await expect(
      deps.directory.decideAccountChange(awaiting as NonNullable<typeof awaiting>, {
        ...auditEventFor(deps.env, secondLeedsAdmin, facts, {
          action: 'approve-account-change',
          outcome: 'success',
        }),
      }),
    ).rejects.toBeInstanceOf(PreconditionFailedError);
    expect((await deps.directory.getAccount(account.userId))?.version).toBe(approved.version);
  });

  it('refuses an auditor-and-data-manager account before any sign-in is created', async () => {
    await expect(
      grantAccount(
        deps,
        leedsAdmin,
        { email: 'two-hats@leeds.example.gov.uk', roles: ['auditor', 'data-manager'], ...vetted },
        facts,
      ),
    ).rejects.toBeInstanceOf(SeparationOfDutiesError);
    await expect(
      cognito.client.send(
        new AdminGetUserCommand({ UserPoolId: pool.userPoolId, Username: 'two-hats@leeds.example.gov.uk' }),
      ),
    ).rejects.toThrow();
  });
});

describe('nightly DBS expiry', () => {
  it('suspends active accounts whose DBS certificate is three years old, disables their sign-in and tells the administrators', async () => {
    const expiredUserId = await deps.identity.createUser({
      email: 'expired@leeds-ch.example.nhs.uk',
      organisationId: 'ORG-LEEDS-CH',
      roles: ['practitioner'],
    });
    const now = new Date().toISOString();
    const account = (userId: string, email: string, extra: Partial<Account>): Account => ({
      userId,
      email,
      organisationId: 'ORG-LEEDS-CH',
      roles: ['practitioner'],
      status: 'active',
      grantedBy: 'seed',
      version: 1,
      createdAt: now,
      updatedAt: now,
      ...vetted,
      ...extra,
    });
    await directory().importAccounts([
      account(expiredUserId, 'expired@leeds-ch.example.nhs.uk', { dbsCertificateDate: daysAgo(3 * 365 + 3) }),
      account('fresh-user', 'fresh@leeds-ch.example.nhs.uk', { dbsCertificateDate: daysAgo(30) }),
      account('already-suspended', 'old@leeds-ch.example.nhs.uk', {
        dbsCertificateDate: daysAgo(5 * 365),
        status: 'suspended',
      }),
      {
        ...account('leeds-admin-on-duty', 'admin@leeds.example.gov.uk', {}),
        organisationId: 'ORG-LEEDS-CC',
        roles: ['user-admin'],
      },
    ]);
    const db = documentClient('eu-west-2', fx.dynamo.endpoint);
    const summary = await suspendExpiredAccounts({
      ...deps,
      alerts: new DynamoAlertRepository(db, fx.tables.alerts),
    });

    expect(summary.suspended).toBeGreaterThanOrEqual(1);
    expect(await deps.directory.getAccount(expiredUserId)).toMatchObject({ status: 'suspended', version: 2 });
    expect(await deps.directory.getAccount('fresh-user')).toMatchObject({ status: 'active', version: 1 });
    expect(await deps.directory.getAccount('already-suspended')).toMatchObject({
      status: 'suspended',
      version: 1,
    });
    expect(await signInEnabled(expiredUserId)).toBe(false);
    const { Items } = await db.send(
      new (await import('@aws-sdk/lib-dynamodb')).QueryCommand({
        TableName: fx.tables.alerts,
        KeyConditionExpression: 'recipientId = :r',
        ExpressionAttributeValues: { ':r': 'leeds-admin-on-duty' },
      }),
    );
    expect(Items).toEqual([
      expect.objectContaining({
        kind: 'account-suspended-dbs-expired',
        subjectUserId: expiredUserId,
        organisationId: 'ORG-LEEDS-CH',
      }),
    ]);
    expect(
      await db.send(
        new GetCommand({ TableName: fx.tables.alerts, Key: { recipientId: 'fresh-user', alertId: 'x' } }),
      ),
    ).not.toHaveProperty('Item');
  });
});
