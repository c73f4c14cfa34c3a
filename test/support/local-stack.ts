import { join } from 'node:path';
import { expect } from 'vitest';
import { sealDependencies } from '#adapters/audit/seal-dependencies.ts';
import { describeProblem, verifyAuditTrail } from '#adapters/audit/verify-trail.ts';
import { documentClient } from '#adapters/dynamo/client.ts';
import type { Role } from '#domain/access/principal.ts';
import { isTriggeredBy } from '#functions/define-function.ts';
import { FUNCTIONS } from '#functions/manifest.ts';
import { scopesOfRequest } from '#infra/local/gateway.ts';
import {
  LOCAL_SEAL_LAG_SECONDS,
  type LocalStack,
  type LocalStackOptions,
  startLocalStack,
} from '#infra/local/stack.ts';

/** The whole local stand-in, temporary, with a small synthetic population. */
export async function startTestStack(
  seedCount = 200,
  options: Pick<LocalStackOptions, 'streamConsumers'> = {},
): Promise<LocalStack> {
  return startLocalStack({ port: 0, seedCount, ...options });
}

export interface Client {
  call(
    method: string,
    path: string,
    options?: { body?: unknown; headers?: Record<string, string> },
  ): Promise<Reply>;
}

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read response fields ad hoc; the assertions check them
  json: () => any;
}

/**
 * An HTTP client signed in as the seeded user of a role, as an integrator's code would be: it holds both
 * tokens of the sign-in and sends the access token to routes with scopes (routeScopes), the ID token
 * elsewhere — what API Gateway's Cognito authorizer requires.
 */
export async function clientFor(stack: LocalStack, who: Role | string): Promise<Client> {
  const { idToken, accessToken } = await stack.tokensFor(who);
  const routes = FUNCTIONS.filter(isTriggeredBy('http'));
  return clientSending(stack, (method, path) =>
    scopesOfRequest(routes, method, new URL(path, stack.url).pathname).length > 0 ? accessToken : idToken,
  );
}

/** An HTTP client that presents this one token on every route (a machine client's, or a test's choice). */
export function clientWithToken(stack: LocalStack, token: string): Client {
  return clientSending(stack, () => token);
}

function clientSending(stack: LocalStack, tokenFor: (method: string, path: string) => string): Client {
  return {
    async call(method, path, options = {}) {
      const response = await fetch(`${stack.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${tokenFor(method, path)}`,
          ...(options.body !== undefined && { 'content-type': 'application/json' }),
          ...options.headers,
        },
        ...(options.body !== undefined && {
          body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body),
        }),
      });
      const text = await response.text();
      return { status: response.status, headers: response.headers, text, json: () => JSON.parse(text) };
    },
  };
}

/**
 * The misuse alerts of one rule that a local auditor (by e-mail) reads through GET /audit/alerts, once
 * the audit stream consumer has raised them: polled for up to 20 s, since misuse detection runs after
 * each sealed batch. Each poll is an audited read, as an auditor's would be.
 */
export async function alertsReaching(
  stack: LocalStack,
  email: string,
  rule: string,
): Promise<Record<string, unknown>[]> {
  const auditor = await clientFor(stack, email);
  let alerts: Record<string, unknown>[] = [];
  for (let i = 0; i < 80 && alerts.length === 0; i++) {
    await new Promise((r) => setTimeout(r, 250));
    const reply = await auditor.call('GET', '/audit/alerts?limit=100');
    expect(reply.status, reply.text).toBe(200);
    alerts = (reply.json().alerts as Record<string, unknown>[]).filter((a) => a.rule === rule);
  }
  return alerts;
}

/**
 * The invariant every e2e file ends with (R6): once the stream consumer has caught up, every audit event
 * is sealed, the trail verifies against its seals, the events kept with them and the audit index, and no
 * consumer or job reported a failure.
 */
export async function expectTrailSealedAndIntact(stack: LocalStack): Promise<void> {
  const db = documentClient('eu-west-2', stack.dynamo.endpoint);
  const deps = sealDependencies({
    LOCAL_KEYRING_FILE: join(stack.stateDir, 'keyring.json'),
    LOCAL_SEAL_DIR: join(stack.stateDir, 'audit-seals'),
  });
  const verify = () =>
    verifyAuditTrail(db, stack.tables, deps, { lagSeconds: Number(LOCAL_SEAL_LAG_SECONDS) });
  let result = await verify();
  for (let i = 0; i < 100 && result.pendingEvents > 0; i++) {
    await new Promise((r) => setTimeout(r, 200));
    result = await verify();
  }
  db.destroy();
  expect(result.problems.map(describeProblem)).toEqual([]);
  expect(result.pendingEvents, 'audit events left unsealed').toBe(0);
  expect(result.sealedEvents).toBeGreaterThan(0);
  expect(stack.problems).toEqual([]);
}
