import { join } from 'node:path';
import { adaptersFrom } from '#adapters/dependencies.ts';
import { DynamoReviewQueue } from '#adapters/dynamo/review-queue.ts';
import type { TableNames } from '#adapters/dynamo/tables.ts';
import { feedLinkageWith } from '#adapters/feed-linkage.ts';
import { localBlockingKeyHasher } from '#adapters/keys/blocking-key-hasher.ts';
import { matchingModelFrom } from '#adapters/matching-model.ts';
import { postcodeAuthorities } from '#adapters/postcode-authorities.ts';
import type { MatchingModel } from '#domain/matching/model.ts';
import type { FeedLinkageDependencies } from '#domain/use-cases/link-feed-records.ts';
import { readSettings, tableSettings } from '#runtime/settings.ts';
import { LOCAL_POSTCODE_AUTHORITIES } from './organisations.ts';

/**
 * The linker against a local stack's DynamoDB Local, as the AWS link step builds it from its settings: the
 * stack's keyring keys rows and review items, the local councils' postcode areas place new children.
 */
export function localFeedLinkage(
  stack: { stateDir: string; dynamoEndpoint: string; tables: TableNames },
  matching: MatchingModel = matchingModelFrom(),
): FeedLinkageDependencies {
  const keyring = join(stack.stateDir, 'keyring.json');
  const adapters = adaptersFrom(
    readSettings('adapters', {
      ...tableSettings(stack.tables),
      AWS_REGION: 'eu-west-2',
      DYNAMODB_ENDPOINT: stack.dynamoEndpoint,
      ACCOUNT_CACHE_SECONDS: '0',
    }),
    { LOCAL_KEYRING_FILE: keyring },
  );
  return feedLinkageWith(adapters, {
    matching,
    reviews: new DynamoReviewQueue(
      adapters.db,
      { reviews: stack.tables.reviews, audit: stack.tables.audit },
      localBlockingKeyHasher(keyring),
    ),
    authorities: postcodeAuthorities(JSON.stringify(LOCAL_POSTCODE_AUTHORITIES)),
  });
}
