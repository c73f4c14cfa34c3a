import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { DeleteCommand, paginateScan, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentClient } from '#adapters/dynamo/client.ts';
import type { AuditEvent } from '#domain/audit/event.ts';
import type { LocalStack } from '#infra/local/stack.ts';
import { clientFor, startTestStack } from '../support/local-stack.ts';

const ROOT = join(import.meta.dirname, '..', '..');
let stack: LocalStack;

/** Runs the real command, as an operator would, against this test's stack. */
function auditVerify() {
  const run = spawnSync(
    process.execPath,
    [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'infra/local/audit-verify.ts'],
    {
      cwd: ROOT,
      env: { ...process.env, CONTACTPOINT_STATE_DIR: stack.stateDir },
      encoding: 'utf8',
    },
  );
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

async function auditEvents(): Promise<AuditEvent[]> {
  const db = documentClient('eu-west-2', stack.dynamo.endpoint);
  const events: AuditEvent[] = [];
  for await (const page of paginateScan({ client: db }, { TableName: stack.tables.audit })) {
    events.push(...((page.Items ?? []) as AuditEvent[]));
  }
  return events;
}

beforeAll(async () => {
  stack = await startTestStack(30);
  const practitioner = await clientFor(stack, 'practitioner');
  const child = stack.exampleChild;
  for (const reason of ['SAFEGUARDING', 'EMERGENCY_CARE', 'ASSESSMENT']) {
    const reply = await practitioner.call('GET', `/children/${child?.childId}?reason=${reason}`);
    expect(reply.status).toBe(200);
  }
  // The stream consumer seals within a moment; wait until nothing is pending.
  for (let i = 0; i < 50; i++) {
    if (/ 0 not yet sealed/.test(auditVerify().output)) break;
    await new Promise((r) => setTimeout(r, 200));
  }
});

afterAll(async () => {
  await stack?.stop();
});

describe('npm run audit:verify (R6)', () => {
  it('passes on an untouched audit trail', () => {
    const { status, output } = auditVerify();
    expect(output).toMatch(/the audit trail is intact/);
    expect(output).toMatch(/[1-9]\d* events sealed, 0 not yet sealed/);
    expect(status).toBe(0);
  });

  it('fails, naming the event, after an event is edited or deleted directly in DynamoDB Local', async () => {
    const db = documentClient('eu-west-2', stack.dynamo.endpoint);
    const views = (await auditEvents()).filter((e) => e.action === 'view-child');
    const [edited, deleted] = views as [AuditEvent, AuditEvent];
    await db.send(
      new UpdateCommand({
        TableName: stack.tables.audit,
        Key: { eventId: edited.eventId },
        UpdateExpression: 'SET reason = :innocent',
        ExpressionAttributeValues: { ':innocent': { code: 'DATA_QUALITY' } },
      }),
    );
    await db.send(new DeleteCommand({ TableName: stack.tables.audit, Key: { eventId: deleted.eventId } }));
    const { status, output } = auditVerify();
    expect(status).toBe(1);
    expect(output).toContain(`event ${edited.eventId} was changed after it was sealed`);
    expect(output).toContain(`event ${deleted.eventId} was deleted after it was sealed`);
  });
});
