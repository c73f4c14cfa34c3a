import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { type MatchingModel, MatchingModelSchema } from '#domain/matching/model.ts';
import { trainModel } from '#domain/matching/train.ts';
import type { Comparable } from '#domain/matching/vector.ts';
import { syntheticChildren } from './synthetic.ts';
import { faultyRegistrations, type Registration, registrationOf } from './synthetic-faults.ts';

/**
 * `npm run matching:train`: estimates the matching model from unlabelled records and writes it as the
 * reviewed data file the search loads (layers/domain/matching/model.json unless --out says otherwise).
 *  --synthetic N   the local synthetic directory of N children with a second, faulty registration of each
 *                  (the default, N = 20,000)
 *  --records FILE  a CSV export of the directory's own records: given_name,family_name,date_of_birth,postcode
 *  --threshold P   the probability a candidate must reach; by default the reviewed file's own is kept
 * It prints what it read, what it estimated and what changed, so the change can be reviewed before commit.
 */
const { values } = parseArgs({
  options: {
    synthetic: { type: 'string' },
    records: { type: 'string' },
    threshold: { type: 'string' },
    out: { type: 'string', default: 'layers/domain/matching/model.json' },
  },
});

function fromCsv(path: string): Comparable[] {
  const [header, ...lines] = readFileSync(path, 'utf8').trim().split(/\r?\n/);
  const columns = (header ?? '').split(',').map((c) => c.trim());
  const at = (name: string) => {
    const i = columns.indexOf(name);
    if (i < 0) throw new Error(`${path}: no ${name} column`);
    return i;
  };
  const [g, f, d, p] = ['given_name', 'family_name', 'date_of_birth', 'postcode'].map(at) as number[];
  return lines.map((line) => {
    const cells = line.split(',').map((c) => c.trim());
    const value = (i: number | undefined) => (i === undefined ? undefined : cells[i] || undefined);
    const postcode = value(p);
    return {
      givenName: value(g),
      familyName: value(f),
      dateOfBirth: value(d),
      ...(postcode && { postcodes: [postcode] }),
    };
  });
}

const comparableOf = (r: Registration): Comparable => ({
  givenName: r.givenName,
  familyName: r.familyName,
  dateOfBirth: r.dateOfBirth,
  gender: r.gender,
  ...(r.postcode && { postcodes: [r.postcode] }),
});

/**
 * The file being replaced, for its threshold and to compare weights with. A file of an older schema still
 * gives both; the new one is written in the current schema either way.
 */
const PreviousModelSchema = MatchingModelSchema.pick({
  version: true,
  threshold: true,
  comparisons: true,
}).loose();
const previous: Pick<MatchingModel, 'version' | 'threshold' | 'comparisons'> | undefined = existsSync(
  values.out,
)
  ? PreviousModelSchema.parse(JSON.parse(readFileSync(values.out, 'utf8')))
  : undefined;
const threshold = values.threshold ? Number(values.threshold) : previous?.threshold;
if (threshold === undefined || !(threshold > 0 && threshold < 1)) {
  throw new Error(
    '--threshold is required (a probability between 0 and 1) when there is no model to keep it from',
  );
}

let records: Comparable[];
let source: string;
/** The directory the model will serve: an export holds each of its children once. */
let directoryChildren: number;
if (values.records) {
  records = fromCsv(values.records);
  directoryChildren = records.length;
  source = `directory export ${values.records.split('/').pop()}`;
} else {
  const count = Number(values.synthetic ?? 20_000);
  const { children } = syntheticChildren(count);
  directoryChildren = count;
  records = [
    ...children.map((c) => comparableOf(registrationOf(c))),
    ...faultyRegistrations(children).map(comparableOf),
  ];
  source = `synthetic directory of ${count} children with a faulty second registration of each (seeds 2026, 2027)`;
}
console.log(`Training on ${records.length} records (${source}); labels are not read.`);
const started = performance.now();
const trainedAt = new Date().toISOString();
const draft = trainModel(records, {
  version: 'draft',
  source,
  trainedAt,
  threshold,
  directoryChildren,
  randomPairs: 200_000,
  minimumCount: 10,
});
const digest = createHash('sha256')
  .update(JSON.stringify({ ...draft, version: '', trainedAt: '' }))
  .digest('hex')
  .slice(0, 8);
const model: MatchingModel = { ...draft, version: `${trainedAt.slice(0, 10)}.${digest}` };
writeFileSync(values.out, `${JSON.stringify(model, null, 2)}\n`);

const bits = (l: { m: number; u: number }) => Math.log2(l.m / l.u).toFixed(1);
console.log(
  `Estimated in ${((performance.now() - started) / 1000).toFixed(1)} s from ${model.trainedOn.pairs} blocked pairs.`,
);
for (const [comparison, levels] of Object.entries(model.comparisons)) {
  const before = previous?.comparisons[comparison as keyof MatchingModel['comparisons']] as
    | Record<string, { m: number; u: number }>
    | undefined;
  console.log(
    `  ${comparison.padEnd(12)} ${Object.entries(levels as Record<string, { m: number; u: number }>)
      .map(([level, p]) => `${level} ${bits(p)}${before?.[level] ? ` (was ${bits(before[level])})` : ''}`)
      .join(', ')} bits`,
  );
}
console.log(
  `Prior ${model.matchPrior.toExponential(2)} (search: ${model.searchPrior.toExponential(2)}, one in ${directoryChildren} children); threshold ${model.threshold}; ${Object.keys(model.termFrequencies.givenName.values).length} given and ${Object.keys(model.termFrequencies.familyName.values).length} family names listed.`,
);
console.log(
  `Wrote ${values.out}, version ${model.version}${previous ? ` (was ${previous.version})` : ''}. Review the change before committing it.`,
);
