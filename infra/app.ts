import { join } from 'node:path';
import { buildApp } from './app-builder.ts';
import { nagSummary, readNagReport } from './nag-summary.ts';

/**
 * `npm run synth` (or `npx cdk synth`): every stack's template into cdk.out/, offline, then the cdk-nag
 * summary. The CDK CLI passes its own output directory; run directly, the templates go to cdk.out/.
 */
const outdir = process.env.CDK_OUTDIR ?? join(import.meta.dirname, '..', 'cdk.out');
try {
  buildApp({ outdir }).synth();
} finally {
  const report = readNagReport(outdir);
  // stderr: the CDK CLI reads the app's stdout.
  if (report)
    console.error(`\n${nagSummary(report)}\nfull report: ${join(outdir, 'validation-report.json')}`);
}
