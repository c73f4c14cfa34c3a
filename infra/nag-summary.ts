import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** What cdk-nag writes to `<outdir>/validation-report.json`: one report per pack. */
export interface NagReport {
  pluginReports: {
    pluginName: string;
    conclusion: string;
    violations?: { ruleName: string; violatingConstructs: { constructPath: string }[] }[];
    suppressedViolations?: {
      ruleName: string;
      acknowledgedId: string;
      reason: string;
      violatingConstructs?: { constructPath: string }[];
    }[];
  }[];
}

export function readNagReport(outdir: string): NagReport | undefined {
  const file = join(outdir, 'validation-report.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as NagReport) : undefined;
}

/** A table of packs with their open and acknowledged findings, then each open finding and where it is. */
export function nagSummary(report: NagReport): string {
  const rows = report.pluginReports.map((pack) => {
    const open = (pack.violations ?? []).reduce((n, v) => n + v.violatingConstructs.length, 0);
    const acknowledged = (pack.suppressedViolations ?? []).reduce(
      (n, v) => n + (v.violatingConstructs?.length ?? 1),
      0,
    );
    return [pack.pluginName, String(open), String(acknowledged)];
  });
  const all = [['cdk-nag pack', 'open', 'acknowledged'], ...rows];
  const widths = all[0]?.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length))) ?? [];
  const line = (r: string[]) =>
    r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ');
  const open = report.pluginReports.flatMap((pack) =>
    (pack.violations ?? []).flatMap((v) =>
      v.violatingConstructs.map((c) => `  open: ${v.ruleName} at ${c.constructPath}`),
    ),
  );
  return [line(all[0] ?? []), ...rows.map(line), ...open].join('\n');
}
