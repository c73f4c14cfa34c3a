import type { MatchingModel } from '#domain/matching/model.ts';
import type { AuthorityLookup, ReviewQueue } from '#domain/ports.ts';
import type { FeedLinkageDependencies } from '#domain/use-cases/link-feed-records.ts';
import { readSettings, type Settings } from '#runtime/settings.ts';
import { type Adapters, adaptersFrom } from './dependencies.ts';
import type { DynamoChildRepository } from './dynamo/child-repository.ts';
import { DynamoFeedLinkageStore } from './dynamo/feed-linkage-store.ts';
import { reviewsFrom } from './dynamo/review-queue.ts';
import { matchingModelFrom } from './matching-model.ts';
import { postcodeAuthorities } from './postcode-authorities.ts';

/** The linker's dependencies on the function's adapters: feed rows live in the children table beside the records. */
export function feedLinkageWith(
  adapters: Adapters,
  parts: { matching: MatchingModel; reviews: ReviewQueue; authorities: AuthorityLookup },
): FeedLinkageDependencies {
  const children = adapters.children as DynamoChildRepository;
  return {
    children,
    env: adapters.env,
    feeds: new DynamoFeedLinkageStore(adapters.db, children.tableName, children, () => children.keyHasher()),
    ...parts,
  };
}

/** This deployment's postcode-to-council lookup (R8), read once at cold start. */
export function authoritiesFrom(config: Settings<'linkage'> = readSettings('linkage')): AuthorityLookup {
  return postcodeAuthorities(config.POSTCODE_AUTHORITIES);
}

/** Everything the linker needs, from the function's settings: what a feed-load step calls at cold start. */
export function feedLinkageFrom(): FeedLinkageDependencies {
  const adapters = adaptersFrom();
  return feedLinkageWith(adapters, {
    matching: matchingModelFrom(),
    reviews: reviewsFrom(adapters),
    authorities: authoritiesFrom(),
  });
}
