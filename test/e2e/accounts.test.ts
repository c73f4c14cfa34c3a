import {
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PERMISSIONS, RIGHT_REQUIRED } from '#domain/access/permissions.ts';
import { ROLES, type Role } from '#domain/access/principal.ts';
import { ROUTES } from '#functions/manifest.ts';
import type { LocalStack } from '#infra/local/stack.ts';
import {
  type Client,
  clientFor,
  expectTrailSealedAndIntact,
  startTestStack,
} from '../support/local-stack.ts';

let stack: LocalStack;
let admin: Client;
const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);

beforeAll(async () => {
  stack = await startTestStack(20);
  admin = await clientFor(stack, 'user-admin@leeds.example.gov.uk');
});

afterAll(async () => {
  await stack?.stop();
});

async function accountOf(who: string) {
  const reply = await (await clientFor(stack, who)).call('GET', '/me');
  return reply.json() as { userId: string; etag: string; status: string };
}

describe('R4 on every request, over HTTP', () => {
  it('stops a suspended practitioner’s next request with the same token, and lets it through after reinstatement', async () => {
    const practitioner = await clientFor(stack, 'practitioner@leeds.example.gov.uk');
    const search = '/children?familyName=Walker&givenName=Amelia&dateOfBirth=2016-04-09&reason=SAFEGUARDING';
    expect((await practitioner.call('GET', search)).status).toBe(200);
    const account = await accountOf('practitioner@leeds.example.gov.uk');

    const suspended = await admin.call('PATCH', `/users/${account.userId}`, {
      body: { status: 'suspended' },
      headers: { 'if-match': account.etag },
    });
    expect(suspended.status).toBe(200);
    const refused = await practitioner.call('GET', search);
    expect(refused.status).toBe(403);
    expect(refused.json().detail).toContain('suspended');

    const reinstated = await admin.call('PATCH', `/users/${account.userId}`, {
      body: { status: 'active' },
      headers: { 'if-match': suspended.headers.get('etag') as string },
    });
    expect(reinstated.status).toBe(200);
    expect((await practitioner.call('GET', search)).status).toBe(200);

    const staleDbs = await admin.call('PATCH', `/users/${account.userId}`, {
      body: { dbsCertificateDate: daysAgo(4 * 365) },
      headers: { 'if-match': reinstated.headers.get('etag') as string },
    });
    expect(staleDbs.status).toBe(200);
    expect(staleDbs.json()).toMatchObject({ usable: false, problems: [expect.stringContaining('DBS')] });
    const refusedAgain = await practitioner.call('GET', search);
    expect(refusedAgain.status).toBe(403);
    expect(refusedAgain.json().detail).toContain('DBS');

    const renewed = await admin.call('PATCH', `/users/${account.userId}`, {
      body: { dbsCertificateDate: daysAgo(10) },
      headers: { 'if-match': staleDbs.headers.get('etag') as string },
    });
    expect(renewed.status).toBe(200);
    expect((await practitioner.call('GET', search)).status).toBe(200);
  });

  it('disables the suspended user’s sign-in in Cognito and enables it again on reinstatement', async () => {
    const account = await accountOf('auditor@leeds.example.gov.uk');
    const enabled = async () =>
      (
        await stack.cognito.client.send(
          new AdminGetUserCommand({ UserPoolId: stack.state.pool.userPoolId, Username: account.userId }),
        )
      ).Enabled;
    const suspended = await admin.call('PATCH', `/users/${account.userId}`, {
      body: { status: 'suspended' },
      headers: { 'if-match': account.etag },
    });
    expect(await enabled()).toBe(false);
    await admin.call('PATCH', `/users/${account.userId}`, {
      body: { status: 'active' },
      headers: { 'if-match': suspended.headers.get('etag') as string },
    });
    expect(await enabled()).toBe(true);
  });

  it('refuses an administrator of Leeds acting on a Bradford user with 404, and changes nothing', async () => {
    const before = await accountOf('practitioner@bradford.example.gov.uk');
    const reply = await admin.call('PATCH', `/users/${before.userId}`, {
      body: { status: 'suspended' },
      headers: { 'if-match': before.etag },
    });
    expect(reply.status).toBe(404);
    const after = await accountOf('practitioner@bradford.example.gov.uk');
    expect(after).toEqual(before);
    expect((await admin.call('GET', '/users?organisationId=ORG-BRADFORD-MDC')).status).toBe(403);
  });

  it('refuses a practitioner on every administration route', async () => {
    const practitioner = await clientFor(stack, 'practitioner');
    expect((await practitioner.call('GET', '/users')).status).toBe(403);
    expect((await practitioner.call('POST', '/users', { body: {} })).status).toBe(403);
    expect(
      (await practitioner.call('PATCH', '/users/someone', { body: {}, headers: { 'if-match': '"1"' } }))
        .status,
    ).toBe(403);
  });

  it('grants an account for a service the council administers, creating the Cognito user', async () => {
    const reply = await admin.call('POST', '/users', {
      body: {
        email: 'new.nurse@leeds-ch.example.nhs.uk',
        roles: ['practitioner'],
        organisationId: 'ORG-LEEDS-CH',
        authorisedBy: 'Ward manager, ward.manager@leeds-ch.example.nhs.uk',
        dbsCertificateDate: daysAgo(100),
        trainingCompletedOn: daysAgo(5),
        agreementSignedOn: daysAgo(5),
        mfaEnrolled: true,
      },
    });
    expect(reply.status).toBe(201);
    const user = await stack.cognito.client.send(
      new AdminGetUserCommand({ UserPoolId: stack.state.pool.userPoolId, Username: reply.json().userId }),
    );
    expect(user.UserAttributes?.find((a) => a.Name === 'custom:organisationId')?.Value).toBe('ORG-LEEDS-CH');
    const listed = await admin.call('GET', '/users?organisationId=ORG-LEEDS-CH&status=active');
    expect(listed.json().accounts.map((a: { email: string }) => a.email)).toContain(
      'new.nurse@leeds-ch.example.nhs.uk',
    );
  });

  it('refuses a grant whose prerequisites do not hold, naming each one', async () => {
    const reply = await admin.call('POST', '/users', {
      body: {
        email: 'unvetted@leeds.example.gov.uk',
        roles: ['practitioner'],
        authorisedBy: 'Team manager',
        dbsCertificateDate: daysAgo(4 * 365),
        trainingCompletedOn: '2099-01-01',
        agreementSignedOn: daysAgo(1),
        mfaEnrolled: false,
      },
    });
    expect(reply.status).toBe(400);
    expect(
      reply
        .json()
        .errors.map((e: { field: string }) => e.field)
        .sort(),
    ).toEqual(['dbsCertificateDate', 'mfaEnrolled', 'trainingCompletedOn']);
  });
});

describe('separation of duties and the two-person rule (R4), over HTTP', () => {
  const vetting = {
    authorisedBy: 'Team manager, manager@leeds.example.gov.uk',
    dbsCertificateDate: daysAgo(100),
    trainingCompletedOn: daysAgo(5),
    agreementSignedOn: daysAgo(5),
    mfaEnrolled: true,
  };

  it('refuses one administrator an auditor-and-practitioner account with a problem naming the rule, and creates nothing', async () => {
    const reply = await admin.call('POST', '/users', {
      body: { email: 'both.hats@leeds.example.gov.uk', roles: ['auditor', 'practitioner'], ...vetting },
    });
    expect(reply.status).toBe(409);
    expect(reply.headers.get('content-type')).toContain('application/problem+json');
    expect(reply.json()).toMatchObject({
      type: '/problems/separation-of-duties',
      detail: expect.stringContaining('auditor and the practitioner'),
    });
    const listed = await admin.call('GET', '/users');
    expect(listed.json().accounts.map((a: { email: string }) => a.email)).not.toContain(
      'both.hats@leeds.example.gov.uk',
    );
  });

  it('holds data-manager back until a second administrator approves; the one who asked cannot approve it', async () => {
    const email = 'practitioner@leeds-th.example.nhs.uk';
    const user = await clientFor(stack, email);
    const before = await accountOf(email);
    // Authorisation comes before validation: an empty body shows whether the role is held.
    expect((await user.call('POST', '/children', { body: {} })).status).toBe(403);

    const asked = await admin.call('PATCH', `/users/${before.userId}`, {
      body: { roles: ['practitioner', 'data-manager'] },
      headers: { 'if-match': before.etag },
    });
    expect(asked.status).toBe(200);
    expect(asked.json().roles).toEqual(['practitioner']);
    const changeId = asked.json().awaitingApproval.changeId as string;
    expect(asked.json().awaitingApproval).toMatchObject({
      addRoles: ['data-manager'],
      userId: before.userId,
    });
    expect((await user.call('POST', '/children', { body: {} })).status).toBe(403);

    const second = await clientFor(stack, 'user-admin.second@leeds.example.gov.uk');
    const pending = await second.call('GET', '/account-changes');
    expect(pending.json().changes.map((c: { changeId: string }) => c.changeId)).toContain(changeId);

    const selfApproval = await admin.call('POST', `/account-changes/${changeId}/approval`);
    expect(selfApproval.status).toBe(403);
    expect(selfApproval.json().detail).toContain('Two-person rule');
    expect((await accountOf(email)).etag).toBe(asked.json().etag);
    const bradfordAdmin = await clientFor(stack, 'user-admin@bradford.example.gov.uk');
    expect((await bradfordAdmin.call('POST', `/account-changes/${changeId}/approval`)).status).toBe(404);

    const approved = await second.call('POST', `/account-changes/${changeId}/approval`);
    expect(approved.status).toBe(200);
    expect(approved.json().roles).toEqual(['practitioner', 'data-manager']);
    const groups = await stack.cognito.client.send(
      new AdminListGroupsForUserCommand({ UserPoolId: stack.state.pool.userPoolId, Username: before.userId }),
    );
    expect(groups.Groups?.map((g) => g.GroupName).sort()).toEqual(['data-manager', 'practitioner']);
    expect((await accountOf(email)).etag).toBe(approved.json().etag);
    expect((await user.call('POST', '/children', { body: {} })).status).toBe(400);
    expect((await second.call('POST', `/account-changes/${changeId}/approval`)).status).toBe(404);
  });

  it('creates a requested auditor as pending with no role, and a refusal leaves it so', async () => {
    const created = await admin.call('POST', '/users', {
      body: { email: 'new.auditor@leeds.example.gov.uk', roles: ['auditor'], ...vetting },
    });
    expect(created.status).toBe(201);
    expect(created.json()).toMatchObject({ status: 'pending', roles: [], usable: false });
    const second = await clientFor(stack, 'user-admin.second@leeds.example.gov.uk');
    const refused = await second.call(
      'POST',
      `/account-changes/${created.json().awaitingApproval.changeId}/refusal`,
    );
    expect(refused.status).toBe(200);
    const listed = await admin.call('GET', '/users?status=pending');
    expect(listed.json().accounts).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ email: 'new.auditor@leeds.example.gov.uk', roles: [] }),
      ]),
    );
    expect((await second.call('GET', '/account-changes')).json().changes).toEqual([]);
  });

  it('does not let one administrator create a second administrator alone: user-admin waits for another', async () => {
    const created = await admin.call('POST', '/users', {
      body: { email: 'new.admin@leeds.example.gov.uk', roles: ['user-admin'], ...vetting },
    });
    expect(created.status).toBe(201);
    expect(created.json()).toMatchObject({ status: 'pending', roles: [], usable: false });
    expect(created.json().awaitingApproval).toMatchObject({ addRoles: ['user-admin'] });
    const changeId = created.json().awaitingApproval.changeId as string;
    expect((await admin.call('POST', `/account-changes/${changeId}/approval`)).status).toBe(403);
    const second = await clientFor(stack, 'user-admin.second@leeds.example.gov.uk');
    expect((await second.call('POST', `/account-changes/${changeId}/refusal`)).status).toBe(200);
  });

  it('records the request, the self-approval attempt, the approval and the refusal in the administrators’ trail', async () => {
    const auditor = await clientFor(stack, 'auditor@leeds.example.gov.uk');
    const first = await accountOf('user-admin@leeds.example.gov.uk');
    const second = await accountOf('user-admin.second@leeds.example.gov.uk');
    // The user trail is filed from the audit stream, so it is read until the sealer has caught up.
    const actions = async (userId: string) => {
      const reply = await auditor.call('GET', `/audit/users/${userId}?from=2020-01-01`);
      return ((reply.json().entries ?? []) as { action: string; outcome: string }[]).map(
        (e) => `${e.action}:${e.outcome}`,
      );
    };
    await expect
      .poll(() => actions(first.userId), { timeout: 20_000, interval: 250 })
      .toEqual(
        expect.arrayContaining([
          'grant-account:conflict',
          'request-account-change:awaiting-agreement',
          'approve-account-change:denied',
        ]),
      );
    await expect
      .poll(() => actions(second.userId), { timeout: 20_000, interval: 250 })
      .toEqual(expect.arrayContaining(['approve-account-change:success', 'refuse-account-change:success']));
  });
});

describe('the role × route matrix', () => {
  /** A request each route accepts far enough to show the permission decision: authorisation comes before validation. */
  function requestFor(route: (typeof ROUTES)[number]) {
    const path = route.path
      .replace('{childId}', 'CP7M3K9P2XN')
      .replace('{involvementId}', 'INV-mhz3k2a1-0b6f2e8e-8a4c-4a7e-9d1e-5c2b7f3a9e10')
      .replace('{userId}', 'nobody')
      .replace('{changeId}', 'CHG-nothing');
    const query =
      route.request.query?.shape && 'reason' in route.request.query.shape
        ? '?reason=SAFEGUARDING&familyName=X&givenName=Y&dateOfBirth=2015-01-01'
        : '';
    return {
      path:
        route.path === '/children/{childId}'
          ? `${path}?reason=SAFEGUARDING`
          : `${path}${route.path === '/children' ? query : ''}`,
      body: route.request.body ? {} : undefined,
      headers: (route.request.ifMatch ? { 'if-match': '"1"' } : {}) as Record<string, string>,
    };
  }

  it('answers every route as the permission table says, for every role and for an anonymous caller', async () => {
    const firstOfRole = (role: Role) =>
      stack.state.users.find((u) => u.role === role && u.email.includes('leeds'))?.email ?? role;
    const clients = Object.fromEntries(
      await Promise.all(ROLES.map(async (r) => [r, await clientFor(stack, firstOfRole(r))] as const)),
    );
    const mismatches: string[] = [];
    for (const route of ROUTES) {
      const { path, body, headers } = requestFor(route);
      const anonymous = await fetch(`${stack.url}${path}`, {
        method: route.method,
        headers: { 'content-type': 'application/json', ...headers },
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });
      const expectedAnonymous = route.action === null ? 200 : 401;
      if (anonymous.status !== expectedAnonymous)
        mismatches.push(`anonymous ${route.operationId}: ${anonymous.status}`);
      if (route.action === null) continue;
      for (const role of ROLES) {
        const reply = await (clients[role] as Client).call(route.method, path, {
          ...(body !== undefined && { body }),
          headers,
        });
        // The seeded user of each role holds no right, so a right-gated route refuses them all.
        const permitted = PERMISSIONS[role].has(route.action) && RIGHT_REQUIRED[route.action] === undefined;
        const allowedThrough = reply.status !== 401 && reply.status !== 403;
        if (permitted !== allowedThrough) mismatches.push(`${role} ${route.operationId}: ${reply.status}`);
      }
    }
    expect(mismatches).toEqual([]);
  });
});

describe('the audit trail at the end of this file (R6)', () => {
  it('is fully sealed and verifies against its seals, and no consumer or job reported a failure', async () => {
    await expectTrailSealedAndIntact(stack);
  });
});
