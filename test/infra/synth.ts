import { closeSync, existsSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Template } from 'aws-cdk-lib/assertions';
import { inject } from 'vitest';
import { buildApp } from '#infra/app-builder.ts';
import { type NagReport, readNagReport } from '#infra/nag-summary.ts';

export type { NagReport };

/** An IAM policy statement as a synthesised template holds it. */
export interface Statement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Principal?: unknown;
  Action: string | string[];
  Resource?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

export interface Synthesised {
  outdir: string;
  template: (
    stack:
      | 'Keys'
      | 'Data'
      | 'Identity'
      | 'Audit'
      | 'Archive'
      | 'Api'
      | 'Jobs'
      | 'Feeds'
      | 'Console'
      | 'ConsoleEdge'
      | 'Monitoring',
  ) => Template;
  report: NagReport;
}

/** How long a file waits for another worker's synthesis; under the 180 s the files give their beforeAll. */
export const SYNTH_WAIT_MS = 170_000;

/** What the synthesising worker leaves beside the cloud assembly once `synth()` has returned or thrown. */
interface Outcome {
  failure?: string;
}

/**
 * The staging app, synthesised once per run (functions bundled, cdk-nag run) into the directory the
 * global setup provides, and read from what it wrote. The first caller in any worker takes the lock and
 * synthesises; the others wait for its outcome. Every caller reads the same files, so each test file
 * asserts on exactly what `npm run synth` would deploy, as when each file synthesised for itself.
 */
export async function synthesise(): Promise<Synthesised> {
  const dir = inject('infraSynthDir');
  const outdir = join(dir, 'cdk.out');
  const done = join(dir, 'outcome.json');
  if (takeLock(join(dir, 'synth.lock'))) {
    const outcome: Outcome = {};
    try {
      buildApp({ outdir, environment: 'staging' }).synth();
    } catch (error) {
      // Reported through the validation report, which the nag test reads; thrown below if there is none.
      outcome.failure = error instanceof Error ? (error.stack ?? error.message) : String(error);
    }
    writeFileSync(`${done}.tmp`, JSON.stringify(outcome));
    renameSync(`${done}.tmp`, done); // waiters never see half an outcome
  } else {
    const deadline = Date.now() + SYNTH_WAIT_MS;
    while (!existsSync(done)) {
      if (Date.now() > deadline)
        throw new Error(
          `No synthesis finished in ${dir} within ${SYNTH_WAIT_MS / 1000} s (its worker died?)`,
        );
      await sleep(200);
    }
  }
  const outcome = JSON.parse(readFileSync(done, 'utf8')) as Outcome;
  const report = readNagReport(outdir);
  if (!report) throw new Error(`The app did not synthesise: ${outcome.failure ?? 'no validation report'}`);
  const read = (file: string) => JSON.parse(readFileSync(join(outdir, file), 'utf8'));
  return {
    outdir,
    template: (stack) => Template.fromJSON(read(`ContactPoint-staging-${stack}.template.json`)),
    report,
  };
}

/** Creates the lock file if no one has: true for exactly one caller per run directory. */
function takeLock(file: string): boolean {
  try {
    closeSync(openSync(file, 'wx'));
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}
