import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { matchingModelFrom } from '#adapters/matching-model.ts';
import { FEED_NAMES, type FeedName } from '#domain/feeds/feed.ts';
import { shieldChild } from '#domain/use-cases/change-child.ts';
import { emptySummary, type LinkSummary } from '#domain/use-cases/link-feed-records.ts';
import { type FeedLoadReport, loadFeedFile } from '#infra/local/feed-load.ts';
import { writeSyntheticFeeds } from '#infra/local/synthetic-feed-files.ts';
import type { PopulationTruth, TruthRow } from '#infra/local/synthetic-population.ts';
import { leedsDataManager } from '#test/support/builders.ts';
import { bareLinkage, operationsPerRow, snapshot } from './bare-linkage.ts';
import { pool, table } from './stats.ts';

/** Children in the synthetic population; the goal is stated for 100,000. */
const CHILDREN = Number(process.env.FEED_LOAD_CHILDREN ?? 20_000);
const GOAL_CHILDREN = 100_000;
const BLOCK = 10_000;
/** The share of the children births made that a council shields before the other feeds arrive. */
const SHIELD_EVERY = 100;

/** DynamoDB calls per row, as the SDK names them, and how the table heads them. */
const OPERATION_COLUMNS = [
  ['Query', 'queries/row'],
  ['GetItem', 'gets/row'],
  ['TransactWriteItems', 'transactions/row'],
  ['transaction items', 'transaction items/row'],
  ['PutItem', 'puts/row'],
] as const;

const seconds = (ms: number) => (ms / 1000).toFixed(1);

/**
 * R8 at scale on this machine: four synthetic feeds for CHILDREN children loaded through loadFeedFile into a
 * bare DynamoDB Local, births first; then ~1% of the children births made are shielded so the later feeds meet
 * shielded children. The truth file says which person each row describes: split and merged persons, twins
 * merged, unshielded duplicates of shielded children, rows lost. Then every file is loaded again: nothing may
 * change.
 */
export async function feedLoad(log: (line: string) => void): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'contactpoint-feed-load-'));
  const bare = await bareLinkage(matchingModelFrom({}));
  try {
    log(`writing synthetic feeds for ${CHILDREN} children`);
    const generated = await writeSyntheticFeeds(join(dir, 'files'), CHILDREN, { seed: 12 });
    const truth = JSON.parse(readFileSync(generated.truthFile, 'utf8')) as PopulationTruth;
    const stateDir = join(dir, 'state');
    const reports: Partial<Record<FeedName, FeedLoadReport>> = {};
    const operations: Partial<Record<FeedName, Record<string, number>>> = {};
    const started = performance.now();
    // Time at each BLOCK rows across the whole load, for the seconds each successive BLOCK took.
    const marks: number[] = [started];
    let rowsBefore = 0;
    const shielded = new Set<string>();
    for (const feed of FEED_NAMES) {
      const before = snapshot(bare.operations);
      const report = await loadFeedFile(bare.deps, feed, generated.files[feed], {
        stateDir,
        onProgress: ({ rows, rejected }) => {
          const total = rowsBefore + rows;
          while (total >= marks.length * BLOCK) marks.push(performance.now());
          process.stdout.write(
            `\r  … ${feed}: ${rows}/${generated.rowCounts[feed]} rows, ${rejected} rejected, ${seconds(performance.now() - started)} s`,
          );
        },
      });
      process.stdout.write('\n');
      reports[feed] = report;
      operations[feed] = operationsPerRow(bare.operations, before, report.rows);
      rowsBefore += report.rows;
      if (feed === 'births') {
        const made = new Set<string>();
        for (const row of truth.rows.filter((r) => r.feed === 'births')) {
          const link = (await bare.deps.feeds.sourceState(row.feed, row.sourceId, '')).link;
          if (link) made.add(link.childId);
        }
        const chosen = [...made].sort().filter((_, i) => i % SHIELD_EVERY === 0);
        log(`shielding ${chosen.length} of the ${made.size} children births made`);
        const shieldStarted = performance.now();
        await pool(chosen, 8, async (childId) => {
          await shieldChild(
            bare.adapters,
            leedsDataManager,
            childId,
            { reason: 'adult-at-risk', reviewDate: '2027-06-01' },
            { requestId: 'bench-shield', sourceIp: 'internal' },
          );
          shielded.add(childId);
        });
        // Shielding is not part of the load's time.
        const pause = performance.now() - shieldStarted;
        for (let i = 0; i < marks.length; i++) marks[i] = (marks[i] as number) + pause;
      }
    }
    const ended = performance.now();
    const totalRows = rowsBefore;
    if (marks.length * BLOCK > totalRows) marks.push(ended);
    // Started times were shifted by the shielding pause: the first mark is the load's start.
    const blocks = marks.slice(1).map((t, i) => (t - (marks[i] as number)) / 1000);
    const loadSeconds = blocks.reduce((a, b) => a + b, 0);

    log('reading every row’s link back for the truth check');
    const childrenOf = new Map<string, Set<string>>();
    const personsOf = new Map<string, Set<string>>();
    let pending = 0;
    let unlinked = 0;
    const linkOf = new Map<TruthRow, string>();
    await pool(truth.rows, 8, async (row) => {
      const state = await bare.deps.feeds.sourceState(row.feed, row.sourceId, '');
      if (state.link) {
        const childId = state.link.childId;
        linkOf.set(row, childId);
        if (!childrenOf.has(row.person)) childrenOf.set(row.person, new Set());
        childrenOf.get(row.person)?.add(childId);
        if (!personsOf.has(childId)) personsOf.set(childId, new Set());
        personsOf.get(childId)?.add(row.person);
      } else if (state.pending) pending++;
      else unlinked++;
    });
    const rejected = FEED_NAMES.reduce((n, feed) => n + (reports[feed]?.rejected.length ?? 0), 0);
    const twins = truth.persons.filter((p) => p.twinOf !== undefined);
    const twinsMerged = [...personsOf.values()].filter((persons) =>
      twins.some((t) => persons.has(t.person) && persons.has(t.twinOf as string)),
    ).length;
    const duplicated = new Set(
      [...childrenOf.entries()]
        .filter(
          ([, kids]) => [...kids].some((k) => shielded.has(k)) && [...kids].some((k) => !shielded.has(k)),
        )
        .map(([person]) => person),
    );
    const unshieldedDuplicates = duplicated.size;
    // Why: the feed and the truth's faults of each row such a person has on an unshielded child (never a value).
    const duplicateRows = new Map<string, number>();
    for (const row of truth.rows) {
      const childId = linkOf.get(row);
      if (!duplicated.has(row.person) || !childId || shielded.has(childId)) continue;
      const key = `${row.feed}: ${row.faults.join(' + ') || 'no fault'}`;
      duplicateRows.set(key, (duplicateRows.get(key) ?? 0) + 1);
    }
    // Why children hold more than one person: how the persons are related, and the feed and faults of each row
    // of a person other than the child's first (never a value).
    const personOf = new Map(truth.persons.map((p) => [p.person, p]));
    const mergedRows = new Map<string, number>();
    for (const [childId, persons] of personsOf) {
      if (persons.size < 2) continue;
      const [first, ...others] = [...persons].map((id) => personOf.get(id));
      for (const other of others) {
        const relation =
          first?.twinOf === other?.person
            ? 'twins'
            : first?.household === other?.household
              ? 'same household'
              : first?.dateOfBirth === other?.dateOfBirth
                ? 'other households, same date of birth'
                : 'other households';
        for (const row of truth.rows) {
          if (row.person !== other?.person || linkOf.get(row) !== childId) continue;
          const key = `${relation} — ${row.feed}: ${row.faults.join(' + ') || 'no fault'}`;
          mergedRows.set(key, (mergedRows.get(key) ?? 0) + 1);
        }
      }
    }
    const shieldedReviews = bare.raised.filter((item) => item.candidateShielded).length;
    const firstPass = bare.raised.length;

    log('loading all four files again');
    const again = emptySummary();
    const againStarted = performance.now();
    for (const feed of FEED_NAMES) {
      const report = await loadFeedFile(bare.deps, feed, generated.files[feed], { stateDir });
      for (const key of Object.keys(again) as (keyof LinkSummary)[]) again[key] += report.summary[key];
    }
    const againSeconds = (performance.now() - againStarted) / 1000;

    const feedRows = FEED_NAMES.map((feed) => {
      const r = reports[feed] as FeedLoadReport;
      const ops = operations[feed] ?? {};
      return [
        feed,
        r.rows,
        r.rejected.length,
        r.summary.created,
        r.summary.linked,
        r.summary.queuedForReview,
        r.seconds.toFixed(1),
        (r.rows / r.seconds).toFixed(0),
        ...OPERATION_COLUMNS.map(([name]) => (ops[name] ?? 0).toFixed(2)),
      ];
    });
    const middle = Math.floor((blocks.length - 1) / 2);
    const blockRows = (i: number) => Math.min(BLOCK, totalRows - i * BLOCK);
    const per10k = (i: number) => ((blocks[i] as number) * BLOCK) / blockRows(i);
    const flat = [...new Set([0, middle, blocks.length - 1])].map((i) => [
      i === 0 ? 'first' : i === blocks.length - 1 ? 'last' : 'middle',
      `${i * BLOCK + 1}–${i * BLOCK + blockRows(i)}`,
      per10k(i).toFixed(1),
    ]);
    const projected = (loadSeconds / CHILDREN) * GOAL_CHILDREN;
    const split = [...childrenOf.values()].filter((kids) => kids.size > 1).length;
    const merged = [...personsOf.values()].filter((persons) => persons.size > 1).length;
    const againChanges = again.created + again.linked + again.updated;
    return [
      `Synthetic four-feed load (R8) of ${CHILDREN} children on this machine (2 cores, DynamoDB Local in memory; reviewed model and thresholds). Goal stated for ${GOAL_CHILDREN}: ≤ 15 min — run it with FEED_LOAD_CHILDREN=${GOAL_CHILDREN} npm run bench -- feed-load`,
      table([
        [
          'feed',
          'rows',
          'rejected',
          'created',
          'linked',
          'queued',
          's',
          'rows/s',
          ...OPERATION_COLUMNS.map(([, heading]) => heading),
        ],
        ...feedRows,
      ]),
      `total: ${totalRows} rows in ${loadSeconds.toFixed(1)} s (${(totalRows / loadSeconds).toFixed(0)} rows/s; shielding ${shielded.size} children between births and the rest not counted); ${CHILDREN} → ${GOAL_CHILDREN} children at this rate: ${(projected / 60).toFixed(1)} min (goal ≤ 15 min)`,
      table([['10,000 rows', 'rows', 's per 10,000 rows'], ...flat]),
      `every block, s per 10,000: ${blocks.map((_, i) => per10k(i).toFixed(1)).join(', ')}`,
      '',
      'Against the truth (which person each row describes):',
      table([
        ['measure', 'value'],
        ['persons', truth.persons.length],
        ['children made', personsOf.size],
        ['persons split over more than one child', split],
        ['children holding more than one person', merged],
        ['twins merged (goal 0)', twinsMerged],
        [
          `unshielded duplicates of shielded children (${shielded.size} shielded; goal 0)`,
          unshieldedDuplicates,
        ],
        [
          'rows lost: neither linked, awaiting review nor rejected (goal 0)',
          Math.max(0, unlinked - rejected),
        ],
        ['rows awaiting review', pending],
        ['rows rejected', rejected],
        ['reviews raised', `${firstPass} (${shieldedReviews} for a shielded child's team)`],
      ]),
      ...(mergedRows.size > 0
        ? [
            `Rows joined to a child of another person, by how the persons are related, the feed and the row's faults in the truth: ${[
              ...mergedRows.entries(),
            ]
              .sort((x, y) => y[1] - x[1])
              .map(([key, n]) => `${n} × ${key}`)
              .join('; ')}`,
          ]
        : []),
      ...(duplicateRows.size > 0
        ? [
            `Rows of shielded children on an unshielded child, by feed and the row's faults in the truth: ${[
              ...duplicateRows.entries(),
            ]
              .map(([key, n]) => `${n} × ${key}`)
              .join('; ')}`,
          ]
        : []),
      `Loaded again (${againSeconds.toFixed(1)} s): ${again.rows} rows, ${again.unchanged} unchanged, ${again.queuedForReview} still awaiting review, ${again.created} created, ${again.linked} linked, ${again.updated} updated, ${bare.raised.length - firstPass} reviews raised — ${againChanges === 0 && bare.raised.length === firstPass ? 'nothing changed' : 'CHANGED (a defect)'}`,
      `Per-row DynamoDB calls are measured on the first load (a transaction item is two write units in AWS); every call made: ${Object.keys(
        bare.operations.calls,
      )
        .map((name) => name.replace(/Command$/, ''))
        .join(', ')}.`,
    ].join('\n');
  } finally {
    await bare.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
