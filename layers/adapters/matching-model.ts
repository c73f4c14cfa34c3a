import { readFileSync } from 'node:fs';
import bundled from '#domain/matching/model.json' with { type: 'json' };
import { type MatchingModel, MatchingModelSchema } from '#domain/matching/model.ts';
import { readSettings, type Settings } from '#runtime/settings.ts';

/**
 * The matching model a function scores with: the reviewed file deployed with the code, or — locally and in
 * the benchmark only — the file `MATCHING_MODEL_FILE` names. Either is checked against the model's schema
 * at cold start, so a malformed model fails loudly before any search.
 */
export function matchingModelFrom(config: Settings<'matching'> = readSettings('matching')): MatchingModel {
  const raw: unknown = config.MATCHING_MODEL_FILE
    ? JSON.parse(readFileSync(config.MATCHING_MODEL_FILE, 'utf8'))
    : bundled;
  return MatchingModelSchema.parse(raw);
}
