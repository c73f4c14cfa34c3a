import { matchingModelFrom } from '#adapters/matching-model.ts';

/** The reviewed matching model, as the search function loads it. */
export const reviewedModel = matchingModelFrom({});
