import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { FileChildArchive } from '#adapters/archive/child-archive.ts';
import { DynamoChildRepository } from '#adapters/dynamo/child-repository.ts';
import { documentClient } from '#adapters/dynamo/client.ts';
import { DynamoInbox } from '#adapters/dynamo/inbox.ts';
import { DynamoInvolvementRepository } from '#adapters/dynamo/involvement-repository.ts';
import { DynamoRetentionStore } from '#adapters/dynamo/retention-store.ts';
import type { TableNames } from '#adapters/dynamo/tables.ts';
import { systemEnvironment } from '#adapters/environment.ts';
import { localBlockingKeyHasher } from '#adapters/keys/blocking-key-hasher.ts';
import { isCalendarDate } from '#domain/dates.ts';
import { anniversary } from '#domain/retention/rule.ts';
import { type RetentionSummary, runRetention } from '#domain/use-cases/retention.ts';
import { ensureTables, startDynamoDbLocal, tableNames } from './dynamodb.ts';
import { runningStack } from './running-stack.ts';
import { syntheticChildren } from './synthetic.ts';

/**
 * `npm run retention` runs the R7 retention job (archive the records whose leaving day has come, destroy
 * archives six years old) against the running local ContactPoint, as the daily schedule does; `--today
 * YYYY-MM-DD` sets the day it works on. Its audit events keep the real time: a future-dated event is one the
 * audit verifier refuses (R6). Destroying an archive before its real purge day is refused, as Object Lock does.
 *
 * `npm run retention -- --synthetic N` measures the job on its own: a temporary DynamoDB Local, N synthetic
 * children (with their involvements) seeded, then the job run on the day all of them have turned 18, and the
 * index queried again to show that none is left. Progress on one line and a summary; counts only, never a
 * child's data. Exit code 0 when every due record left, 1 when some failed, 2 when it could not run.
 */
const USAGE = `usage: npm run retention [-- --today YYYY-MM-DD]
       npm run retention -- --synthetic <children> [--concurrency <n>]`;

const { values } = parseArgs({
  options: {
    today: { type: 'string' },
    synthetic: { type: 'string' },
    concurrency: { type: 'string' },
    help: { type: 'boolean' },
  },
});

function fail(message: string, code: number): never {
  console.error(message);
  process.exit(code);
}

if (values.help) fail(USAGE, 0);
if (values.today !== undefined && !isCalendarDate(values.today)) fail(USAGE, 2);
const concurrency = Number(values.concurrency ?? 16);
if (!Number.isInteger(concurrency) || concurrency < 1) fail(USAGE, 2);

function progressLine(summary: RetentionSummary, total: number | undefined, started: number): string {
  const done = summary.archived + summary.skipped + summary.failed;
  const seconds = (Date.now() - started) / 1000;
  const rate = seconds > 0 ? Math.round(done / seconds) : 0;
  return `\r  ${done}${total ? ` / ${total}` : ''} records: ${summary.archived} archived, ${summary.skipped} skipped, ${summary.failed} failed — ${rate}/s   `;
}

async function run(options: {
  endpoint: string;
  tables: TableNames;
  keyringPath: string;
  archiveDir: string;
  /** The UK day the run works on (default: today); the clock, and so every audit event's time, stays true. */
  today?: string | undefined;
  total?: number;
}): Promise<{ summary: RetentionSummary; seconds: number; store: DynamoRetentionStore }> {
  const env = systemEnvironment;
  const db = documentClient('eu-west-2', options.endpoint);
  const store = new DynamoRetentionStore(db, options.tables, localBlockingKeyHasher(options.keyringPath));
  const archive = new FileChildArchive(options.archiveDir, options.keyringPath, env.now);
  const started = Date.now();
  let failures = 0;
  const summary = await runRetention(
    { retention: store, archive, inbox: new DynamoInbox(db, options.tables.alerts), env },
    {
      ...(options.today !== undefined && { today: options.today }),
      concurrency,
      onProgress: (s) => process.stdout.write(progressLine(s, options.total, started)),
      onFailure: (error) => {
        // The error's kind only: a message could name a key, and a key names a child.
        if (failures++ < 5) console.error(`\n  a record could not leave: ${(error as Error).name}`);
      },
    },
  );
  process.stdout.write('\n');
  return { summary, seconds: (Date.now() - started) / 1000, store };
}

function report(summary: RetentionSummary, seconds: number): void {
  const done = summary.archived + summary.skipped + summary.failed;
  console.log(
    `Retention run for ${summary.today} done in ${seconds.toFixed(1)} s: ${summary.archived} archived, ` +
      `${summary.skipped} no longer due or gone, ${summary.failed} failed (the next run retries them), ` +
      `${summary.purged} archives destroyed six years on (${summary.purgeFailed} could not be)` +
      `${seconds > 0 ? ` — ${Math.round(done / seconds)} records/s` : ''}.`,
  );
}

async function synthetic(count: number): Promise<void> {
  const workDir = mkdtempSync(join(tmpdir(), 'contactpoint-retention-'));
  const dynamo = await startDynamoDbLocal();
  try {
    const tables = tableNames('retention');
    await ensureTables(dynamo.client, tables);
    const db = documentClient('eu-west-2', dynamo.endpoint);
    const keyringPath = join(workDir, 'keyring.json');
    const children = new DynamoChildRepository(db, tables, localBlockingKeyHasher(keyringPath));
    const data = syntheticChildren(count);
    const seedStarted = Date.now();
    for (let i = 0; i < data.children.length; i += 1000) {
      await children.importRecords(data.children.slice(i, i + 1000));
      process.stdout.write(`\r  seeding children ${Math.min(i + 1000, data.children.length)} / ${count}   `);
    }
    await new DynamoInvolvementRepository(db, tables).importInvolvements(data.involvements);
    process.stdout.write('\n');
    console.log(
      `Seeded ${data.children.length} children and ${data.involvements.length} involvements in ` +
        `${((Date.now() - seedStarted) / 1000).toFixed(1)} s.`,
    );
    // The day the youngest has turned 18: every synthetic child (all under 18 when made) is due.
    const youngest = data.children.reduce((a, c) => (c.dateOfBirth > a ? c.dateOfBirth : a), '0000-00-00');
    const today = values.today ?? anniversary(youngest, 18);
    console.log(`Running the retention job on ${today} (${concurrency} at a time):`);
    const { summary, seconds, store } = await run({
      endpoint: dynamo.endpoint,
      tables,
      keyringPath,
      archiveDir: join(workDir, 'archive'),
      today,
      total: count,
    });
    report(summary, seconds);
    let left = 0;
    for await (const page of store.dueToLeave(today)) left += page.length;
    const archives = readdirSync(join(workDir, 'archive')).length;
    console.log(`Left in the retention index: ${left}; archive files written: ${archives}.`);
    if (summary.failed > 0 || left > 0) process.exitCode = 1;
  } finally {
    await dynamo.stop();
    rmSync(workDir, { recursive: true, force: true });
  }
}

try {
  if (values.synthetic !== undefined) {
    const count = Number(values.synthetic);
    if (!Number.isInteger(count) || count < 1) fail(USAGE, 2);
    await synthetic(count);
  } else {
    const { stateDir, runtime } = runningStack();
    const { summary, seconds } = await run({
      endpoint: runtime.dynamoEndpoint,
      tables: runtime.tables,
      keyringPath: join(stateDir, 'keyring.json'),
      archiveDir: join(stateDir, 'archive'),
      today: values.today,
    });
    report(summary, seconds);
    if (summary.failed > 0) process.exitCode = 1;
  }
} catch (error) {
  fail(`Could not run the retention job: ${(error as Error).message}`, 2);
}
