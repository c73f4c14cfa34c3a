import type { BuildOptions } from 'esbuild';

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
