import { join, resolve } from 'node:path';
import { ROLES, type Role } from '#domain/access/principal.ts';
import { LOCAL_ORGANISATIONS, LOCAL_USERS } from './organisations.ts';
import { startLocalStack } from './stack.ts';

/**
 * `npm start`: ContactPoint on this machine. State lives in .local/ across restarts;
 * `npm start -- --reset` wipes it and seeds afresh.
 */
const root = resolve(import.meta.dirname, '..', '..');
const reset = process.argv.includes('--reset');
const port = Number(process.env.PORT ?? 3000);
const seedCount = Number(process.env.SEED_CHILDREN ?? 10_000);
const started = Date.now();

const stack = await startLocalStack({
  stateDir: join(root, '.local'),
  reset,
  port,
  seedCount,
  seedInBackground: true,
  progress: (message) => console.log(`  … ${message}`),
});

const example = stack.exampleChild;
const organisationOf = (id: string) => LOCAL_ORGANISATIONS.find((o) => o.organisationId === id);
const shortcut = (role: Role) => LOCAL_USERS.find((u) => u.role === role);
const curl = (role: Role, path: string) =>
  `curl -H "Authorization: Bearer $(npm run -s token -- ${role})" '${stack.url}${path}'`;
const council = organisationOf(shortcut('data-manager')?.organisationId ?? '');
const examples: [Role, string, string][] = example
  ? [
      [
        'practitioner',
        'find the example child',
        `/children?familyName=${encodeURIComponent(example.familyName)}&givenName=${encodeURIComponent(example.givenName)}&dateOfBirth=${example.dateOfBirth}&reason=SAFEGUARDING`,
      ],
      ['practitioner', 'see who else is involved', `/children/${example.childId}?reason=SAFEGUARDING`],
      ['practitioner', 'what you have been told about children you work with (R9)', '/me/alerts'],
      ['data-manager', 'open the record to correct it', `/children/${example.childId}?reason=DATA_QUALITY`],
      ['auditor', 'who looked at the child', `/audit/children/${example.childId}`],
      ['auditor', 'possible misuse to review (R10)', '/audit/alerts'],
      ['user-admin', 'the accounts you administer', `/users?organisationId=${council?.organisationId ?? ''}`],
      [
        'user-admin',
        'grants waiting for a second administrator (sign in as user-admin.second@… to approve)',
        '/account-changes',
      ],
      ['operator', 'your own account (operators see no child data)', '/me'],
    ]
  : [];
const users = LOCAL_USERS.map((u) => {
  const organisation = organisationOf(u.organisationId);
  const first = shortcut(u.role) === u;
  const override = u.rights?.includes('child-protection-override')
    ? '  [may break a shield: child-protection override]'
    : '';
  return `${first ? `${u.role} →`.padEnd(15) : ''.padEnd(15)}${u.email.padEnd(42)}${organisation?.name} (${u.organisationId})${override}`;
});
const practitioner = shortcut('practitioner');
console.log(`
ContactPoint is running  (ready in ${((Date.now() - started) / 1000).toFixed(1)} s)

  Console:          ${stack.consoleUrl}/
                    sign in as any local user below, password ${stack.state.password}
                    then the code from their authenticator app: npm run -s totp -- <role or e-mail>
                    (e.g. ${practitioner?.email}, then npm run -s totp -- practitioner)
  API:              ${stack.url}
  API description:  ${stack.url}/openapi.json
  Sign in:          npm run -s token -- <role or e-mail>   prints an ID token (valid 24 hours)
                    (-s keeps npm's banner out of the token; roles: ${ROLES.join(', ')})

  Local users (every one has TOTP MFA; "role →" marks the user a role shortcut signs in as):
    ${users.join('\n    ')}

  Try it${example ? ` with ${example.givenName} ${example.familyName} (${example.childId}), a child of ${council?.name}` : ''}:
${examples.map(([role, what, path]) => `    # ${role}: ${what}\n    ${curl(role, path)}`).join('\n')}

  Alert digests:    written daily at 07:00 UTC as .eml files to .local/mail/ (SES in AWS)
  Data:             .local/ (kept across restarts; npm start -- --reset starts afresh)${
    stack.state.seededChildren === seedCount
      ? ''
      : `\n                    seeding ${seedCount} synthetic children continues below; the example child is already in`
  }

Press Ctrl+C to stop.`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    console.log('\nstopping…');
    stack.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}

stack.seeding.then(
  () => undefined,
  (error: unknown) => {
    if (!stopping) console.error(`seeding failed: ${(error as Error).message}`);
  },
);
