import {
  DeleteObjectCommand,
  ListObjectVersionsCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { ArchiveLockedError, S3ChildArchive } from '#adapters/archive/child-archive.ts';
import type { ArchivedChild } from '#domain/retention/archive.ts';
import { aChild } from '../../support/builders.ts';

const s3 = mockClient(S3Client);
const KEY = 'arn:aws:kms:eu-west-2:111122223333:key/archive';
const archive = new S3ChildArchive(new S3Client({ region: 'eu-west-2' }), 'archive-bucket', KEY);
const archived: ArchivedChild = {
  childId: 'CP7M3K9P2XN',
  record: aChild(),
  involvements: [],
  contactRequests: [],
  leftBecause: 'age-18',
  archivedAt: '2030-06-15T02:30:00.000Z',
  archivedOn: '2030-06-15',
  purgeOn: '2036-06-15',
};

beforeEach(() => s3.reset());

describe('the S3 archive (R7)', () => {
  it('writes each archive with the archive key and locks it in compliance mode until its purge day', async () => {
    s3.on(PutObjectCommand).resolves({});
    await archive.put(archived);
    expect(s3).toHaveReceivedCommandWith(PutObjectCommand, {
      Bucket: 'archive-bucket',
      Key: 'children/CP7M3K9P2XN.json',
      ServerSideEncryption: 'aws:kms',
      SSEKMSKeyId: KEY,
      ObjectLockMode: 'COMPLIANCE',
      ObjectLockRetainUntilDate: new Date('2036-06-15T00:00:00Z'),
    });
  });

  it('destroys every version of one child’s archive, and says so when Object Lock refuses', async () => {
    s3.on(ListObjectVersionsCommand).resolves({
      Versions: [
        { Key: 'children/CP7M3K9P2XN.json', VersionId: 'v2' },
        { Key: 'children/CP7M3K9P2XN.json', VersionId: 'v1' },
        // Another child whose ID begins the same: not this child's.
        { Key: 'children/CP7M3K9P2XN.json.other', VersionId: 'x1' },
      ],
    });
    s3.on(DeleteObjectCommand).resolves({});
    await archive.destroy('CP7M3K9P2XN');
    expect(s3).toHaveReceivedCommandTimes(DeleteObjectCommand, 2);
    expect(s3).toHaveReceivedCommandWith(DeleteObjectCommand, { VersionId: 'v1' });

    s3.reset();
    s3.on(ListObjectVersionsCommand).resolves({
      Versions: [{ Key: 'children/CP7M3K9P2XN.json', VersionId: 'v1' }],
    });
    s3.on(DeleteObjectCommand).rejects(
      new S3ServiceException({ name: 'AccessDenied', $fault: 'client', $metadata: {}, message: 'locked' }),
    );
    await expect(archive.destroy('CP7M3K9P2XN')).rejects.toBeInstanceOf(ArchiveLockedError);
  });
});
