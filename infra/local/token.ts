import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { ROLES } from '#domain/access/principal.ts';
import { signIn } from './cognito.ts';
import { pickUser, STATE_FILE } from './stack.ts';

/** `npm run token -- <role|email>`: signs in to the running local pool and prints an ID token. */
const statePath = join(resolve(import.meta.dirname, '..', '..'), '.local', STATE_FILE);
const who = process.argv[2];
if (!who) {
  console.error(`usage: npm run token -- <${ROLES.join('|')}|e-mail>`);
  process.exit(2);
}
if (!existsSync(statePath)) {
  console.error('ContactPoint has not been started here yet: run npm start first.');
  process.exit(1);
}
const state = JSON.parse(readFileSync(statePath, 'utf8'));
const user = pickUser(state, who);
if (!user) {
  console.error(`No local user for "${who}". Roles: ${ROLES.join(', ')}`);
  process.exit(2);
}
const client = new CognitoIdentityProviderClient({
  endpoint: `http://127.0.0.1:${state.cognitoPort}`,
  region: 'local',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
});
try {
  console.log(await signIn(client, state.pool.clientId, user.email, state.password, user.totpSecret));
} catch (error) {
  console.error(`Could not sign in (is npm start running?): ${(error as Error).message}`);
  process.exit(1);
}
