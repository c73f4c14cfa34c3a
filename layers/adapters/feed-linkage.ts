import type { MatchingModel } from '#domain/matching/model.ts';
import type { AuthorityLookup, ReviewQueue } from '#domain/ports.ts';
import type { FeedLinkageDependencies } from '#domain/use-cases/link-feed-records.ts';
import type { Adapters } from './dependencies.ts';
import type { DynamoChildRepository } from './dynamo/child-repository.ts';
import { DynamoFeedLinkageStore } from './dynamo/feed-linkage-store.ts';

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
