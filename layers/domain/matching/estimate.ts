import { COMPARISON_NAMES, COMPARISONS, type ComparisonName } from './model.ts';
import type { ComparisonVector } from './vector.ts';

/** Per comparison, per level: a probability. The shape of both m and u while estimating. */
export type LevelTable = Record<ComparisonName, Record<string, number>>;

/** Identical vectors counted once: EM over patterns, not pairs, so its cost does not grow with the data. */
interface Pattern {
  levels: (string | null)[];
  count: number;
}

function patternsOf(vectors: Iterable<ComparisonVector>): Pattern[] {
  const counts = new Map<string, Pattern>();
  for (const v of vectors) {
    const levels = COMPARISON_NAMES.map((c) => v[c]);
    const key = levels.join('|');
    const seen = counts.get(key);
    if (seen) seen.count++;
    else counts.set(key, { levels, count: 1 });
  }
  return [...counts.values()];
}

/**
 * Level shares among pairs, smoothed (every level counted at least `pseudoCount` times) so that no
 * probability is 0 or 1 and every level keeps a finite weight.
 */
export function levelShares(vectors: Iterable<ComparisonVector>, pseudoCount = 1): LevelTable {
  const counts = Object.fromEntries(
    COMPARISON_NAMES.map((c) => [c, Object.fromEntries(COMPARISONS[c].map((l) => [l, pseudoCount]))]),
  ) as LevelTable;
  for (const v of vectors) {
    for (const c of COMPARISON_NAMES) {
      const level = v[c];
      if (level !== null) counts[c][level] = (counts[c][level] ?? 0) + 1;
    }
  }
  return normalised(counts);
}

function normalised(table: LevelTable): LevelTable {
  return Object.fromEntries(
    COMPARISON_NAMES.map((c) => {
      const total = Object.values(table[c]).reduce((a, b) => a + b, 0);
      return [c, Object.fromEntries(Object.entries(table[c]).map(([l, n]) => [l, n / total]))];
    }),
  ) as LevelTable;
}

export interface EmResult {
  m: LevelTable;
  /** The share of the pairs given that are matches. */
  matchShare: number;
  iterations: number;
}

/**
 * Expectation maximisation of m (and the share of matches) over unlabelled pairs with u held fixed, as
 * Splink does: the E step gives each pair its probability of being a match, the M step re-estimates each
 * level's m as the matches' share of it. Comparisons in `fixed` (those the pairs were blocked on, which
 * agree by construction) keep their starting m.
 */
export function expectationMaximisation(options: {
  vectors: Iterable<ComparisonVector>;
  u: LevelTable;
  m: LevelTable;
  matchShare: number;
  fixed?: ComparisonName[];
  maxIterations?: number;
  tolerance?: number;
  pseudoCount?: number;
}): EmResult {
  const patterns = patternsOf(options.vectors);
  const fixed = new Set(options.fixed ?? []);
  const pseudo = options.pseudoCount ?? 0.5;
  let m = options.m;
  let share = options.matchShare;
  let iteration = 0;
  for (; iteration < (options.maxIterations ?? 50); iteration++) {
    const counts = Object.fromEntries(
      COMPARISON_NAMES.map((c) => [c, Object.fromEntries(COMPARISONS[c].map((l) => [l, pseudo]))]),
    ) as LevelTable;
    let expectedMatches = 0;
    let total = 0;
    for (const p of patterns) {
      let pm = share;
      let pu = 1 - share;
      p.levels.forEach((level, i) => {
        const c = COMPARISON_NAMES[i] as ComparisonName;
        // A blocked-on comparison agrees for every pair: it says nothing here about which are matches.
        if (level === null || fixed.has(c)) return;
        pm *= m[c][level] as number;
        pu *= options.u[c][level] as number;
      });
      const posterior = pm / (pm + pu);
      expectedMatches += posterior * p.count;
      total += p.count;
      p.levels.forEach((level, i) => {
        if (level === null) return;
        const c = COMPARISON_NAMES[i] as ComparisonName;
        counts[c][level] = (counts[c][level] ?? 0) + posterior * p.count;
      });
    }
    const next = normalised(counts);
    for (const c of fixed) next[c] = m[c];
    const nextShare = expectedMatches / total;
    const change = Math.max(
      Math.abs(nextShare - share),
      ...COMPARISON_NAMES.flatMap((c) =>
        Object.keys(next[c]).map((l) => Math.abs((next[c][l] as number) - (m[c][l] as number))),
      ),
    );
    m = next;
    share = nextShare;
    if (change < (options.tolerance ?? 1e-5)) {
      iteration++;
      break;
    }
  }
  return { m, matchShare: share, iterations: iteration };
}

/** Starting m: most matches agree, few fall in the lower levels (EM moves it from here). */
export function startingM(): LevelTable {
  return Object.fromEntries(
    COMPARISON_NAMES.map((c) => {
      const levels = COMPARISONS[c];
      const raw = levels.map((_, i) => 0.5 ** (i + 1) * (i === 0 ? 8 : 1));
      const sum = raw.reduce((a, b) => a + b, 0);
      return [c, Object.fromEntries(levels.map((l, i) => [l, (raw[i] as number) / sum]))];
    }),
  ) as LevelTable;
}

/** Each value's share of the records; values held by fewer than `minimumCount` records are not listed. */
export function termFrequencies(values: Iterable<string>, minimumCount: number) {
  const counts = new Map<string, number>();
  let total = 0;
  for (const v of values) {
    if (!v) continue;
    counts.set(v, (counts.get(v) ?? 0) + 1);
    total++;
  }
  const listed: Record<string, number> = {};
  for (const [v, n] of [...counts].sort(([a], [b]) => a.localeCompare(b)))
    if (n >= minimumCount) listed[v] = n / total;
  // An unlisted value is held by fewer than minimumCount records: assume half that.
  return { minimumCount, unlisted: Math.max(minimumCount / 2, 1) / Math.max(total, 1), values: listed };
}
