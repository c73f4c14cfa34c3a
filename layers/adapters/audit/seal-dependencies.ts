import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import type { SealDeps } from '#domain/use-cases/seal-audit-events.ts';
import { readSettings, type Settings } from '#runtime/settings.ts';
import { KmsMacKey, LocalKeyringMacKey, sha256Hasher } from './seal-keys.ts';
import { FileSealStore, S3SealStore } from './seal-store.ts';

/** KMS and S3 in AWS; the keyring file and seal directory under .local/ on this machine. */
export function sealDependencies(config: Settings<'auditSeals'> = readSettings('auditSeals')): SealDeps {
  const now = () => new Date();
  if ('AUDIT_MAC_KEY_ID' in config) {
    return {
      seals: new S3SealStore(new S3Client({ region: config.AWS_REGION }), config.AUDIT_SEAL_BUCKET),
      key: new KmsMacKey(new KMSClient({ region: config.AWS_REGION }), config.AUDIT_MAC_KEY_ID),
      hasher: sha256Hasher,
      now,
    };
  }
  return {
    seals: new FileSealStore(config.LOCAL_SEAL_DIR),
    key: new LocalKeyringMacKey(config.LOCAL_KEYRING_FILE),
    hasher: sha256Hasher,
    now,
  };
}
