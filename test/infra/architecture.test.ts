import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** Every module a file imports or re-exports, statically or dynamically. */
function importsOf(text: string): string[] {
  const statics = [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]/g)];
  const bare = [...text.matchAll(/(?:^|\n)\s*import\s+['"]([^'"]+)['"]/g)];
  const dynamic = [...text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)];
  return [...statics, ...bare, ...dynamic].map((m) => m[1] as string);
}

function offenders(dir: string, forbidden: (spec: string) => boolean): string[] {
  return sourceFiles(join(root, dir)).flatMap((file) =>
    importsOf(readFileSync(file, 'utf8'))
      .filter(forbidden)
      .map((spec) => `${relative(root, file)} imports ${spec}`),
  );
}

/** The libraries the domain may use: pure computation, no I/O, no platform. */
const PURE_LIBRARIES = [
  'zod',
  'double-metaphone',
  'talisman',
  'postcode',
  'fastest-levenshtein',
  'any-ascii',
];

/** Outside functions/ and infra/, and not climbing out of layers/ by a relative path. */
const reachesOutOfLayers = (spec: string) =>
  /^#(functions|infra|test)\//.test(spec) || /(^|\/)(functions|infra|test)\//.test(spec);

describe('the layers', () => {
  it('import nothing from functions/ or infra/ (they are what functions and infrastructure stand on)', () => {
    // The scan itself works: it sees the layers' own imports.
    expect(sourceFiles(join(root, 'layers')).length).toBeGreaterThan(50);
    expect(offenders('layers', reachesOutOfLayers)).toEqual([]);
  });

  it('keep the domain pure: only its own modules and pure libraries', () => {
    const domainImports = sourceFiles(join(root, 'layers', 'domain')).flatMap((f) =>
      importsOf(readFileSync(f, 'utf8')),
    );
    expect(domainImports).toEqual(expect.arrayContaining(['zod', '../errors.ts']));
    const isPure = (spec: string) =>
      spec.startsWith('./') ||
      spec.startsWith('../') ||
      spec.startsWith('#domain/') ||
      PURE_LIBRARIES.some((lib) => spec === lib || spec.startsWith(`${lib}/`));
    expect(
      offenders(
        join('layers', 'domain'),
        (spec) => !isPure(spec) || /\/(adapters|http|runtime)\//.test(spec),
      ),
    ).toEqual([]);
  });

  it('keep jobs and adapters off the HTTP layer: logging and metrics live in layers/runtime', () => {
    expect(
      offenders(
        join('layers', 'runtime'),
        (spec) => /^#(http|adapters)\//.test(spec) && !spec.endsWith('tables.ts'),
      ),
    ).toEqual([]);
    expect(offenders(join('layers', 'adapters'), (spec) => spec.startsWith('#http/'))).toEqual([]);
  });

  it('keep the console off the data: it reaches ContactPoint only through the API, never a table, key or adapter', () => {
    expect(sourceFiles(join(root, 'layers', 'console')).length).toBeGreaterThan(10);
    expect(
      offenders(
        join('layers', 'console'),
        (spec) =>
          /^#(adapters|http)\//.test(spec) ||
          /^#domain\/use-cases\//.test(spec) ||
          /^@aws-sdk\/(client-dynamodb|lib-dynamodb|client-kms|client-s3|client-sesv2|client-dynamodb-streams)/.test(
            spec,
          ),
      ),
    ).toEqual([]);
  });

  it('spell storage key prefixes only in the adapters', () => {
    const prefixes = /['`"](CHILD|USER|ORG|CLIENT)#/;
    const spelled = ['domain', 'http', 'runtime', 'console'].flatMap((layer) =>
      sourceFiles(join(root, 'layers', layer))
        .filter((file) => prefixes.test(readFileSync(file, 'utf8')))
        .map((file) => relative(root, file)),
    );
    expect(spelled).toEqual([]);
  });

  it('keep handlers thin: a function imports layers, its own schema and the manifest only', () => {
    expect(
      offenders(
        'functions',
        (spec) => (spec.startsWith('.') && !spec.startsWith('./')) || /^#(infra|test)\//.test(spec),
      ),
    ).toEqual([]);
  });

  it('notices a forbidden import when one is written (the check itself can fail)', () => {
    const sample = "import { x } from '#functions/manifest.ts';\nconst y = await import('#infra/app.ts');";
    expect(importsOf(sample).filter(reachesOutOfLayers)).toEqual(['#functions/manifest.ts', '#infra/app.ts']);
  });
});
