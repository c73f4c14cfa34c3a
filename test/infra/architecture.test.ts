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

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]/g)].map(
    (m) => m[1] as string,
  );
}

describe('the layers', () => {
  it('keep the domain pure: no AWS SDK, adapters, HTTP, functions or infrastructure', () => {
    const domainFiles = sourceFiles(join(root, 'layers', 'domain'));
    // The scan itself works: the domain does import zod and its own modules.
    expect(domainFiles.flatMap(importsOf)).toEqual(expect.arrayContaining(['zod', '../errors.ts']));
    const offenders = domainFiles.flatMap((file) =>
      importsOf(file)
        .filter(
          (spec) =>
            /^(@aws-sdk\/|@middy\/|@aws-lambda-powertools\/|aws-lambda|#adapters|#http|#functions|#infra|node:)/.test(
              spec,
            ) ||
            spec.includes('/adapters/') ||
            spec.includes('/http/'),
        )
        .map((spec) => `${relative(root, file)} imports ${spec}`),
    );
    expect(offenders).toEqual([]);
  });

  it('keep handlers thin: a function imports only layers and its own schema', () => {
    const offenders = sourceFiles(join(root, 'functions')).flatMap((file) =>
      importsOf(file)
        .filter((spec) => spec.startsWith('.') && !spec.startsWith('./'))
        .map((spec) => `${relative(root, file)} imports ${spec}`),
    );
    expect(offenders).toEqual([]);
  });
});
