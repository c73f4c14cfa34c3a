import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Where this run's one synthesis of the app goes (see synth.ts); empty until a test asks for it. */
    infraSynthDir: string;
  }
}

/**
 * The infra project's run directory, shared by its workers: the first test file that needs the synthesised
 * app synthesises it there (bundling every function and running cdk-nag, ~35 s) and every other file reads
 * what it wrote, rather than each file synthesising again. Nothing is synthesised here, so a run of files
 * that never read the app (architecture, audit writes, shared definitions) does not pay for it.
 */
export default function setup(project: TestProject): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'contactpoint-cdk-'));
  project.provide('infraSynthDir', dir);
  // Watch mode: a rerun follows a change to the code, so the next test that needs the app synthesises it afresh.
  project.onTestsRerun(() => {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir);
  });
  // Each synthesis writes ~120 MB of bundled functions: leave none behind.
  return () => rmSync(dir, { recursive: true, force: true });
}
