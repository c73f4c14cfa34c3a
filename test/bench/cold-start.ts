import { execSync, spawnSync } from 'node:child_process';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { FUNCTIONS } from '#functions/manifest.ts';
import { copyRuntimeFilesCommands, esbuildOptions, runtimeFilesOf } from '#infra/constructs/bundling.ts';
import { environmentFor, type SettingGroup } from '#runtime/settings.ts';
import { UNIT_SETTINGS } from '#test/support/unit-settings.ts';
import { percentile, table } from './stats.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const IMPORTS = Number(process.env.BENCH_IMPORTS ?? 7);

/**
 * What a handler needs to load: exactly the settings its function declares, as Lambda would give them
 * (built from the one settings module; no network is touched at import), with a deployed account cache.
 */
function environmentOf(settings: readonly SettingGroup[]): Record<string, string> {
  return {
    ...environmentFor(settings, { ...UNIT_SETTINGS, ACCOUNT_CACHE_SECONDS: '30' }),
    POWERTOOLS_LOG_LEVEL: 'ERROR',
  };
}

/** Median wall time of importing the bundle in a fresh Node process, as at a Lambda cold start. */
function importMs(bundle: string, environment: Record<string, string>): number {
  const samples: number[] = [];
  const script = `const t = performance.now(); await import(${JSON.stringify(`file://${bundle}`)}); process.stdout.write(String(performance.now() - t));`;
  for (let i = 0; i < IMPORTS; i++) {
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      env: { ...process.env, ...environment },
      encoding: 'utf8',
    });
    if (run.status !== 0) throw new Error(`importing ${bundle} failed: ${run.stderr}`);
    samples.push(Number(run.stdout));
  }
  return percentile(samples, 50);
}

/**
 * Every function bundled exactly as the CDK house construct bundles it (same esbuild options), then
 * imported in a fresh process; beside a bundle that only imports the DynamoDB client.
 */
export async function coldStart(log: (message: string) => void): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'contactpoint-bundles-'));
  const baselineEntry = join(import.meta.dirname, 'baseline-handler.ts');
  const entries = [
    ...FUNCTIONS.map((definition) => ({
      name: definition.name,
      entry: join(ROOT, 'functions', definition.name, 'handler.ts'),
      environment: environmentOf(definition.settings),
      runtimeFiles: runtimeFilesOf(definition),
    })),
    {
      name: 'baseline: DynamoDB client only',
      entry: baselineEntry,
      environment: environmentOf(['adapters']),
      runtimeFiles: [],
    },
  ];
  const rows: (string | number)[][] = [['function', 'bundle KB', 'import ms (p50)', 'vs baseline']];
  const measured: { name: string; kb: number; ms: number }[] = [];
  for (const { name, entry, environment, runtimeFiles } of entries) {
    // Each in its own folder, with the files it reads at run time beside it (the console's templates), as deployed.
    const outdir = join(dir, name.replace(/\W+/g, '-'));
    const outfile = join(outdir, 'index.mjs');
    await build({ ...esbuildOptions(entry, outfile), absWorkingDir: ROOT });
    for (const command of copyRuntimeFilesCommands(runtimeFiles, ROOT, outdir)) execSync(command);
    measured.push({ name, kb: statSync(outfile).size / 1024, ms: importMs(outfile, environment) });
    log(`bundled and imported ${name}`);
  }
  const baseline = measured.at(-1) as { kb: number; ms: number };
  for (const m of measured) {
    rows.push([
      m.name,
      m.kb.toFixed(0),
      m.ms.toFixed(1),
      m === baseline ? '' : `${m.ms >= baseline.ms ? '+' : '−'}${Math.abs(m.ms - baseline.ms).toFixed(1)} ms`,
    ]);
  }
  return [
    `Cold start: bundle size and time to import it in a fresh Node ${process.versions.node} process (median of ${IMPORTS})`,
    table(rows),
  ].join('\n');
}
