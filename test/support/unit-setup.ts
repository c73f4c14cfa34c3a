import 'aws-sdk-client-mock-vitest/extend';
import { FUNCTIONS } from '#functions/manifest.ts';
import { environmentFor } from '#runtime/settings.ts';
import { UNIT_SETTINGS } from './unit-settings.ts';

// Handlers read configuration once at import; unit tests import them with every setting any function
// declares, built from the same names as the stacks and the local stand-in use.
Object.assign(
  process.env,
  environmentFor(
    FUNCTIONS.flatMap((f) => f.settings),
    UNIT_SETTINGS,
  ),
  { POWERTOOLS_LOG_LEVEL: 'SILENT', POWERTOOLS_METRICS_DISABLED: 'true' },
);
