import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { generate } from 'otplib';
import { ROLES } from '#domain/access/principal.ts';
import { pickUser, STATE_FILE } from './stack.ts';

/**
 * `npm run -s totp -- <role|email>`: the six-digit code the user's authenticator app would show now, for the
 * console's sign-in (every local user is enrolled in TOTP; the shared secrets are in .local/state.json).
 */
const statePath = join(resolve(import.meta.dirname, '..', '..'), '.local', STATE_FILE);
const who = process.argv[2];
if (!who) {
  console.error(`usage: npm run -s totp -- <${ROLES.join('|')}|e-mail>`);
  process.exit(2);
}
if (!existsSync(statePath)) {
  console.error('ContactPoint has not been started here yet: run npm start first.');
  process.exit(1);
}
const user = pickUser(JSON.parse(readFileSync(statePath, 'utf8')), who);
if (!user) {
  console.error(`No local user ${who}`);
  process.exit(1);
}
console.log(await generate({ secret: user.totpSecret }));
