import type { BuildOptions } from 'esbuild';
import type { FunctionDefinition } from '#functions/define-function.ts';

/**
 * How every function is bundled, in one place: used by the CDK house construct and by the cold-start
 * benchmark, so the bench measures exactly what Lambda runs. ESM for Node 24 on ARM64, minified, with
 * source maps; the AWS SDK is bundled (pinned, tree-shaken) rather than taken from the runtime.
 */
export const BUNDLE = {
  target: 'node24',
  minify: true,
  sourcemap: true,
  mainFields: ['module', 'main'],
  /** Some dependencies still `require()`: give ESM bundles a require that works. */
  banner:
    "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
} as const;

export function esbuildOptions(entry: string, outfile: string): BuildOptions {
  return {
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: BUNDLE.target,
    minify: BUNDLE.minify,
    sourcemap: BUNDLE.sourcemap,
    mainFields: [...BUNDLE.mainFields],
    banner: { js: BUNDLE.banner },
    metafile: true,
    logLevel: 'warning',
  };
}

/** Files a bundled function reads from disk at run time, copied beside its bundle's entry file. */
export interface RuntimeFiles {
  /** Under the repository root. */
  from: string;
  /** Under the bundle's directory (the function's /var/task). */
  to: string;
  /** Only files whose names end so (directories are walked whatever their names). */
  endingWith?: string;
}

/**
 * The console (trigger `web`) renders its pages with Nunjucks from files, not from the bundle: its own
 * templates (layers/console/render.ts looks for templates/ beside the running module) and GOV.UK Frontend's
 * macros, which it finds through `node_modules/govuk-frontend/package.json` resolved from that module. Only
 * the .njk files of GOV.UK Frontend travel: its stylesheets, scripts, fonts and images are served from the
 * assets bucket, never by the function.
 */
export function runtimeFilesOf(definition: Pick<FunctionDefinition, 'trigger'>): RuntimeFiles[] {
  if (definition.trigger.kind !== 'web') return [];
  const govuk = 'node_modules/govuk-frontend';
  return [
    { from: 'layers/console/templates', to: 'templates' },
    { from: `${govuk}/package.json`, to: `${govuk}/package.json` },
    { from: `${govuk}/dist/govuk`, to: `${govuk}/dist/govuk`, endingWith: '.njk' },
  ];
}

/** Node's own copy, run as a shell command (CDK's afterBundling hook), so it needs no tool the host may lack. */
const COPY = [
  "const fs = require('node:fs');",
  'const [from, to, ending] = process.argv.slice(1);',
  "if (!fs.existsSync(from)) throw new Error('missing ' + from);",
  'fs.cpSync(from, to, { recursive: true, filter: (f) => !ending || fs.statSync(f).isDirectory() || f.endsWith(ending) });',
].join(' ');

const quoted = (value: string) => `'${value.replaceAll("'", `'"'"'`)}'`;

/** The shell commands that copy a function's run-time files from the repository into its bundle directory. */
export function copyRuntimeFilesCommands(
  files: readonly RuntimeFiles[],
  root: string,
  outdir: string,
): string[] {
  return files.map((f) =>
    [
      'node',
      '-e',
      quoted(COPY),
      quoted(`${root}/${f.from}`),
      quoted(`${outdir}/${f.to}`),
      quoted(f.endingWith ?? ''),
    ].join(' '),
  );
}
