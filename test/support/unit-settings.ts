import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableNames } from '#infra/local/dynamodb.ts';
import { LOCAL_POSTCODE_AUTHORITIES } from '#infra/local/organisations.ts';
import { type SettingValues, tableSettings } from '#runtime/settings.ts';

/** A value for every setting any function declares, as unit tests give them (no network is touched). */
export const UNIT_SETTINGS: SettingValues = {
  ...tableSettings(tableNames('unit')),
  AWS_REGION: 'eu-west-2',
  ACCOUNT_CACHE_SECONDS: '0',
  USER_POOL_ID: 'eu-west-2_unit',
  LOCAL_KEYRING_FILE: join(tmpdir(), 'contactpoint-unit-keyring.json'),
  LOCAL_SEAL_DIR: join(tmpdir(), 'contactpoint-unit-seals'),
  LOCAL_ARCHIVE_DIR: join(tmpdir(), 'contactpoint-unit-archive'),
  LOCAL_MAIL_DIR: join(tmpdir(), 'contactpoint-unit-mail'),
  MAIL_FROM: 'alerts@contactpoint.example.gov.uk',
  CONSOLE_URL: 'http://127.0.0.1:3000',
  AUDIT_SEAL_LAG_SECONDS: '900',
  MISUSE_DISTINCT_CHILDREN_PER_DAY: '50',
  MISUSE_OUT_OF_AREA_PER_DAY: '5',
  MISUSE_UNUSUAL_HOURS: '0-6',
  LIMIT_SEARCHES_PER_MINUTE: '30',
  LIMIT_SEARCHES_PER_DAY: '500',
  LIMIT_VIEWS_PER_MINUTE: '60',
  LIMIT_VIEWS_PER_DAY: '1000',
  FEDERATION_RULES: '[]',
  FEEDS_BUCKET: 'contactpoint-unit-feeds',
  FEED_CHUNK_ROWS: '500',
  POSTCODE_AUTHORITIES: JSON.stringify(LOCAL_POSTCODE_AUTHORITIES),
  // The console's settings (local sign-in), so that importing every function's settings succeeds.
  SIGN_IN: 'password',
  API_URL: 'http://127.0.0.1:3001',
  SESSION_IDLE_MINUTES: '30',
  LOCAL_SESSION_KEY: '0'.repeat(64),
  COGNITO_ENDPOINT: 'http://127.0.0.1:9229',
  USER_POOL_CLIENT_ID: 'unit-console-client',
};
