import { join } from 'node:path';
import { buildApp } from './app-builder.ts';

/**
 * `npm run synth` (or `npx cdk synth`): every stack's template into cdk.out/, offline. The CDK CLI
 * passes its own output directory; run directly, the templates go to the repository's cdk.out/.
 */
buildApp({ outdir: process.env.CDK_OUTDIR ?? join(import.meta.dirname, '..', 'cdk.out') }).synth();
