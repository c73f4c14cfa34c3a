import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type NagReport, synthesise } from './synth.ts';

const PACKS = ['AwsSolutions', 'HIPAA.Security', 'NIST.800.53.R5', 'Serverless'];
const docs = readFileSync(
  join(import.meta.dirname, '..', '..', 'docs', 'security', 'nag-acknowledgements.md'),
  'utf8',
);
let report: NagReport;

beforeAll(async () => {
  report = (await synthesise()).report;
}, 180_000);

/** The id as the docs write it: one row per kind, whatever the function's log group is called. */
function documentedForm(id: string): string[] {
  const generic = id
    .replace(/<[A-Za-z0-9]+Logs[0-9A-F]{8}\.Arn>/, '<FunctionLogGroup.Arn>')
    .replace(/ContactPoint-[A-Za-z0-9]+-Audit-SealBucketArn/, '<SealBucketArn export>')
    .replace(/ContactPoint-[A-Za-z0-9]+-Archive-ArchiveBucketArn/, '<ArchiveBucketArn export>')
    .replace(/<FeedsBucket[0-9A-F]{8}\.Arn>/, '<FeedsBucket.Arn>')
    .replace(/<ConsoleAssets[0-9A-F]{8}\.Arn>/, '<ConsoleAssets.Arn>')
    .replace(/cdk-([a-z0-9]+)-assets-\d{12}-[a-z0-9-]+\//, 'cdk-$1-assets-<account>-<region>/')
    .replace(
      /states:[a-z0-9-]+:\d{12}:execution:contactpoint-[a-z0-9-]+-feed-load/,
      'states:<region>:<account>:execution:contactpoint-<env>-feed-load',
    );
  const [pack, rule] = generic.split('::') as [string, string];
  const short = rule.replace(/^[^-]+(\.[^-]+)*-/, '…-');
  const withoutPolicyArn = generic.replace(/arn:<AWS::Partition>:iam::aws:policy\/service-role\//, '…/');
  return [generic, `${pack}::${short}`, withoutPolicyArn];
}

describe('cdk-nag', () => {
  it('runs the AwsSolutions, HIPAA Security, NIST 800-53 rev 5 and Serverless packs and finds nothing unacknowledged', () => {
    expect(report.pluginReports.map((p) => p.pluginName).sort()).toEqual([...PACKS].sort());
    for (const pack of report.pluginReports) {
      const open = (pack.violations ?? []).map(
        (v) => `${v.ruleName} at ${v.violatingConstructs.map((c) => c.constructPath).join(', ')}`,
      );
      expect(open, pack.pluginName).toEqual([]);
      expect(pack.conclusion).toBe('success');
    }
  });

  it('gives every acknowledgement a specific reason, and lists it in docs/security/nag-acknowledgements.md', () => {
    const acknowledged = report.pluginReports.flatMap((p) => p.suppressedViolations ?? []);
    expect(acknowledged.length).toBeGreaterThan(0);
    for (const a of acknowledged) {
      expect(a.reason.length, a.acknowledgedId).toBeGreaterThan(60);
      expect(
        documentedForm(a.acknowledgedId).some((form) => docs.includes(form)),
        a.acknowledgedId,
      ).toBe(true);
    }
  });
});
