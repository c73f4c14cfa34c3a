import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  InitiateAuthCommand,
  ListUserPoolsCommand,
} from '@aws-sdk/client-cognito-identity-provider';
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

/** Signs in with a password and returns the ID token (it carries the custom attributes and groups). */
export async function signIn(
  client: CognitoIdentityProviderClient,
  clientId: string,
  email: string,
  password: string,
) {
  const { AuthenticationResult } = await client.send(
    new InitiateAuthCommand({
      ClientId: clientId,
      AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: email, PASSWORD: password },
    }),
  );
  const idToken = AuthenticationResult?.IdToken;
  if (!idToken) throw new Error('cognito-local returned no ID token');
  return idToken;
}
