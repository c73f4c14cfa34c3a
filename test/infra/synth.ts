import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '#infra/app-builder.ts';
import type { NagReport } from '#infra/nag-summary.ts';

export type { NagReport };

export interface Synthesised {
  outdir: string;
  template: (
    stack: 'Keys' | 'Data' | 'Identity' | 'Audit' | 'Archive' | 'Api' | 'Jobs' | 'Feeds' | 'Monitoring',
  ) => Template;
  report: NagReport;
}

/** Synthesises the staging app once (functions bundled, cdk-nag run) and reads what it wrote. */
export function synthesise(): Synthesised {
  const outdir = mkdtempSync(join(tmpdir(), 'contactpoint-cdk-'));
  let failure: unknown;
  try {
    buildApp({ outdir, environment: 'staging' }).synth();
  } catch (error) {
    failure = error; // reported through the validation report, which the nag test reads
  }
  const read = (file: string) => JSON.parse(readFileSync(join(outdir, file), 'utf8'));
  const report = read('validation-report.json') as NagReport;
  if (failure && !report) throw failure;
  return {
    outdir,
    template: (stack) => Template.fromJSON(read(`ContactPoint-staging-${stack}.template.json`)),
    report,
  };
}
