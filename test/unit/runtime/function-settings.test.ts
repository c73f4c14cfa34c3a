import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { FUNCTIONS } from '#functions/manifest.ts';
import { tableNames } from '#infra/local/dynamodb.ts';
import {
  environmentFor,
  SETTINGS,
  type SettingValues,
  settingNames,
  tableSettings,
} from '#runtime/settings.ts';

const VALUES: SettingValues = {
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
};
const everySetting = settingNames(Object.keys(SETTINGS) as (keyof typeof SETTINGS)[]);
const saved = { ...process.env };
afterAll(() => {
  process.env = saved;
});

/** The process environment as Lambda would give this function: only what it declares. */
function onlyDeclared(declared: Record<string, string>): void {
  for (const name of everySetting) delete process.env[name];
  Object.assign(process.env, declared);
}

describe('every function’s declared settings', () => {
  it.each(FUNCTIONS.map((f) => [f.name, f] as const))(
    '%s starts with exactly the settings it declares',
    async (_name, definition) => {
      onlyDeclared(environmentFor(definition.settings, VALUES));
      vi.resetModules();
      await expect(import(`#functions/${definition.name}/handler.ts`)).resolves.toHaveProperty('handler');
    },
    20_000,
  );

  it('refuses to start a function whose required setting is missing, naming it', async () => {
    const definition = FUNCTIONS.find((f) => f.name === 'search-children');
    if (!definition) throw new Error('search-children is not in the manifest');
    const { CHILDREN_TABLE: _missing, ...rest } = environmentFor(definition.settings, VALUES);
    onlyDeclared(rest);
    vi.resetModules();
    await expect(import('#functions/search-children/handler.ts')).rejects.toThrow(/CHILDREN_TABLE/);
  });

  it('refuses at build time to deploy a function without a setting it declares', () => {
    const { USER_POOL_ID: _missing, ...values } = VALUES;
    expect(() => environmentFor(['adapters', 'identity'], values)).toThrow(/USER_POOL_ID/);
  });
});
