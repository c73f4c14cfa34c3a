import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditPut } from '#adapters/dynamo/audit-sink.ts';
import { FUNCTIONS } from '#functions/manifest.ts';

const root = join(import.meta.dirname, '..', '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('R6: every audit write is an append', () => {
  it('appends with a not-exists condition on the event ID', () => {
    const put = auditPut('audit', { eventId: 'EV-1' } as Parameters<typeof auditPut>[1]);
    expect(put.ConditionExpression).toBe('attribute_not_exists(eventId)');
  });

  it('reaches the audit table in code only through auditPut, a read, or the wiring that names it', () => {
    const uses = [...sourceFiles(join(root, 'layers')), ...sourceFiles(join(root, 'functions'))].flatMap(
      (file) =>
        readFileSync(file, 'utf8')
          .split('\n')
          .filter((line) => /tables\.audit\b|AUDIT_TABLE\b|auditTable\b/.test(line))
          .map((line) => ({ file: relative(root, file), line: line.trim() })),
    );
    expect(uses.length).toBeGreaterThan(5);
    const allowed = [
      /auditPut\(this\.tables\.audit, /, // the one append
      /^audit: (config|settings)\.AUDIT_TABLE,?$/, // a repository told the table's name
      /new Dynamo\w+\(db, \{ [^}]*audit: config\.AUDIT_TABLE \}\)/,
      // the child repository's tables, on a line of their own (adapters wiring, the re-keying job)
      /^\{ children: config\.CHILDREN_TABLE, audit: config\.AUDIT_TABLE \},$/,
      /new DynamoAuditSink\(db, config\.AUDIT_TABLE\)/, // the sink: conditional Put and Get only
      /^AUDIT_TABLE: name,$|^audit: 'AUDIT_TABLE',$/, // settings
      /TableName: tables\.audit, ConsistentRead: true/, // the verifier's Scan
      /^const tables = \{ audit: config\.AUDIT_TABLE, auditIndex: /, // the verifier told both tables' names
    ];
    // The verifier's low-level Scan names the table on a line of its own; that file sends only Scans.
    const verifier = 'layers/adapters/audit/verify-trail.ts';
    const verifierScan = ({ file, line }: { file: string; line: string }) =>
      file === verifier && line === 'TableName: tables.audit,';
    const unexplained = uses.filter(
      (use) => !verifierScan(use) && !allowed.some((pattern) => pattern.test(use.line)),
    );
    expect(unexplained).toEqual([]);
    const verifierCommands = readFileSync(join(root, verifier), 'utf8').match(/new (\w+)Command\(/g) ?? [];
    expect(new Set(verifierCommands)).toEqual(new Set(['new RawScanCommand(']));
    const sink = readFileSync(join(root, 'layers/adapters/dynamo/audit-sink.ts'), 'utf8');
    expect(sink.match(/new (\w+)Command\(/g)?.sort()).toEqual(['new GetCommand(', 'new PutCommand(']);
    expect(sink).toContain('new PutCommand(auditPut(');
  });

  it('declares no function that may update, delete or batch-write audit events', () => {
    for (const fn of FUNCTIONS) {
      const actions: readonly string[] = (fn.access as Record<string, readonly string[]>).audit ?? [];
      expect(
        actions.filter((a) => !['PutItem', 'GetItem', 'Query', 'Scan'].includes(a)),
        fn.name,
      ).toEqual([]);
    }
  });
});
