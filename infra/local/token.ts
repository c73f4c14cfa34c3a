import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { documentClient } from '#adapters/dynamo/client.ts';
import { DynamoDirectoryRepository } from '#adapters/dynamo/directory-repository.ts';
import { INVOLVEMENTS_WRITE_SCOPE } from '#domain/access/machine-client.ts';
import { ROLES } from '#domain/access/principal.ts';
import {
  clientCredentialsToken,
  createMachineAppClient,
  type LocalMachineClient,
} from './client-credentials.ts';
import { signInTokens } from './cognito.ts';
import { LOCAL_ORGANISATIONS } from './organisations.ts';
import { pickUser, RUNTIME_FILE, STATE_FILE } from './stack.ts';

/**
 * `npm run -s token -- <role|email>`: signs in to the running local pool and prints an ID token.
 * `npm run -s token -- --access <role|email>`: the same sign-in's access token (for the involvement routes).
 * `npm run -s token -- --client <organisationId>`: a client-credentials access token of that organisation's
 * local case management system, registered (pool and directory) the first time it is asked for.
 */
const localDir = join(resolve(import.meta.dirname, '..', '..'), '.local');
const statePath = join(localDir, STATE_FILE);
const clientsPath = join(localDir, 'machine-clients.json');
const usage = `usage: npm run -s token -- [--access] <${ROLES.join('|')}|e-mail>  |  --client <organisationId>`;

const args = process.argv.slice(2);
const flag = args[0]?.startsWith('--') ? args.shift() : undefined;
const who = args[0];
if (!who || (flag !== undefined && flag !== '--access' && flag !== '--client')) {
  console.error(usage);
  process.exit(2);
}
if (!existsSync(statePath)) {
  console.error('ContactPoint has not been started here yet: run npm start first.');
  process.exit(1);
}
const state = JSON.parse(readFileSync(statePath, 'utf8'));
const client = new CognitoIdentityProviderClient({
  endpoint: `http://127.0.0.1:${state.cognitoPort}`,
  region: 'local',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
});

async function machineToken(organisationId: string): Promise<string> {
  if (!LOCAL_ORGANISATIONS.some((o) => o.organisationId === organisationId)) {
    throw new Error(
      `No local organisation ${organisationId}: ${LOCAL_ORGANISATIONS.map((o) => o.organisationId).join(', ')}`,
    );
  }
  const saved: Record<string, LocalMachineClient> = existsSync(clientsPath)
    ? JSON.parse(readFileSync(clientsPath, 'utf8'))
    : {};
  let credentials = saved[organisationId];
  if (!credentials) {
    const name = `${organisationId.toLowerCase()}-cms`;
    credentials = await createMachineAppClient(client, state.pool, name, [INVOLVEMENTS_WRITE_SCOPE]);
    const runtime = JSON.parse(readFileSync(join(localDir, RUNTIME_FILE), 'utf8'));
    const directory = new DynamoDirectoryRepository(
      documentClient('eu-west-2', runtime.dynamoEndpoint),
      runtime.tables,
    );
    await directory.putMachineClient({
      clientId: credentials.clientId,
      name,
      organisationId,
      status: 'active',
    });
    saved[organisationId] = credentials;
    writeFileSync(clientsPath, JSON.stringify(saved, null, 2), { mode: 0o600 });
  }
  return clientCredentialsToken(client, state.pool, credentials);
}

try {
  if (flag === '--client') {
    console.log(await machineToken(who));
  } else {
    const user = pickUser(state, who);
    if (!user) {
      console.error(`No local user for "${who}". Roles: ${ROLES.join(', ')}`);
      process.exit(2);
    }
    const tokens = await signInTokens(
      client,
      state.pool.clientId,
      user.email,
      state.password,
      user.totpSecret,
    );
    console.log(flag === '--access' ? tokens.accessToken : tokens.idToken);
  }
} catch (error) {
  console.error(`Could not get a token (is npm start running?): ${(error as Error).message}`);
  process.exit(1);
}
