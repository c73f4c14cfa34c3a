import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { documentClient } from '#adapters/dynamo/client.ts';
import { ChildRekeying, isDone, type RekeyCursor } from '#adapters/dynamo/rekey-children.ts';
import { localBlockingKeyHasher } from '#adapters/keys/blocking-key-hasher.ts';
import { runningStack } from './running-stack.ts';

/**
 * `npm run search:rekey`: the re-keying migration against the running local stack (the twin of the
 * rekey-children job in AWS). After the keyring's `blockingKeys` gains a new current key, every child's
 * key items and identifier claims are rewritten under it, then the records still under an older key are
 * counted. A checkpoint (the cursor) is written after every page, so a run that is interrupted resumes
 * where it stopped; it is removed once the run completes. Exit code 0 when nothing remains under an older
 * key, 1 when some does (run it again), 2 when it cannot run. Prints counts only, never a child's data.
 */
export const CHECKPOINT_FILE = 'rekey-checkpoint.json';

const { stateDir, runtime } = runningStack();
const checkpointPath = join(stateDir, CHECKPOINT_FILE);
const rekeying = new ChildRekeying(
  documentClient('eu-west-2', runtime.dynamoEndpoint),
  runtime.tables,
  localBlockingKeyHasher(join(stateDir, 'keyring.json')),
);

/** Written whole, then renamed: an interruption mid-write leaves the previous checkpoint. */
function saveCheckpoint(cursor: RekeyCursor): void {
  const next = `${checkpointPath}.${process.pid}.tmp`;
  writeFileSync(next, JSON.stringify(cursor, null, 2), { mode: 0o600 });
  renameSync(next, checkpointPath);
}

try {
  const resumed = existsSync(checkpointPath);
  // A checkpoint is validated as any cursor from outside; one in the check pass restarts the check.
  const from = resumed
    ? await rekeying.resume(JSON.parse(readFileSync(checkpointPath, 'utf8')))
    : await rekeying.start();
  const total = await rekeying.countRecords();
  console.log(
    `${resumed ? 'Resuming' : 'Re-keying'} about ${total} children under ${from.generation}` +
      `${resumed ? ` (checkpoint: ${from.counts.rekeyed + from.counts.alreadyCurrent} done)` : ''}`,
  );
  const started = Date.now();
  const doneAtStart = from.counts.rekeyed + from.counts.alreadyCurrent + from.counts.gone;
  let stopping = false;
  process.once('SIGINT', () => {
    stopping = true;
    console.log('\nStopping after this page; run it again to resume.');
  });
  const end = await rekeying.run(from, {
    keepGoing: () => !stopping,
    onPage: (cursor) => {
      saveCheckpoint(cursor);
      const { rekeyed, alreadyCurrent, gone } = cursor.counts;
      const done = rekeyed + alreadyCurrent + gone;
      const seconds = (Date.now() - started) / 1000;
      const rate = seconds > 0 ? Math.round((done - doneAtStart) / seconds) : 0;
      if (cursor.pass === 'rekey') process.stdout.write(`\r  ${done} / ~${total} children, ${rate}/s   `);
    },
  });
  process.stdout.write('\n');
  const { rekeyed, alreadyCurrent, retried, gone, remaining } = end.counts;
  if (!isDone(end)) {
    console.log(`Paused: ${rekeyed} re-keyed so far; the checkpoint is kept, run it again to resume.`);
    process.exit(1);
  }
  rmSync(checkpointPath, { force: true });
  console.log(
    `Done in ${((Date.now() - started) / 1000).toFixed(1)} s: ${rekeyed} re-keyed, ${alreadyCurrent} already current, ` +
      `${retried} retried after a concurrent change, ${gone} deleted meanwhile; ${remaining} remaining under an older key.`,
  );
  if (remaining > 0) console.log('Some were written under an older key meanwhile: run it again.');
  process.exit(remaining === 0 ? 0 : 1);
} catch (error) {
  console.error(
    `Could not re-key (is npm start running? the checkpoint, if any, is kept): ${(error as Error).message}`,
  );
  process.exit(2);
}
