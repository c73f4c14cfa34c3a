import type { AuthorityLookup, FeedLinkageStore } from '#domain/ports.ts';
import type { ReviewDependencies } from '#domain/use-cases/reviews.ts';
import { ConfigurationError } from '#runtime/settings.ts';
import type { Adapters } from './dependencies.ts';
import { reviewsFrom } from './dynamo/review-queue.ts';
import { matchingModelFrom } from './matching-model.ts';

/**
 * MERGE SEAM (R8): the DynamoDB FeedLinkageStore and the postcode-to-council lookup are built on another branch.
 * Until they are merged here, a route that links rows answers 500 when it reaches them (never at cold start,
 * never with anything done by halves: both are reached before any write of the review queue). Replace the two
 * lines below with the real adapters.
 */
function notYetWired<T extends object>(what: string): T {
  return new Proxy({} as T, {
    get: () => () => Promise.reject(new ConfigurationError(`${what} is not wired into this build yet`)),
  });
}

/** What a route that only reads a child's held rows needs. */
export function feedSourcesFrom(
  adapters: Adapters,
): Pick<ReviewDependencies, 'children' | 'feeds' | 'audit' | 'env'> {
  return {
    children: adapters.children,
    env: adapters.env,
    audit: adapters.audit,
    feeds: linkageStoreFrom(adapters),
  };
}

function linkageStoreFrom(_adapters: Adapters): FeedLinkageStore {
  return notYetWired<FeedLinkageStore>('The feed linkage store');
}

/** What the review routes link rows with: the function's repositories, the review queue and the matching model. */
export function feedLinkageFrom(adapters: Adapters): ReviewDependencies {
  const feeds = linkageStoreFrom(adapters);
  const authorities: AuthorityLookup = {
    forPostcode: () => {
      throw new ConfigurationError('The postcode-to-council lookup is not wired into this build yet');
    },
  };
  return {
    children: adapters.children,
    env: adapters.env,
    audit: adapters.audit,
    reviews: reviewsFrom(adapters),
    matching: matchingModelFrom(),
    feeds,
    authorities,
  };
}
