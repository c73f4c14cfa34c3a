import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { DeleteCommand, PutCommand, paginateScan, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileSealStore } from '#adapters/audit/seal-store.ts';
import { documentClient } from '#adapters/dynamo/client.ts';
import type { AuditEvent } from '#domain/audit/event.ts';
import type { LocalStack } from '#infra/local/stack.ts';
import {
  alertsReaching,
  clientFor,
  expectTrailSealedAndIntact,
  startTestStack,
} from '../support/local-stack.ts';

const ROOT = join(import.meta.dirname, '..', '..');
let stack: LocalStack;

/** Runs the real command, as an operator would, against this test's stack. */
function auditVerify(env: Record<string, string> = {}) {
  const run = spawnSync(
    process.execPath,
    [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'infra/local/audit-verify.ts'],
    {
      cwd: ROOT,
      env: { ...process.env, CONTACTPOINT_STATE_DIR: stack.stateDir, ...env },
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
  for (let i = 0; i < 100; i++) {
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
});

describe('oversight over HTTP (R6)', () => {
  it('lists a practitioner’s view of a child to the council’s auditor, with who, organisation, reason and disclosure', async () => {
    const dataManager = await clientFor(stack, 'data-manager');
    const created = await dataManager.call('POST', '/children', {
      body: { givenName: 'Orla', familyName: 'Nesbitt', gender: 'female', dateOfBirth: '2019-02-02' },
    });
    const childId = created.json().childId as string;
    const practitioner = await clientFor(stack, 'practitioner');
    const practitionerId = stack.state.users.find((u) => u.role === 'practitioner')?.userId;
    const search = await practitioner.call(
      'GET',
      '/children?familyName=Nesbitt&givenName=Orla&dateOfBirth=2019-02-02&reason=EMERGENCY_CARE',
    );
    expect(search.status).toBe(200);
    expect(
      (
        await practitioner.call(
          'GET',
          `/children/${childId}?reason=EMERGENCY_CARE&reasonText=Seen%20in%20A%26E`,
        )
      ).status,
    ).toBe(200);

    const auditor = await clientFor(stack, 'auditor@leeds.example.gov.uk');
    let entries: {
      action: string;
      actorId: string;
      actorOrganisationId: string;
      reasonCode?: string;
      reasonText?: string;
      disclosure?: string;
    }[] = [];
    for (let i = 0; i < 100 && !entries.some((e) => e.action === 'view-child'); i++) {
      await new Promise((r) => setTimeout(r, 200));
      const reply = await auditor.call('GET', `/audit/children/${childId}`);
      expect(reply.status).toBe(200);
      entries = reply.json().entries;
    }
    expect(entries).toContainEqual(
      expect.objectContaining({
        action: 'view-child',
        actorId: practitionerId,
        actorOrganisationId: 'ORG-LEEDS-CH',
        reasonCode: 'EMERGENCY_CARE',
        reasonText: 'Seen in A&E',
        disclosure: 'full',
      }),
    );
    expect(entries).toContainEqual(expect.objectContaining({ action: 'create-child' }));

    const csv = await auditor.call('GET', `/audit/children/${childId}?format=csv`);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(csv.text.split('\r\n')[0]).toBe(
      'at,action,outcome,actorId,actorOrganisationId,actorRoles,reasonCode,reasonText,disclosure,childIds,subjectUserId,criteria,eventId,disclosures,refusalReasons',
    );
    expect(csv.text).toContain(
      `view-child,success,${practitionerId},ORG-LEEDS-CH,practitioner,EMERGENCY_CARE,Seen in A&E,full,${childId}`,
    );

    expect((await practitioner.call('GET', `/audit/children/${childId}`)).status).toBe(403);
    const bradfordAuditor = await clientFor(stack, 'auditor@bradford.example.gov.uk');
    expect((await bradfordAuditor.call('GET', `/audit/children/${childId}`)).status).toBe(404);

    const ownTrail = await auditor.call('GET', `/audit/users/${practitionerId}?from=2020-01-01`);
    expect(ownTrail.json().entries).toContainEqual(
      expect.objectContaining({ action: 'view-child', childIds: [childId] }),
    );
    // The user's trail shows what they searched for, as its description promises; a child's never does.
    expect(ownTrail.json().entries).toContainEqual(
      expect.objectContaining({
        action: 'search-children',
        criteria: { familyName: 'Nesbitt', givenName: 'Orla', dateOfBirth: '2019-02-02' },
      }),
    );
    expect(JSON.stringify(entries)).not.toContain('"criteria"');
    const reads = (await auditEvents()).filter((e) => e.action === 'read-audit-trail');
    expect(reads.length).toBeGreaterThanOrEqual(2);
  });
});

describe('misuse detection on the audit stream (R10)', () => {
  it('tells the administering council’s auditors when a practitioner views a shielded record, naming no child', async () => {
    const dataManager = await clientFor(stack, 'data-manager');
    const created = await dataManager.call('POST', '/children', {
      body: { givenName: 'Tamsin', familyName: 'Rowe', gender: 'female', dateOfBirth: '2018-08-08' },
    });
    const childId = created.json().childId as string;
    await dataManager.call('PUT', `/children/${childId}/shield`, {
      body: { reason: 'adult-at-risk', reviewDate: '2099-01-01' },
    });
    const practitioner = await clientFor(stack, 'practitioner');
    expect(
      (await practitioner.call('GET', `/children/${childId}?reason=SAFEGUARDING`)).json().disclosure,
    ).toBe('shielded');

    const practitionerId = stack.state.users.find((u) => u.role === 'practitioner')?.userId;
    const alerts = await alertsReaching(stack, 'auditor@leeds.example.gov.uk', 'shielded-view');
    expect(alerts).toEqual([
      expect.objectContaining({ rule: 'shielded-view', subjectUserId: practitionerId, status: 'open' }),
    ]);
    expect(JSON.stringify(alerts)).not.toMatch(/Tamsin|Rowe|2018-08-08/);
    expect(JSON.stringify(alerts)).not.toContain(childId);
  });
});

describe('subject access report (R6)', () => {
  it('lists every access made to the child, by organisation and role, and what is held with its source', async () => {
    const dataManager = await clientFor(stack, 'data-manager');
    const created = await dataManager.call('POST', '/children', {
      body: {
        givenName: 'Noor',
        familyName: 'Haddad',
        gender: 'female',
        dateOfBirth: '2017-10-10',
        address: { line1: '1 Kirkstall Road', town: 'Leeds', postcode: 'LS4 2AA' },
      },
    });
    const childId = created.json().childId as string;
    const nurse = await clientFor(stack, 'practitioner');
    const hospital = await clientFor(stack, 'practitioner@leeds-th.example.nhs.uk');
    await nurse.call(
      'GET',
      '/children?familyName=Haddad&givenName=Noor&dateOfBirth=2017-10-10&reason=SAFEGUARDING',
    );
    await nurse.call('GET', `/children/${childId}?reason=SAFEGUARDING`);
    await hospital.call('GET', `/children/${childId}?reason=EMERGENCY_CARE`);
    await dataManager.call('GET', `/children/${childId}?reason=DATA_QUALITY`);
    const accesses = (await auditEvents()).filter((e) => e.childIds.includes(childId));
    expect(accesses).toHaveLength(5); // create, search, three views

    type Report = {
      accesses: { action: string }[];
      accessByOrganisationAndRole: {
        organisationId: string;
        roles: string;
        accesses: number;
        actions: Record<string, number>;
      }[];
      held: { field: string; value: string; source: string }[];
    };
    // Preparing the report is itself an audited access, so earlier polls appear in later reports: compare
    // only the accesses made before the first report was asked for.
    const priorAccesses = (r: Report) => r.accesses.filter((a) => a.action !== 'subject-access-report');
    let report: Report = { accesses: [], accessByOrganisationAndRole: [], held: [] };
    for (let i = 0; i < 100 && priorAccesses(report).length < accesses.length; i++) {
      await new Promise((r) => setTimeout(r, 200));
      report = (await dataManager.call('GET', `/children/${childId}/subject-access-report`)).json();
    }
    expect(priorAccesses(report)).toHaveLength(accesses.length);
    expect(report.accessByOrganisationAndRole).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ organisationId: 'ORG-LEEDS-CH', roles: 'practitioner', accesses: 2 }),
        expect.objectContaining({ organisationId: 'ORG-LEEDS-TH', roles: 'practitioner', accesses: 1 }),
        expect.objectContaining({
          organisationId: 'ORG-LEEDS-CC',
          roles: 'data-manager',
          actions: expect.objectContaining({ 'create-child': 1, 'view-child': 1 }),
        }),
      ]),
    );
    expect(report.held).toContainEqual(
      expect.objectContaining({
        field: 'address.postcode',
        value: 'LS4 2AA',
        source: expect.stringContaining('Leeds City Council'),
      }),
    );
    const html = await dataManager.call('GET', `/children/${childId}/subject-access-report?format=html`);
    expect(html.headers.get('content-type')).toContain('text/html');
    expect(html.text).toContain('Who has accessed the record');
    expect((await nurse.call('GET', `/children/${childId}/subject-access-report`)).status).toBe(403);
  });
});

/**
 * The invariant every e2e file ends with, checked here before the tests below break the trail on
 * purpose (after them it cannot hold: they edit, delete, replace and stop sealing).
 */
describe('the audit trail after the ordinary tests of this file', () => {
  it('is fully sealed and verifies, with no failure reported', async () => {
    await expectTrailSealedAndIntact(stack);
  });
});

describe('npm run audit:verify names each way the trail can be broken (R6; these run last)', () => {
  it('fails, naming the event, after an event is edited or deleted directly in DynamoDB Local', async () => {
    const db = documentClient('eu-west-2', stack.dynamo.endpoint);
    // Two views whose reason is not already the innocent-looking one the edit writes.
    const views = (await auditEvents()).filter(
      (e) => e.action === 'view-child' && e.reason?.code !== 'DATA_QUALITY',
    );
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
    // The seal kept the full event: what happened survives the deletion.
    expect(output).toMatch(
      new RegExp(
        `${deleted.eventId} was deleted after it was sealed \\(seal (\\d+)\\); its content as sealed is kept with seal \\1`,
      ),
    );
  });

  it('fails, naming the seal, when a seal object gets a second version', async () => {
    new FileSealStore(join(stack.stateDir, 'audit-seals')).addVersionForTest(
      '000000000001.json',
      JSON.stringify({ sequence: 1, entries: [] }),
    );
    const { status, output } = auditVerify();
    expect(status).toBe(1);
    expect(output).toContain('seal 1 was replaced: 2 versions');
  });

  it('fails, naming the item, when the audit index is edited, invented or loses an item', async () => {
    const db = documentClient('eu-west-2', stack.dynamo.endpoint);
    const items: Record<string, string>[] = [];
    for await (const page of paginateScan({ client: db }, { TableName: stack.tables.auditIndex })) {
      items.push(...((page.Items ?? []) as Record<string, string>[]));
    }
    const [edited, removed] = items.filter(
      (i) => i.action === 'view-child' && i.reasonCode !== 'DATA_QUALITY',
    ) as [Record<string, string>, Record<string, string>];
    await db.send(
      new UpdateCommand({
        TableName: stack.tables.auditIndex,
        Key: { subject: edited.subject, atEvent: edited.atEvent },
        UpdateExpression: 'SET reasonCode = :innocent',
        ExpressionAttributeValues: { ':innocent': 'DATA_QUALITY' },
      }),
    );
    await db.send(
      new DeleteCommand({
        TableName: stack.tables.auditIndex,
        Key: { subject: removed.subject, atEvent: removed.atEvent },
      }),
    );
    const invented: Record<string, string> = {
      ...edited,
      atEvent: '2026-01-01T09:00:00.000Z#EV-invented',
      eventId: 'EV-invented',
    };
    await db.send(new PutCommand({ TableName: stack.tables.auditIndex, Item: invented }));
    db.destroy();
    // A missing item counts once its event is older than the lag; 1 s here, so it already is.
    const { status, output } = auditVerify({ AUDIT_SEAL_LAG_SECONDS: '1' });
    expect(status).toBe(1);
    expect(output).toContain(`audit index item ${edited.subject} ${edited.atEvent} was edited`);
    expect(output).toContain(`audit index item ${invented.subject} ${invented.atEvent} has no sealed event`);
    expect(output).toContain(`audit index item ${removed.subject} ${removed.atEvent} is missing`);
  });

  it('fails, naming each event, when sealing stops and events wait longer than the lag', async () => {
    await stack.stopStreamConsumers();
    const before = new Set((await auditEvents()).map((e) => e.eventId));
    const practitioner = await clientFor(stack, 'practitioner');
    const reply = await practitioner.call(
      'GET',
      `/children/${stack.exampleChild?.childId}?reason=SAFEGUARDING`,
    );
    expect(reply.status).toBe(200);
    const waiting = (await auditEvents()).filter((e) => !before.has(e.eventId));
    expect(waiting).toHaveLength(1);
    // Within the lag (120 s locally) it is only not yet sealed ...
    const within = auditVerify();
    expect(within.output).toMatch(/[1-9]\d* not yet sealed/);
    expect(within.output).not.toContain(`event ${waiting[0]?.eventId} is not in any seal`);
    // ... and past it, a failure that names it.
    await new Promise((r) => setTimeout(r, 2_000));
    const { status, output } = auditVerify({ AUDIT_SEAL_LAG_SECONDS: '1' });
    expect(status).toBe(1);
    expect(output).toMatch(
      new RegExp(
        `event ${waiting[0]?.eventId} is not in any seal \\d+ s after it was written, more than the 1 s`,
      ),
    );
  });
});
