import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StorageUnavailableError } from '#adapters/dynamo/errors.ts';
import type { AuditEvent } from '#domain/audit/event.ts';
import { type ChildFields, childFieldsExample } from '#domain/child/schema.ts';
import { AuditUnavailableError, PreconditionFailedError } from '#domain/errors.ts';
import { createChild, shieldChild, unshieldChild, updateChild } from '#domain/use-cases/change-child.ts';
import { registerInvolvement, updateInvolvement } from '#domain/use-cases/involvements.ts';
import { searchChildren } from '#domain/use-cases/search-children.ts';
import { viewChild } from '#domain/use-cases/view-child.ts';
import { deleteTable } from '#infra/local/dynamodb.ts';
import { leedsDataManager, practitioner } from '../support/builders.ts';
import { type DynamoFixture, startDynamoFixture } from '../support/local-dynamo.ts';

const facts = { requestId: 'req-it', sourceIp: '127.0.0.1' };
const reason = { code: 'SAFEGUARDING' as const };
const amelia = childFieldsExample as unknown as ChildFields;
/** The example child without identifiers: an NHS number or UPN belongs to one record only. */
const { nhsNumber: _nhs, upn: _upn, ...unidentified } = amelia;
let fx: DynamoFixture;

async function auditEvents(): Promise<AuditEvent[]> {
  const { Items } = await fx.dynamo.client.send(new ScanCommand({ TableName: fx.tables.audit }));
  const { unmarshall } = await import('@aws-sdk/util-dynamodb');
  return (Items ?? []).map((i) => unmarshall(i) as AuditEvent);
}

beforeAll(async () => {
  fx = await startDynamoFixture();
});
afterAll(async () => {
  await fx?.dynamo.stop();
});

describe('the directory on DynamoDB Local', () => {
  it('creates a record with its audit event in one transaction, and finds it by name and date of birth', async () => {
    const created = await createChild(fx.adapters, leedsDataManager, amelia, facts);
    const matches = await searchChildren(
      fx.adapters,
      practitioner,
      { familyName: 'walker', givenName: 'Millie', dateOfBirth: '2016-09-04' },
      reason,
      facts,
    );
    expect(matches.map((m) => m.childId)).toEqual([created.childId]);
    const events = await auditEvents();
    expect(events.map((e) => [e.action, e.outcome])).toEqual(
      expect.arrayContaining([
        ['create-child', 'success'],
        ['search-children', 'success'],
      ]),
    );
  });

  it('gives one success and one 412 when two corrections race on the same version', async () => {
    const created = await createChild(
      fx.adapters,
      leedsDataManager,
      { ...unidentified, givenName: 'Olivia', dateOfBirth: '2014-02-02' },
      facts,
    );
    const results = await Promise.allSettled([
      updateChild(fx.adapters, leedsDataManager, created.childId, { familyName: 'Khan' }, 1, facts),
      updateChild(fx.adapters, leedsDataManager, created.childId, { familyName: 'Patel' }, 1, facts),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((r) => r.status === 'rejected');
    expect(rejected?.status === 'rejected' && rejected.reason).toBeInstanceOf(PreconditionFailedError);
    expect((await fx.adapters.children.get(created.childId))?.version).toBe(2);
  });

  it('keeps a replaced family name for matching, so the old name still finds the child', async () => {
    const grace = { ...unidentified, givenName: 'Grace', dateOfBirth: '2013-05-06' };
    const created = await createChild(fx.adapters, leedsDataManager, grace, facts);
    await updateChild(fx.adapters, leedsDataManager, created.childId, { familyName: 'Okafor' }, 1, facts);
    const byOld = await searchChildren(
      fx.adapters,
      practitioner,
      { givenName: 'Grace', familyName: 'Walker', dateOfBirth: grace.dateOfBirth },
      reason,
      facts,
    );
    expect(byOld.map((m) => m.familyName)).toEqual(['Okafor']);
  });

  it('shielding removes every postcode, NHS number and UPN key, so those searches answer as for nobody (R3)', async () => {
    const fields = {
      ...unidentified,
      givenName: 'Isla',
      dateOfBirth: '2012-07-08',
      nhsNumber: '4010232137',
      upn: undefined,
    };
    const created = await createChild(fx.adapters, leedsDataManager, fields, facts);
    const byPostcode = {
      givenName: 'Isla',
      familyName: 'Walker',
      dateOfBirth: fields.dateOfBirth,
      postcode: 'LS8 3QE',
    };
    const byNhs = { nhsNumber: '4010232137' };
    expect(await searchChildren(fx.adapters, practitioner, byPostcode, reason, facts)).toHaveLength(1);
    await shieldChild(
      fx.adapters,
      leedsDataManager,
      created.childId,
      { reason: 'adult-at-risk', reviewDate: '2099-01-01' },
      facts,
    );
    expect(await searchChildren(fx.adapters, practitioner, byPostcode, reason, facts)).toEqual([]);
    expect(await searchChildren(fx.adapters, practitioner, byNhs, reason, facts)).toEqual([]);
    const byName = await searchChildren(
      fx.adapters,
      practitioner,
      { givenName: 'Isla', familyName: 'Walker', dateOfBirth: fields.dateOfBirth },
      reason,
      facts,
    );
    expect(byName.map((m) => m.childId)).toEqual([created.childId]);
    const { view } = await viewChild(fx.adapters, practitioner, created.childId, reason, facts);
    expect(view.disclosure).toBe('shielded');
    await unshieldChild(
      fx.adapters,
      leedsDataManager,
      created.childId,
      { reasonText: 'Risk reviewed and gone' },
      facts,
    );
    expect(await searchChildren(fx.adapters, practitioner, byNhs, reason, facts)).toHaveLength(1);
  });

  it('keeps one lead professional per child: marking a new lead clears the old in the same transaction', async () => {
    const created = await createChild(
      fx.adapters,
      leedsDataManager,
      { ...unidentified, givenName: 'Ruby', dateOfBirth: '2011-09-10' },
      facts,
    );
    const request = {
      serviceType: 'school-nursing' as const,
      practitionerName: 'Priya Shah',
      role: 'School nurse',
      contact: { phone: '0113 496 0303' },
      startDate: '2026-09-01',
      leadProfessional: true,
      assessmentCompleted: false,
    };
    const first = await registerInvolvement(fx.adapters, practitioner, created.childId, request, facts);
    const second = await registerInvolvement(fx.adapters, practitioner, created.childId, request, facts);
    const all = await fx.adapters.involvements.listForChild(created.childId);
    expect(all.filter((i) => i.leadProfessional).map((i) => i.involvementId)).toEqual([second.involvementId]);
    await expect(
      updateInvolvement(
        fx.adapters,
        practitioner,
        created.childId,
        first.involvementId,
        { leadProfessional: true },
        1,
        facts,
      ),
    ).rejects.toBeInstanceOf(PreconditionFailedError);
  });

  it('fails closed when the audit table is gone: a view is refused and a change is not made (R6)', async () => {
    const created = await createChild(
      fx.adapters,
      leedsDataManager,
      { ...unidentified, givenName: 'Freya', dateOfBirth: '2010-11-12' },
      facts,
    );
    await deleteTable(fx.dynamo.client, fx.tables.audit);
    await expect(viewChild(fx.adapters, practitioner, created.childId, reason, facts)).rejects.toBeInstanceOf(
      AuditUnavailableError,
    );
    await expect(
      updateChild(fx.adapters, leedsDataManager, created.childId, { familyName: 'Unaudited' }, 1, facts),
    ).rejects.toBeInstanceOf(StorageUnavailableError);
    expect((await fx.adapters.children.get(created.childId))?.familyName).toBe('Walker');
  });
});
