import * as z from 'zod';
import { BIRTH_LEVELS, GENDER_LEVELS, NAME_LEVELS, ORDER_LEVELS, POSTCODE_LEVELS } from './compare.ts';

/**
 * The matching model as a reviewed data file: for every comparison, each level's m (how often a true
 * match falls in it) and u (how often two different children do), estimated by `npm run matching:train`
 * — u from random pairs, m by expectation maximisation on unlabelled pairs — plus term frequencies for
 * names, so agreeing on a common name weighs less than agreeing on a rare one. Nothing here is set by hand.
 */
const Probability = z.number().gt(0).lt(1);
const Level = z.object({ m: Probability, u: Probability }).strict();

function levelsOf<const T extends readonly string[]>(levels: T) {
  return z
    .object(Object.fromEntries(levels.map((l) => [l, Level])) as { [K in T[number]]: typeof Level })
    .strict();
}

export const COMPARISONS = {
  givenName: NAME_LEVELS,
  familyName: NAME_LEVELS,
  nameOrder: ORDER_LEVELS,
  dateOfBirth: BIRTH_LEVELS,
  postcode: POSTCODE_LEVELS,
  gender: GENDER_LEVELS,
} as const;
export type ComparisonName = keyof typeof COMPARISONS;
export const COMPARISON_NAMES = Object.keys(COMPARISONS) as ComparisonName[];

/** How often each value occurs among the records trained on (share of records). */
const TermFrequencies = z
  .object({
    /** Only values held by at least this many records are listed: a rare name is never written down. */
    minimumCount: z.number().int().positive(),
    /** The share assumed for a value not listed (it is rarer than every listed one). */
    unlisted: Probability,
    values: z.record(z.string(), Probability),
  })
  .strict();

export const MatchingModelSchema = z
  .object({
    version: z.string().min(1),
    trainedAt: z.string(),
    trainedOn: z
      .object({
        source: z.string(),
        records: z.number().int(),
        pairs: z.number().int(),
        iterations: z.number().int(),
      })
      .strict(),
    /** The prior of the records trained on: the probability that two of them drawn at random are the same child. */
    matchPrior: Probability,
    /**
     * The prior of a search: the chance that one given record of the directory is the child searched for —
     * one over the number of children in the directory the model serves (the directory's own records when
     * it is trained on them). Probabilities offered to practitioners are computed with this prior.
     */
    searchPrior: Probability,
    /**
     * A candidate below this probability of being the same child is not offered. Chosen by a person reading
     * the precision/recall curve (`npm run bench`), written when the model is trained, reviewed with it.
     */
    threshold: Probability,
    comparisons: z
      .object({
        givenName: levelsOf(NAME_LEVELS),
        familyName: levelsOf(NAME_LEVELS),
        nameOrder: levelsOf(ORDER_LEVELS),
        dateOfBirth: levelsOf(BIRTH_LEVELS),
        postcode: levelsOf(POSTCODE_LEVELS),
        gender: levelsOf(GENDER_LEVELS),
      })
      .strict(),
    termFrequencies: z.object({ givenName: TermFrequencies, familyName: TermFrequencies }).strict(),
  })
  .strict();

export type MatchingModel = z.infer<typeof MatchingModelSchema>;
export type LevelProbabilities = { m: number; u: number };
