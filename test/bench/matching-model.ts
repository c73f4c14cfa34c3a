import { matchingModelFrom } from '#adapters/matching-model.ts';
import type { MatchingModel } from '#domain/matching/model.ts';
import { trainModel } from '#domain/matching/train.ts';
import { type Comparable, compareRecords } from '#domain/matching/vector.ts';
import { weigh } from '#domain/matching/weigh.ts';
import { asChild, type FebrlRecord } from './febrl.ts';
import { table } from './stats.ts';

/** Every query up to this many, spread evenly over the file: an exhaustive pass scores each against every record. */
const SAMPLE = 1000;

/** A FEBRL record as the engine compares it (FEBRL has no gender). */
export const comparableOf = (r: FebrlRecord, withPostcode = true): Comparable => ({
  givenName: r.givenName || undefined,
  familyName: r.familyName || undefined,
  dateOfBirth: r.dateOfBirth,
  ...(withPostcode && r.postcode && { postcodes: [r.postcode] }),
});

/**
 * As an operator would: the model trained on the directory's own records (both FEBRL 4 files, labels unread),
 * with the reviewed model's threshold — the threshold is a policy, not something fitted to FEBRL. Every part
 * that scores FEBRL uses this one model.
 */
export function febrlModel(originals: FebrlRecord[], duplicates: FebrlRecord[]): MatchingModel {
  return trainModel(
    [...originals, ...duplicates].map((r) => comparableOf(r)),
    {
      version: 'bench-febrl4',
      source: 'FEBRL 4, both files, labels unread',
      trainedAt: new Date().toISOString(),
      threshold: matchingModelFrom({}).threshold,
      directoryChildren: originals.filter((r) => asChild(r) !== undefined).length,
      randomPairs: 200_000,
      minimumCount: 5,
    },
  );
}

/**
 * The matching engine's model on FEBRL 4 with no blocking at all: trained on both files without their
 * labels, then every sampled query scored against every loaded original. This is the ceiling the engine's
 * blocking keys should reach (issue 11); the labels only say which record is the true one.
 */
export async function modelQuality(
  originals: FebrlRecord[],
  duplicates: FebrlRecord[],
  log: (line: string) => void,
): Promise<string> {
  const trainingStarted = performance.now();
  const model = febrlModel(originals, duplicates);
  const trainingSeconds = (performance.now() - trainingStarted) / 1000;
  log(
    `trained in ${trainingSeconds.toFixed(1)} s on ${model.trainedOn.records} records, ${model.trainedOn.pairs} blocked pairs`,
  );
  const loaded = originals.filter((r) => asChild(r) !== undefined);
  const indexOf = new Map(loaded.map((r, i) => [r.trueId, i]));
  const findable = duplicates.filter(
    (d) => indexOf.has(d.trueId) && d.dateOfBirth !== undefined && (d.givenName || d.familyName),
  );
  const step = Math.max(1, findable.length / SAMPLE);
  const sample = Array.from(
    { length: Math.min(SAMPLE, findable.length) },
    (_, i) => findable[Math.floor(i * step)] as FebrlRecord,
  );
  const rows: (string | number)[][] = [['query', 'queries', 'recall@10', 'true child first', 'score s']];
  for (const withPostcode of [false, true]) {
    const started = performance.now();
    let found = 0;
    let first = 0;
    sample.forEach((query, n) => {
      const q = comparableOf(query, withPostcode);
      const best = loaded
        .map((record, i) => ({
          i,
          weight: weigh(model, compareRecords(q, comparableOf(record))).matchWeight,
        }))
        .sort((a, b) => b.weight - a.weight)
        .slice(0, 10);
      const truth = indexOf.get(query.trueId);
      if (best.some((b) => b.i === truth)) found++;
      if (best[0]?.i === truth) first++;
      if ((n + 1) % 250 === 0)
        log(`${withPostcode ? 'with postcode' : 'name + date'}: ${n + 1}/${sample.length}`);
    });
    rows.push([
      withPostcode ? 'name + date of birth + postcode' : 'name + date of birth',
      sample.length,
      `${((100 * found) / sample.length).toFixed(1)}%`,
      `${((100 * first) / sample.length).toFixed(1)}%`,
      ((performance.now() - started) / 1000).toFixed(1),
    ]);
  }
  return [
    `Matching engine model on FEBRL 4, no blocking (trained on both files without labels in ${trainingSeconds.toFixed(1)} s; every ${step.toFixed(1)}th findable query, scored against all ${loaded.length} originals)`,
    table(rows),
    'The ceiling for the engine’s blocking keys: search today is measured above ("Search quality").',
  ].join('\n');
}
