import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  AssociateSoftwareTokenCommand,
  CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  InitiateAuthCommand,
  ListUserPoolsCommand,
  RespondToAuthChallengeCommand,
  SetUserMFAPreferenceCommand,
  VerifySoftwareTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { generate } from 'otplib';
import { freePort } from './free-port.ts';
import { superviseService } from './service-process.ts';

export interface CognitoLocal {
  endpoint: string;
  client: CognitoIdentityProviderClient;
  stop(): Promise<void>;
}

/**
 * Starts cognito-local as a child process. It keeps its state in `<dataDir>/.cognito`, so a data
 * directory under .local/ survives restarts and a temporary one isolates a test run.
 */
export async function startCognitoLocal(dataDir: string, port?: number): Promise<CognitoLocal> {
  mkdirSync(dataDir, { recursive: true });
  const chosen = port ?? (await freePort());
  const script = createRequire(import.meta.url).resolve('cognito-local/lib/bin/start.js');
  const child = spawn(process.execPath, [script], {
    cwd: dataDir,
    env: { ...process.env, PORT: String(chosen), HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const endpoint = `http://127.0.0.1:${chosen}`;
  const client = new CognitoIdentityProviderClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const service = await superviseService('cognito-local', child, () =>
    client.send(new ListUserPoolsCommand({ MaxResults: 1 })),
  );
  return { endpoint, client, stop: service.stop };
}

export interface PoolUser {
  email: string;
  password: string;
  groups: string[];
  attributes: Record<string, string>;
}

export interface Pool {
  userPoolId: string;
  clientId: string;
  issuer: string;
  jwksUri: string;
}

/** Creates a user pool shaped like the deployed one: e-mail usernames, custom attributes, a group per role. */
export async function createPool(
  cognito: CognitoLocal,
  groups: readonly string[],
  users: PoolUser[],
): Promise<Pool> {
  const { client, endpoint } = cognito;
  const { UserPool } = await client.send(
    new CreateUserPoolCommand({
      PoolName: 'contactpoint-local',
      UsernameAttributes: ['email'],
      // Optional at pool level so each user can enrol once; every seeded user then has TOTP and is
      // challenged for it at every sign-in, as the deployed pool (MFA required) does.
      MfaConfiguration: 'OPTIONAL',
      Schema: [
        { Name: 'organisationId', AttributeDataType: 'String', Mutable: true },
        { Name: 'localAuthority', AttributeDataType: 'String', Mutable: true },
      ],
    }),
  );
  const userPoolId = UserPool?.Id as string;
  const { UserPoolClient } = await client.send(
    new CreateUserPoolClientCommand({
      UserPoolId: userPoolId,
      ClientName: 'contactpoint-local-cli',
      ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
    }),
  );
  for (const group of groups)
    await client.send(new CreateGroupCommand({ UserPoolId: userPoolId, GroupName: group }));
  for (const user of users) {
    await client.send(
      new AdminCreateUserCommand({
        UserPoolId: userPoolId,
        Username: user.email,
        MessageAction: 'SUPPRESS',
        UserAttributes: [
          { Name: 'email', Value: user.email },
          { Name: 'email_verified', Value: 'true' },
          ...Object.entries(user.attributes).map(([Name, Value]) => ({ Name, Value })),
        ],
      }),
    );
    await client.send(
      new AdminSetUserPasswordCommand({
        UserPoolId: userPoolId,
        Username: user.email,
        Password: user.password,
        Permanent: true,
      }),
    );
    for (const group of user.groups) {
      await client.send(
        new AdminAddUserToGroupCommand({ UserPoolId: userPoolId, Username: user.email, GroupName: group }),
      );
    }
  }
  return {
    userPoolId,
    clientId: UserPoolClient?.ClientId as string,
    issuer: `${endpoint}/${userPoolId}`,
    jwksUri: `${endpoint}/${userPoolId}/.well-known/jwks.json`,
  };
}

/** Enrols a user in TOTP MFA (associate, verify, prefer) and returns the shared secret. */
export async function enrolTotp(
  client: CognitoIdentityProviderClient,
  clientId: string,
  email: string,
  password: string,
): Promise<string> {
  const { AuthenticationResult } = await client.send(
    new InitiateAuthCommand({
      ClientId: clientId,
      AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: email, PASSWORD: password },
    }),
  );
  const accessToken = AuthenticationResult?.AccessToken;
  if (!accessToken) throw new Error(`${email} could not sign in to enrol MFA`);
  const { SecretCode } = await client.send(new AssociateSoftwareTokenCommand({ AccessToken: accessToken }));
  if (!SecretCode) throw new Error('cognito-local returned no TOTP secret');
  await client.send(
    new VerifySoftwareTokenCommand({
      AccessToken: accessToken,
      UserCode: await generate({ secret: SecretCode }),
    }),
  );
  await client.send(
    new SetUserMFAPreferenceCommand({
      AccessToken: accessToken,
      SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true },
    }),
  );
  return SecretCode;
}

/**
 * Signs in with a password and, when challenged, the current TOTP code; returns the ID token (it
 * carries the custom attributes and groups).
 */
export async function signIn(
  client: CognitoIdentityProviderClient,
  clientId: string,
  email: string,
  password: string,
  totpSecret?: string,
): Promise<string> {
  return (await signInTokens(client, clientId, email, password, totpSecret)).idToken;
}

/**
 * The same sign-in, with both tokens: the ID token for most routes, and the access token (scope
 * aws.cognito.signin.user.admin) for the routes that take access tokens (routeScopes).
 */
export async function signInTokens(
  client: CognitoIdentityProviderClient,
  clientId: string,
  email: string,
  password: string,
  totpSecret?: string,
): Promise<{ idToken: string; accessToken: string }> {
  const first = await client.send(
    new InitiateAuthCommand({
      ClientId: clientId,
      AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: email, PASSWORD: password },
    }),
  );
  let result = first.AuthenticationResult;
  if (first.ChallengeName === 'SOFTWARE_TOKEN_MFA') {
    if (!totpSecret) throw new Error(`${email} has MFA enrolled; a TOTP secret is needed to sign in`);
    const second = await client.send(
      new RespondToAuthChallengeCommand({
        ClientId: clientId,
        ChallengeName: 'SOFTWARE_TOKEN_MFA',
        Session: first.Session,
        ChallengeResponses: {
          USERNAME: email,
          SOFTWARE_TOKEN_MFA_CODE: await generate({ secret: totpSecret }),
        },
      }),
    );
    result = second.AuthenticationResult;
  } else if (first.ChallengeName) {
    throw new Error(`Unexpected sign-in challenge ${first.ChallengeName}`);
  }
  const idToken = result?.IdToken;
  const accessToken = result?.AccessToken;
  if (!idToken || !accessToken) throw new Error('cognito-local returned no ID or access token');
  return { idToken, accessToken };
}
