import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adaptersFrom } from '#adapters/dependencies.ts';
import { feedLinkageWith } from '#adapters/feed-linkage.ts';
import { matchingModelFrom } from '#adapters/matching-model.ts';
import { postcodeAuthorities } from '#adapters/postcode-authorities.ts';
import { FEED_NAMES } from '#domain/feeds/feed.ts';
import { ensureTables, startDynamoDbLocal, tableNames } from '#infra/local/dynamodb.ts';
import { loadFeedFile } from '#infra/local/feed-load.ts';
import { writeSyntheticFeeds } from '#infra/local/synthetic-feed-files.ts';
import { readSettings, tableSettings } from '#runtime/settings.ts';
import { MemoryReviewQueue } from '#test/support/memory-reviews.ts';

const N = Number(process.argv[2] ?? 2000);
const dynamo = await startDynamoDbLocal();
const tables = tableNames(`p-${randomBytes(3).toString('hex')}`);
await ensureTables(dynamo.client, tables);
const adapters = adaptersFrom(
  readSettings('adapters', {
    ...tableSettings(tables),
    AWS_REGION: 'eu-west-2',
    DYNAMODB_ENDPOINT: dynamo.endpoint,
    ACCOUNT_CACHE_SECONDS: '0',
  }),
  { LOCAL_KEYRING_FILE: join(tmpdir(), `perf-keyring.json`) },
);
const reviews = new MemoryReviewQueue();
const deps = feedLinkageWith(adapters, {
  matching: matchingModelFrom({}),
  reviews,
  authorities: postcodeAuthorities(
    JSON.stringify({
      areas: { LS: ['E08000035', 'Leeds'], BD: ['E08000032', 'Bradford'] },
      default: ['E08000035', 'Leeds'],
    }),
  ),
});
const dir = join(tmpdir(), `perf-feeds-${N}`);
const files = await writeSyntheticFeeds(dir, N, { seed: 7 });
console.log(files.rowCounts);
const t0 = Date.now();
for (const feed of FEED_NAMES) {
  const r = await loadFeedFile(deps, feed, files.files[feed], {
    stateDir: join(dir, 'state'),
    onProgress: (p) => process.stdout.write(`\r${feed} ${p.rows} ${((Date.now() - t0) / 1000).toFixed(0)}s`),
  });
  console.log('\n', feed, r.summary, 'rejected', r.rejected.length, r.seconds.toFixed(1), 's');
}
console.log('total', ((Date.now() - t0) / 1000).toFixed(1), 's', 'reviews', reviews.items.size);
// truth check
const truth = JSON.parse((await import('node:fs')).readFileSync(files.truthFile, 'utf8'));
const byPerson = new Map<number, Set<string>>();
const childPersons = new Map<string, Set<number>>();
for (const row of truth.rows) {
  const s = await deps.feeds.sourceState(row.feed, row.sourceId, '');
  if (!s.link) continue;
  (byPerson.get(row.person) ?? byPerson.set(row.person, new Set()).get(row.person))!.add(s.link.childId);
  (childPersons.get(s.link.childId) ?? childPersons.set(s.link.childId, new Set()).get(s.link.childId))!.add(
    row.person,
  );
}
let split = 0,
  merged = 0;
for (const s of byPerson.values()) if (s.size > 1) split++;
for (const s of childPersons.values()) if (s.size > 1) merged++;
const splitEx: unknown[] = [];
for (const [person, kids] of byPerson)
  if (kids.size > 1 && splitEx.length < 6) {
    const rows = truth.rows.filter((r: { person: number }) => r.person === person);
    const out = [];
    for (const r of rows) {
      const s2 = await deps.feeds.sourceState(r.feed, r.sourceId, '');
      const src = s2.link
        ? (await deps.feeds.sourcesOf(s2.link.childId)).find((x) => x.sourceId === r.sourceId)
        : undefined;
      out.push({
        feed: r.feed,
        child: s2.link?.childId,
        faults: r.faults,
        f: src && {
          g: src.fields.givenName,
          fam: src.fields.familyName,
          o: src.fields.otherNames,
          d: src.fields.dateOfBirth,
          pc: src.fields.address?.postcode,
        },
      });
    }
    splitEx.push(out);
  }
console.log(JSON.stringify(splitEx));
console.log(
  'persons',
  byPerson.size,
  'children',
  childPersons.size,
  'persons split over >1 child',
  split,
  'children merging >1 person',
  merged,
);
const items = [...reviews.items.values()];
const buckets = new Map<string, number>();
for (const i of items) {
  const k = `${i.row.feed} p=${i.probability.toFixed(1)} ${i.candidateShielded}`;
  buckets.set(k, (buckets.get(k) ?? 0) + 1);
}
console.log([...buckets.entries()].sort());
const truthRows = new Map<string, number>(
  truth.rows.map((r: { feed: string; sourceId: string; person: number }) => [
    `${r.feed}|${r.sourceId}`,
    r.person,
  ]),
);
let same = 0,
  diff = 0;
const ex: unknown[] = [];
for (const i of items) {
  const cand = await deps.feeds.sourcesOf(i.candidateChildId);
  const persons = new Set(cand.map((s) => truthRows.get(`${s.feed}|${s.sourceId}`)));
  if (persons.has(truthRows.get(`${i.row.feed}|${i.row.sourceId}`))) same++;
  else {
    diff++;
    if (ex.length < 4) ex.push({ row: i.row.fields, cand: cand[0]?.fields, p: i.probability, why: i.why });
  }
}
console.log('reviews truly same', same, 'different', diff);
console.log(JSON.stringify(ex, null, 1));
const again = Date.now();
if (process.env.NORELOAD) {
  await dynamo.stop();
  process.exit(0);
}
for (const feed of FEED_NAMES) {
  const r = await loadFeedFile(deps, feed, files.files[feed], { stateDir: join(dir, 'state') });
  console.log('reload', feed, r.summary);
}
console.log('reload s', ((Date.now() - again) / 1000).toFixed(1));
await dynamo.stop();
