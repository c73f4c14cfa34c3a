import { join, resolve } from 'node:path';
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
const search = example
  ? `${stack.url}/children?familyName=${encodeURIComponent(example.familyName)}&givenName=${encodeURIComponent(example.givenName)}&dateOfBirth=${example.dateOfBirth}&reason=SAFEGUARDING`
  : `${stack.url}/children?familyName=Walker&givenName=Amelia&dateOfBirth=2016-04-09&reason=SAFEGUARDING`;
console.log(`
ContactPoint is running at ${stack.url}  (ready in ${((Date.now() - started) / 1000).toFixed(1)} s)

  API description:  ${stack.url}/openapi.json
  Sign in:          npm run token -- practitioner      (or data-manager, user-admin, auditor, operator)
                    prints a bearer token (an ID token from the local Cognito pool, valid 24 hours)

  Try a search as a practitioner:
    TOKEN=$(npm run -s token -- practitioner)
    curl -H "Authorization: Bearer $TOKEN" '${search}'

  Local users:      ${stack.state.users.map((u) => `${u.role} ${u.email}`).join('\n                    ')}
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
