import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Adapters } from '#adapters/dependencies.ts';
import type { DynamoChildRepository } from '#adapters/dynamo/child-repository.ts';
import { DynamoReviewQueue } from '#adapters/dynamo/review-queue.ts';
import { feedLinkageWith } from '#adapters/feed-linkage.ts';
import { postcodeAuthorities } from '#adapters/postcode-authorities.ts';
import type { ReviewItem } from '#domain/feeds/review.ts';
import type { MatchingModel } from '#domain/matching/model.ts';
import type { ReviewQueue } from '#domain/ports.ts';
import type { FeedLinkageDependencies } from '#domain/use-cases/link-feed-records.ts';
import { LOCAL_POSTCODE_AUTHORITIES } from '#infra/local/organisations.ts';
import { startDynamoFixture } from '#test/support/local-dynamo.ts';

/** DynamoDB calls made so far, by command; transaction items counted apart (each is two write units). */
export interface OperationCounts {
  calls: Record<string, number>;
  transactionItems: number;
}

/** The linker on a bare DynamoDB Local (no gateway, no Cognito): what a feed-load step runs in AWS. */
export interface BareLinkage {
  deps: FeedLinkageDependencies;
  adapters: Adapters;
  children: DynamoChildRepository;
  /** Every review item newly raised, in order (held in memory for the harness, never printed). */
  raised: ReviewItem[];
  operations: OperationCounts;
  stop(): Promise<void>;
}

/**
 * Starts DynamoDB Local with fresh tables (the integration tests' fixture) and wires the linker to it as
 * feedLinkageFrom does in AWS: the given model, the DynamoDB review queue (keyed by the same keyring) and the
 * local councils' postcode areas. Every DynamoDB call is counted.
 */
export async function bareLinkage(matching: MatchingModel): Promise<BareLinkage> {
  const { dynamo, tables, adapters } = await startDynamoFixture();
  const children = adapters.children as DynamoChildRepository;
  const operations: OperationCounts = { calls: {}, transactionItems: 0 };
  adapters.db.middlewareStack.add(
    (next, context) => async (args) => {
      const name = context.commandName ?? 'unknown';
      operations.calls[name] = (operations.calls[name] ?? 0) + 1;
      if (name === 'TransactWriteItemsCommand')
        operations.transactionItems += (args.input as TransactWriteCommandInput).TransactItems?.length ?? 0;
      return next(args);
    },
    { step: 'initialize', name: 'benchOperationCounter' },
  );
  const queue = new DynamoReviewQueue(adapters.db, { reviews: tables.reviews, audit: tables.audit }, () =>
    children.keyHasher(),
  );
  const raised: ReviewItem[] = [];
  const reviews: ReviewQueue = {
    queue: async (item) => {
      const fresh = await queue.queue(item);
      if (fresh) raised.push(item);
      return fresh;
    },
    get: (name, reviewId) => queue.get(name, reviewId),
    listOpen: (name, query) => queue.listOpen(name, query),
    decide: (item, audit) => queue.decide(item, audit),
  };
  const deps = feedLinkageWith(adapters, {
    matching,
    reviews,
    authorities: postcodeAuthorities(JSON.stringify(LOCAL_POSTCODE_AUTHORITIES)),
  });
  return {
    deps,
    adapters,
    children,
    raised,
    operations,
    stop: async () => {
      adapters.db.destroy();
      await dynamo.stop();
    },
  };
}

/** Calls made since `before`, per row. */
export function operationsPerRow(
  now: OperationCounts,
  before: OperationCounts,
  rows: number,
): Record<string, number> {
  const per = (a: number, b: number) => (a - b) / Math.max(1, rows);
  const names = new Set([...Object.keys(now.calls), ...Object.keys(before.calls)]);
  const perRow: Record<string, number> = {};
  for (const name of names)
    perRow[name.replace(/Command$/, '')] = per(now.calls[name] ?? 0, before.calls[name] ?? 0);
  perRow['transaction items'] = per(now.transactionItems, before.transactionItems);
  return perRow;
}

export const snapshot = (o: OperationCounts): OperationCounts => ({
  calls: { ...o.calls },
  transactionItems: o.transactionItems,
});
