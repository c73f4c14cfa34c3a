import { randomUUID, sign, timingSafeEqual } from 'node:crypto';
import { createRequire } from 'node:module';
import {
  type CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  DescribeUserPoolClientCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import type { Pool } from './cognito.ts';

/**
 * The local stand-in for Cognito's token endpoint with the client-credentials grant (R8), which
 * cognito-local does not implement (its /oauth2/token knows only authorization_code and refresh_token).
 * Machine clients are real app clients of the local pool, with a generated secret and their allowed
 * scopes; a token is issued only for a registered client that presents its secret and asks for scopes
 * it is allowed, and is signed with cognito-local's own key, the one the local gateway already trusts.
 * The gateway verifies these tokens exactly as it verifies cognito-local's: nothing is bypassed.
 */

export interface LocalMachineClient {
  clientId: string;
  clientSecret: string;
}

/** Registers an app client allowed the client-credentials grant with `scopes` (Cognito's own shape). */
export async function createMachineAppClient(
  client: CognitoIdentityProviderClient,
  pool: Pick<Pool, 'userPoolId'>,
  name: string,
  scopes: readonly string[],
): Promise<LocalMachineClient> {
  const { UserPoolClient } = await client.send(
    new CreateUserPoolClientCommand({
      UserPoolId: pool.userPoolId,
      ClientName: `cms-${name}`,
      GenerateSecret: true,
      AllowedOAuthFlows: ['client_credentials'],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: [...scopes],
      AccessTokenValidity: 15,
      TokenValidityUnits: { AccessToken: 'minutes' },
    }),
  );
  if (!UserPoolClient?.ClientId || !UserPoolClient.ClientSecret)
    throw new Error('cognito-local created no client secret');
  return { clientId: UserPoolClient.ClientId, clientSecret: UserPoolClient.ClientSecret };
}

export class ClientCredentialsRefusedError extends Error {
  override readonly name = 'ClientCredentialsRefusedError';
}

const signingKey = createRequire(import.meta.url)('cognito-local/lib/keys/cognitoLocal.private.json') as {
  pem: string;
};
const KEY_ID = 'CognitoLocal';

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * What POST /oauth2/token with grant_type=client_credentials returns in Cognito: an access token whose
 * sub and client_id are the client, token_use "access", and the granted scopes (all the client's
 * allowed scopes when none are asked for).
 */
export async function clientCredentialsToken(
  client: CognitoIdentityProviderClient,
  pool: Pick<Pool, 'userPoolId' | 'issuer'>,
  credentials: LocalMachineClient,
  requestedScopes?: readonly string[],
  now: Date = new Date(),
): Promise<string> {
  const described = await client
    .send(new DescribeUserPoolClientCommand({ UserPoolId: pool.userPoolId, ClientId: credentials.clientId }))
    .catch(() => undefined);
  const app = described?.UserPoolClient;
  if (!app?.ClientSecret || !sameSecret(credentials.clientSecret, app.ClientSecret))
    throw new ClientCredentialsRefusedError('invalid_client');
  if (!app.AllowedOAuthFlows?.includes('client_credentials'))
    throw new ClientCredentialsRefusedError('unauthorized_client');
  const allowed = app.AllowedOAuthScopes ?? [];
  const scopes = requestedScopes ?? allowed;
  if (scopes.length === 0 || scopes.some((s) => !allowed.includes(s)))
    throw new ClientCredentialsRefusedError('invalid_scope');
  const issuedAt = Math.floor(now.getTime() / 1000);
  const lifetime =
    (app.AccessTokenValidity ?? 60) * (app.TokenValidityUnits?.AccessToken === 'hours' ? 3600 : 60);
  const header = { alg: 'RS256', typ: 'JWT', kid: KEY_ID };
  const payload = {
    sub: credentials.clientId,
    client_id: credentials.clientId,
    token_use: 'access',
    scope: scopes.join(' '),
    auth_time: issuedAt,
    iss: pool.issuer,
    exp: issuedAt + lifetime,
    iat: issuedAt,
    jti: randomUUID(),
    version: 2,
  };
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${part(header)}.${part(payload)}`;
  return `${unsigned}.${sign('RSA-SHA256', Buffer.from(unsigned), signingKey.pem).toString('base64url')}`;
}
