import { join } from 'node:path';
import { sealDependencies } from '#adapters/audit/seal-dependencies.ts';
import { describeProblem, verifyAuditTrail } from '#adapters/audit/verify-trail.ts';
import { documentClient } from '#adapters/dynamo/client.ts';
import { readSettings } from '#runtime/settings.ts';
import { runningStack } from './running-stack.ts';
import { LOCAL_SEAL_LAG_SECONDS } from './stack.ts';

/**
 * `npm run audit:verify`: checks the local audit trail against its seals, the events kept with them and
 * the audit index, and names every edited, deleted, reordered or overdue unsealed event, every replaced
 * seal and every edited, invented or missing index item. AUDIT_SEAL_LAG_SECONDS (120 locally) is how
 * long an event may wait for its seal. Exit code 0 when intact, 1 when anything is wrong, 2 when it
 * cannot run. Needs `npm start` running (it reads the trail from the running DynamoDB Local).
 */
const { stateDir, runtime } = runningStack();
const { AUDIT_SEAL_LAG_SECONDS: lagSeconds } = readSettings('auditVerification', {
  AUDIT_SEAL_LAG_SECONDS: LOCAL_SEAL_LAG_SECONDS,
  ...process.env,
});
const deps = sealDependencies({
  LOCAL_KEYRING_FILE: join(stateDir, 'keyring.json'),
  LOCAL_SEAL_DIR: join(stateDir, 'audit-seals'),
});
try {
  const result = await verifyAuditTrail(
    documentClient('eu-west-2', runtime.dynamoEndpoint),
    runtime.tables,
    deps,
    { lagSeconds },
  );
  console.log(
    `${result.seals} seals, ${result.sealedEvents} events sealed, ${result.pendingEvents} not yet sealed; ` +
      `${result.problems.length === 0 ? 'the audit trail is intact' : `${result.problems.length} problems:`}`,
  );
  for (const problem of result.problems) console.log(`  - ${describeProblem(problem)}`);
  process.exit(result.problems.length === 0 ? 0 : 1);
} catch (error) {
  console.error(`Could not verify the audit trail (is npm start running?): ${(error as Error).message}`);
  process.exit(2);
}
