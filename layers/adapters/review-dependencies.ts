import type { MatchingModel } from '#domain/matching/model.ts';
import type { ReviewQueue } from '#domain/ports.ts';
import type { ReviewDependencies } from '#domain/use-cases/reviews.ts';
import type { Adapters } from './dependencies.ts';
import { reviewsFrom } from './dynamo/review-queue.ts';
import { authoritiesFrom, feedLinkageWith } from './feed-linkage.ts';
import { matchingModelFrom } from './matching-model.ts';

/** What the review routes decide and split with: the linker's dependencies, the review queue and the audit log. */
export function reviewDependenciesFrom(
  adapters: Adapters,
  reviews: ReviewQueue = reviewsFrom(adapters),
): ReviewDependencies {
  const linkage = feedLinkageWith(adapters, {
    matching: matchingModelFrom(),
    reviews,
    authorities: authoritiesFrom(),
  });
  return { ...linkage, audit: adapters.audit };
}

/** What a route that only reads a child's held rows needs (no matching model, no review queue, no lookup). */
export function sourceDependenciesFrom(
  adapters: Adapters,
): Pick<ReviewDependencies, 'children' | 'feeds' | 'audit' | 'env'> {
  const { children, env, feeds } = feedLinkageWith(adapters, {
    matching: {} as MatchingModel,
    reviews: {} as ReviewQueue,
    authorities: { forPostcode: () => ({ localAuthority: '', localAuthorityName: '' }) },
  });
  return { children, env, feeds, audit: adapters.audit };
}
