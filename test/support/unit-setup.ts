import 'aws-sdk-client-mock-vitest/extend';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FUNCTIONS } from '#functions/manifest.ts';
import { tableNames } from '#infra/local/dynamodb.ts';
import { environmentFor, tableSettings } from '#runtime/settings.ts';

// Handlers read configuration once at import; unit tests import them with every setting any function
// declares, built from the same names as the stacks and the local stand-in use.
Object.assign(
  process.env,
  environmentFor(
    FUNCTIONS.flatMap((f) => f.settings),
    {
      ...tableSettings(tableNames('unit')),
      AWS_REGION: 'eu-west-2',
      ACCOUNT_CACHE_SECONDS: '0',
      USER_POOL_ID: 'eu-west-2_unit',
      LOCAL_KEYRING_FILE: join(tmpdir(), 'contactpoint-unit-keyring.json'),
      LOCAL_SEAL_DIR: join(tmpdir(), 'contactpoint-unit-seals'),
      MISUSE_DISTINCT_CHILDREN_PER_DAY: '50',
      MISUSE_OUT_OF_AREA_PER_DAY: '5',
      MISUSE_UNUSUAL_HOURS: '0-6',
      FEDERATION_RULES: '[]',
    },
  ),
  { POWERTOOLS_LOG_LEVEL: 'SILENT', POWERTOOLS_METRICS_DISABLED: 'true' },
);
