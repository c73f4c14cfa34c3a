import { COMPARISON_NAMES, type ComparisonName, type MatchingModel } from './model.ts';
import type { ComparisonVector } from './vector.ts';

/** One comparison's contribution, in bits (log2 of the Bayes factor m/u); what an explanation reads. */
export interface Evidence {
  comparison: ComparisonName;
  level: string;
  bits: number;
}

export interface Weighed {
  /** Prior log-odds plus every comparison's bits. */
  matchWeight: number;
  /** The calibrated probability that the two sides are the same child. */
  probability: number;
  evidence: Evidence[];
}

function termFrequencyBits(
  model: MatchingModel,
  comparison: 'givenName' | 'familyName',
  value: string | undefined,
): number {
  if (value === undefined) return 0;
  const table = model.termFrequencies[comparison];
  const share = table.values[value] ?? table.unlisted;
  // Agreeing on this name is as telling as its own frequency says, not the average name's.
  return Math.log2(model.comparisons[comparison].exact.u / share);
}

/** `prior` is the training prior unless a caller knows better (a search: `model.searchPrior`). */
export function weigh(model: MatchingModel, vector: ComparisonVector, prior = model.matchPrior): Weighed {
  const evidence: Evidence[] = [];
  let matchWeight = Math.log2(prior / (1 - prior));
  for (const comparison of COMPARISON_NAMES) {
    const level = vector[comparison];
    if (level === null) continue;
    const levels = model.comparisons[comparison] as Record<string, { m: number; u: number }>;
    const probabilities = levels[level];
    if (!probabilities) throw new RangeError(`The model has no level ${level} for ${comparison}`);
    let bits = Math.log2(probabilities.m / probabilities.u);
    if (comparison === 'givenName' && level === 'exact')
      bits += termFrequencyBits(model, comparison, vector.exactGivenName);
    if (comparison === 'familyName' && level === 'exact')
      bits += termFrequencyBits(model, comparison, vector.exactFamilyName);
    matchWeight += bits;
    evidence.push({ comparison, level, bits });
  }
  return { matchWeight, probability: probabilityOf(matchWeight), evidence };
}

export function probabilityOf(matchWeight: number): number {
  return 1 / (1 + 2 ** -matchWeight);
}
