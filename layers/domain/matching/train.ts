import { matchingName, soundsOf } from './compare.ts';
import {
  expectationMaximisation,
  type LevelTable,
  levelShares,
  startingM,
  termFrequencies,
} from './estimate.ts';
import { COMPARISON_NAMES, type ComparisonName, type MatchingModel, MatchingModelSchema } from './model.ts';
import { type Comparable, type ComparisonVector, compareRecords } from './vector.ts';

/**
 * How a model is estimated from unlabelled records (the approach Splink takes):
 *  - u, how often two different children agree at each level, from pairs drawn at random (almost all of them
 *    different children);
 *  - m, how often the same child does, by expectation maximisation over pairs that share a training block,
 *    one session per block; a session leaves out the comparisons its block forces to agree, and each
 *    comparison's m is taken from the sessions that could see it vary;
 *  - term frequencies of given and family names, listing only names held by at least `minimumCount` records.
 * Labels are never read here: they only measure a model, in the bench.
 */
export interface TrainingOptions {
  version: string;
  source: string;
  trainedAt: string;
  /** The probability a candidate must reach to be offered (see MatchingModel.threshold). */
  threshold: number;
  /** How many children the directory the model serves holds (its search prior is one over this). */
  directoryChildren: number;
  randomPairs?: number;
  minimumCount?: number;
  /** A seed for the random pairs, so the same records always give the same model. */
  seed?: number;
}

interface TrainingBlock {
  name: string;
  /** The comparisons the block forces to agree, so the session cannot estimate their m. */
  fixes: ComparisonName[];
  keys(record: Comparable): string[];
}

const sound = (raw: string | undefined) => {
  const name = raw ? matchingName(raw) : '';
  return name ? (soundsOf(name)[0] ?? '') : '';
};

/** Two blocks that between them let every comparison vary in one of them. */
const TRAINING_BLOCKS: TrainingBlock[] = [
  {
    name: 'same date of birth',
    fixes: ['dateOfBirth'],
    keys: (r) => (r.dateOfBirth ? [r.dateOfBirth] : []),
  },
  {
    name: 'names that sound the same',
    fixes: ['givenName', 'familyName', 'nameOrder'],
    keys: (r) => {
      const [g, f] = [sound(r.givenName), sound(r.familyName)];
      return g && f ? [[g, f].sort().join('#')] : [];
    },
  },
];

/** Blocks larger than this are sampled from, so one common value cannot dominate a session. */
const MAX_BLOCK = 50;

function seeded(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    // xorshift32: small, fast, and the same on every machine.
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
}

function blockedPairs(records: Comparable[], block: TrainingBlock): ComparisonVector[] {
  const members = new Map<string, number[]>();
  records.forEach((record, i) => {
    for (const key of block.keys(record)) {
      const list = members.get(key) ?? [];
      if (list.length < MAX_BLOCK) list.push(i);
      members.set(key, list);
    }
  });
  const vectors: ComparisonVector[] = [];
  for (const list of members.values())
    for (let a = 0; a < list.length; a++)
      for (let b = a + 1; b < list.length; b++)
        vectors.push(
          compareRecords(records[list[a] as number] as Comparable, records[list[b] as number] as Comparable),
        );
  return vectors;
}

export function trainModel(records: Comparable[], options: TrainingOptions): MatchingModel {
  if (records.length < 2) throw new RangeError('Training needs at least two records');
  const random = seeded(options.seed ?? 20_261_206);
  const pick = () => records[Math.floor(random() * records.length)] as Comparable;
  const randomPairs = Array.from({ length: options.randomPairs ?? 100_000 }, () =>
    compareRecords(pick(), pick()),
  );
  const u = levelShares(randomPairs);

  const estimates = TRAINING_BLOCKS.map((block) => {
    const pairs = blockedPairs(records, block);
    return {
      block,
      pairs: pairs.length,
      result: expectationMaximisation({
        vectors: pairs,
        u,
        m: startingM(),
        matchShare: 0.3,
        fixed: block.fixes,
      }),
    };
  });
  // Each comparison's m: the mean over the sessions that did not fix it.
  const m = Object.fromEntries(
    COMPARISON_NAMES.map((c) => {
      const from = estimates.filter((e) => !e.block.fixes.includes(c));
      const levels = Object.keys(u[c]);
      return [
        c,
        Object.fromEntries(
          levels.map((l) => [
            l,
            from.reduce((sum, e) => sum + (e.result.m[c][l] as number), 0) / from.length,
          ]),
        ),
      ];
    }),
  ) as LevelTable;

  // The prior: matches expected among all pairs, from the session whose block is widest (same date of birth).
  const widest = estimates[0] as (typeof estimates)[number];
  const expectedMatches = widest.result.matchShare * widest.pairs;
  const allPairs = (records.length * (records.length - 1)) / 2;
  const matchPrior = Math.min(Math.max(expectedMatches / allPairs, 1e-9), 0.5);

  const minimumCount = options.minimumCount ?? 10;
  const model = {
    version: options.version,
    trainedAt: options.trainedAt,
    trainedOn: {
      source: options.source,
      records: records.length,
      pairs: estimates.reduce((sum, e) => sum + e.pairs, 0),
      iterations: Math.max(...estimates.map((e) => e.result.iterations)),
    },
    matchPrior,
    searchPrior: 1 / Math.max(2, options.directoryChildren),
    threshold: options.threshold,
    comparisons: Object.fromEntries(
      COMPARISON_NAMES.map((c) => [
        c,
        Object.fromEntries(Object.keys(u[c]).map((l) => [l, { m: m[c][l] as number, u: u[c][l] as number }])),
      ]),
    ),
    termFrequencies: {
      givenName: termFrequencies(
        records.map((r) => (r.givenName ? matchingName(r.givenName) : '')),
        minimumCount,
      ),
      familyName: termFrequencies(
        records.map((r) => (r.familyName ? matchingName(r.familyName) : '')),
        minimumCount,
      ),
    },
  };
  // The file is reviewed and loaded by the search: it must satisfy its own schema.
  return MatchingModelSchema.parse(model);
}
