import { FEED_FORMATS } from '#domain/feeds/columns.ts';
import type { FeedRecord } from '#domain/feeds/feed.ts';
import {
  comparableOf,
  isAnotherChildOfTheHousehold,
  LINKAGE_THRESHOLDS,
  linkageKeysOf,
} from '#domain/feeds/linkage.ts';
import { describesTheChild } from '#domain/matching/engine.ts';
import type { MatchingModel } from '#domain/matching/model.ts';
import { type ComparisonVector, compareRecords } from '#domain/matching/vector.ts';
import { weigh } from '#domain/matching/weigh.ts';
import { emptySummary, linkFeedRecords } from '#domain/use-cases/link-feed-records.ts';
import { bareLinkage } from './bare-linkage.ts';
import { asChild, type FebrlRecord, febrlChildId } from './febrl.ts';
import { febrlModel } from './matching-model.ts';
import { table } from './stats.ts';

const FEED = 'child-benefit';
const EXTRACT_DATE = '2026-11-01';
const CHUNK = 500;

/**
 * A dataset4b record as a child benefit row: the fields asChild maps (given and family name, date of birth, an
 * address only when line, town and postcode are all there), the FEBRL record id as the claim. The row goes
 * through the feed's own validation, so a record that could not be a valid row is rejected as a load would.
 */
export function childBenefitRowOf(r: FebrlRecord, line: number): FeedRecord | { rejected: string[] } {
  const address = r.postcode && r.line1 && r.town;
  const result = FEED_FORMATS[FEED].read({
    claim_reference: r.recordId,
    child_number: '1',
    extract_date: EXTRACT_DATE,
    child_given_name: r.givenName,
    child_family_name: r.familyName,
    child_date_of_birth: r.dateOfBirth ?? '',
    claimant_name: '',
    address_line1: address ? r.line1 : '',
    address_line2: '',
    town: address ? r.town : '',
    postcode: address ? (r.postcode as string) : '',
  });
  if (!result.success) return { rejected: [...new Set(result.error.issues.map((i) => String(i.path[0])))] };
  return { feed: FEED, line, ...result.data };
}

/** Comparison levels only (never a value), as the breakdown names them. */
const levelsOf = (v: ComparisonVector) =>
  `given ${v.givenName ?? '–'}, family ${v.familyName ?? '–'}, birth ${v.dateOfBirth ?? '–'}, postcode ${v.postcode ?? '–'}`;

function count(into: Map<string, number>, key: string): void {
  into.set(key, (into.get(key) ?? 0) + 1);
}

const top = (m: Map<string, number>, n = 6) =>
  [...m.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, c]) => `    ${c} × ${k}`);

const f1 = (p: number, r: number) => (p + r === 0 ? 0 : (2 * p * r) / (p + r));

/**
 * FEBRL 4 through the feed linker (R8): dataset4a loaded as children, every dataset4b record then arriving as
 * a child benefit row and linked with the reviewed thresholds and the model trained without labels. Pairwise:
 * a predicted pair is a row linked to an original; a true pair is each row with its true original.
 */
export async function feedLinkageQuality(
  originals: FebrlRecord[],
  duplicates: FebrlRecord[],
  log: (line: string) => void,
): Promise<string> {
  log('training the matching model on FEBRL 4 without its labels');
  const model: MatchingModel = febrlModel(originals, duplicates);
  log('starting DynamoDB Local (bare tables)');
  const bare = await bareLinkage(model);
  try {
    const children = originals.map(asChild).filter((c) => c !== undefined);
    await bare.children.importRecords(children);
    const loaded = new Map(children.map((c) => [c.childId, c]));
    log(`loaded ${children.length} of ${originals.length} FEBRL originals as children`);
    const rows: { record: FebrlRecord; row: FeedRecord }[] = [];
    const rejectedBy = new Map<string, number>();
    let rejected = 0;
    duplicates.forEach((record, i) => {
      const row = childBenefitRowOf(record, i + 2);
      if ('rejected' in row) {
        rejected++;
        count(rejectedBy, `rejected: ${row.rejected.join(', ')}`);
      } else rows.push({ record, row });
    });
    const summary = emptySummary();
    const started = performance.now();
    for (let i = 0; i < rows.length; i += CHUNK) {
      const linked = await linkFeedRecords(
        bare.deps,
        rows.slice(i, i + CHUNK).map((r) => r.row),
      );
      for (const key of Object.keys(summary) as (keyof typeof summary)[]) summary[key] += linked[key];
      process.stdout.write(`\r  … linked ${Math.min(i + CHUNK, rows.length)}/${rows.length} rows`);
    }
    const seconds = (performance.now() - started) / 1000;
    process.stdout.write('\n');
    const reviewOf = new Map(bare.raised.map((item) => [item.row.sourceId, item]));
    const states = new Map<string, Awaited<ReturnType<typeof bare.deps.feeds.sourceState>>>();
    const rowsOfChild = new Map<string, number>();
    for (const { row } of rows) {
      const state = await bare.deps.feeds.sourceState(FEED, row.sourceId, '');
      states.set(row.sourceId, state);
      if (state.link) count(rowsOfChild, state.link.childId);
    }
    let right = 0;
    let wrong = 0;
    let sharedNew = 0;
    let queued = 0;
    let queuedTrue = 0;
    const wrongBy = new Map<string, number>();
    const missedBy = new Map<string, number>(rejectedBy);
    for (const { record, row } of rows) {
      const truth = febrlChildId(record.trueId);
      const state = states.get(row.sourceId);
      const linkedTo = state?.link?.childId;
      const original = loaded.get(truth);
      const vectorWith = (childId: string) => {
        const child = loaded.get(childId);
        return child
          ? compareRecords(comparableOf(row.fields), {
              givenName: child.givenName,
              familyName: child.familyName,
              dateOfBirth: child.dateOfBirth,
              postcodes: child.address ? [child.address.postcode] : undefined,
            })
          : undefined;
      };
      if (linkedTo === truth) {
        right++;
        continue;
      }
      if (linkedTo && loaded.has(linkedTo)) {
        wrong++;
        count(wrongBy, `linked to a wrong original at ${levelsOf(vectorWith(linkedTo) as ComparisonVector)}`);
      }
      // Why the true pair was missed.
      if (!original) {
        count(missedBy, 'true original could not be loaded (no name or date of birth)');
        continue;
      }
      if (state?.pending) {
        queued++;
        const item = reviewOf.get(row.sourceId);
        if (item?.candidateChildId === truth) queuedTrue++;
        count(
          missedBy,
          `queued for review (${item?.candidateChildId === truth ? 'the true child' : 'another child'})`,
        );
        continue;
      }
      const v = vectorWith(truth) as ComparisonVector;
      const found = await bare.children.findByKeys(linkageKeysOf(row.fields));
      const met = [...found.values()].some((profiles) => profiles.some((p) => p.childId === truth));
      const p = weigh(model, v, model.searchPrior).probability;
      const cause = !met
        ? 'no linkage key met the true child'
        : isAnotherChildOfTheHousehold(v)
          ? 'true child ruled out as a twin or sibling (household, another given name)'
          : !describesTheChild(v)
            ? 'true child ruled out: the fields do not describe the child'
            : p < LINKAGE_THRESHOLDS.review
              ? `probability with the true child below review (${p < 0.01 ? '<0.01' : p.toFixed(2)})`
              : 'another candidate or rule won';
      const shared = linkedTo !== undefined && !loaded.has(linkedTo) && (rowsOfChild.get(linkedTo) ?? 0) > 1;
      if (shared) sharedNew++;
      const where = !linkedTo
        ? 'unlinked'
        : loaded.has(linkedTo)
          ? 'linked elsewhere'
          : shared
            ? 'new child shared with another 4b row'
            : 'made a new child';
      count(missedBy, `${where}: ${cause}; levels with the true child: ${levelsOf(v)}`);
    }
    const truePairs = duplicates.length;
    // Pairs no linker could make: the row was rejected, or its original could not be a record.
    const findable = rows.filter((r) => loaded.has(febrlChildId(r.record.trueId))).length;
    const precision = right / Math.max(1, right + wrong);
    const recall = right / truePairs;
    const upperRight = right + queuedTrue;
    const upperPrecision = upperRight / Math.max(1, upperRight + wrong);
    const upperRecall = upperRight / truePairs;
    const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
    const breakdown = [
      `Wrong links (${wrong}), by comparison levels with the child linked to:`,
      ...(wrong > 0 ? top(wrongBy) : ['    none']),
      `True pairs missed (${truePairs - right}), by cause:`,
      ...top(missedBy, 14),
    ];
    return [
      `Feed linkage on FEBRL 4 (R8): dataset4a loaded as ${children.length} children, each dataset4b record a ${FEED} row linked by linkFeedRecords (model ${model.trainedOn.source}; reviewed thresholds link ${LINKAGE_THRESHOLDS.link}, review ${LINKAGE_THRESHOLDS.review}; nothing fitted to FEBRL's labels)`,
      table([
        ['measure', 'value'],
        ['rows (dataset4b records)', duplicates.length],
        ['rejected by validation (missed true pairs)', rejected],
        ['linked to the right child', right],
        ['linked to a wrong child', wrong],
        ['created new', summary.created],
        ['  of which a new child another 4b row also joined', sharedNew],
        ['queued for review', `${summary.queuedForReview} (${queuedTrue} with the true child)`],
        ['precision (automatic links)', pct(precision)],
        ['recall (automatic links)', pct(recall)],
        ['F1 (automatic links; goal ≥ 99.80%)', pct(f1(precision, recall))],
        ['F1 UPPER BOUND, every review decided correctly', pct(f1(upperPrecision, upperRecall))],
        [`F1 over the ${findable} findable pairs (automatic links)`, pct(f1(precision, right / findable))],
        ['time linking', `${seconds.toFixed(1)} s`],
        ['rows/s', (rows.length / seconds).toFixed(0)],
      ]),
      `Ceiling: ${rejected} rows rejected and ${rows.length - findable} whose original could not be loaded leave ${findable} true pairs findable: with perfect linking recall ≤ ${pct(findable / truePairs)}, F1 ≤ ${pct(f1(1, findable / truePairs))}.`,
      `Pairwise: a predicted pair is a row linked to an original; the ${truePairs} true pairs are each dataset4b record with its original, so a rejected row, a row queued or made a new child is a missed pair. Rows awaiting review: ${queued}.`,
      ...breakdown,
    ].join('\n');
  } finally {
    await bare.stop();
  }
}
