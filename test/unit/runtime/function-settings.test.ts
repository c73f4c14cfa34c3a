import { afterAll, describe, expect, it, vi } from 'vitest';
import { FUNCTIONS } from '#functions/manifest.ts';
import { environmentFor, SETTINGS, settingNames } from '#runtime/settings.ts';
import { UNIT_SETTINGS } from '#test/support/unit-settings.ts';

const VALUES = UNIT_SETTINGS;
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
