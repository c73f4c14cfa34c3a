import type { MatchingModel } from '#domain/matching/model.ts';
import type { AuthorityLookup, FeedLinkageStore, ReviewQueue } from '#domain/ports.ts';
import type { FeedLinkageDependencies } from '#domain/use-cases/link-feed-records.ts';
import type { ReviewDependencies } from '#domain/use-cases/reviews.ts';
import { ConfigurationError } from '#runtime/settings.ts';
import type { Adapters } from './dependencies.ts';
import { reviewsFrom } from './dynamo/review-queue.ts';
import { matchingModelFrom } from './matching-model.ts';

/**
 * MERGE SEAM (R8). The DynamoDB FeedLinkageStore (`feedLinkageWith` in `feed-linkage.ts`) and the
 * postcode-to-council lookup are built on another branch. On merge, `linkageWith` becomes `feedLinkageWith`
 * and `authoritiesFrom` reads the deployment's lookup; until then a route that links rows answers 500 when it
 * first reaches the store — never at cold start, and before anything is written (the store is the first thing a
 * decision or a split writes through).
 */
function linkageWith(
  adapters: Adapters,
  parts: { matching: MatchingModel; reviews: ReviewQueue; authorities: AuthorityLookup },
): FeedLinkageDependencies {
  const feeds = new Proxy({} as FeedLinkageStore, {
    get: () => () =>
      Promise.reject(new ConfigurationError('The feed linkage store is not wired into this build yet')),
  });
  return { children: adapters.children, env: adapters.env, feeds, ...parts };
}

function authoritiesFrom(): AuthorityLookup {
  return {
    forPostcode: () => {
      throw new ConfigurationError('The postcode-to-council lookup is not wired into this build yet');
    },
  };
}

/** What the review routes decide and split with: the linker's dependencies, the review queue and the audit log. */
export function reviewDependenciesFrom(
  adapters: Adapters,
  reviews: ReviewQueue = reviewsFrom(adapters),
): ReviewDependencies {
  const linkage = linkageWith(adapters, {
    matching: matchingModelFrom(),
    reviews,
    authorities: authoritiesFrom(),
  });
  return { ...linkage, audit: adapters.audit };
}

/** What a route that only reads a child's held rows needs (no matching model, no review queue). */
export function sourceDependenciesFrom(
  adapters: Adapters,
): Pick<ReviewDependencies, 'children' | 'feeds' | 'audit' | 'env'> {
  // Reading held rows neither weighs candidates nor raises pairs: the store is all it takes of the linkage.
  const { children, env, feeds } = linkageWith(adapters, {
    matching: {} as MatchingModel,
    reviews: {} as ReviewQueue,
    authorities: authoritiesFrom(),
  });
  return { children, env, feeds, audit: adapters.audit };
}
