import { S3Client } from '@aws-sdk/client-s3';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ChildArchive } from '#domain/ports.ts';
import { readSettings, type Settings } from '#runtime/settings.ts';
import { DynamoRetentionStore } from '../dynamo/retention-store.ts';
import { blockingKeyHasherFrom } from '../keys/blocking-key-hasher.ts';
import { FileChildArchive, S3ChildArchive } from './child-archive.ts';

/** The archive bucket and its key in AWS; the folder and keyring file under .local/ on this machine (R7). */
export function archiveFrom(
  now: () => Date,
  config: Settings<'archive'> = readSettings('archive'),
): ChildArchive {
  if ('ARCHIVE_BUCKET' in config) {
    return new S3ChildArchive(
      new S3Client({ region: config.AWS_REGION }),
      config.ARCHIVE_BUCKET,
      config.ARCHIVE_KEY_ID,
    );
  }
  return new FileChildArchive(config.LOCAL_ARCHIVE_DIR, config.LOCAL_KEYRING_FILE, now);
}

/**
 * The retention store on the function's own client; the tables are read once, at cold start. Only a function
 * that declares the `searchKeys` settings can remove a record (its identifier claims are keyed), and only one
 * that declares the `reviews` settings (the open review items naming it go with it): the retention job.
 */
export function retentionStoreFrom(
  db: DynamoDBDocumentClient,
  settings: Settings<'adapters'> & Settings<'contactRequests'> & Partial<Settings<'reviews'>> = {
    ...readSettings('adapters'),
    ...readSettings('contactRequests'),
  },
  env: Record<string, string | undefined> = process.env,
): DynamoRetentionStore {
  return new DynamoRetentionStore(
    db,
    {
      children: settings.CHILDREN_TABLE,
      involvements: settings.INVOLVEMENTS_TABLE,
      contactRequests: settings.CONTACT_REQUESTS_TABLE,
      audit: settings.AUDIT_TABLE,
      reviews: settings.REVIEWS_TABLE,
    },
    blockingKeyHasherFrom(env),
  );
}

/** The retention job's store: it removes records, so it knows the reviews table too. */
export function retentionJobStoreFrom(db: DynamoDBDocumentClient): DynamoRetentionStore {
  return retentionStoreFrom(db, {
    ...readSettings('adapters'),
    ...readSettings('contactRequests'),
    ...readSettings('reviews'),
  });
}
