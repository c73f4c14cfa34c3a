import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEvent } from '#domain/audit/event.ts';
import { type ChildFields, childFieldsExample } from '#domain/child/schema.ts';
import { DuplicateIdentifierError } from '#domain/errors.ts';
import { createChild, shieldChild, updateChild } from '#domain/use-cases/change-child.ts';
import { searchChildren } from '#domain/use-cases/search-children.ts';
import { leedsDataManager, practitioner } from '../support/builders.ts';
import { type DynamoFixture, startDynamoFixture } from '../support/local-dynamo.ts';

const facts = { requestId: 'req-it', sourceIp: '127.0.0.1' };
const reason = { code: 'SAFEGUARDING' as const };
/** The example child without identifiers; each test gives the ones it needs. */
const { nhsNumber: _nhs, upn: _upn, ...unidentified } = childFieldsExample as unknown as ChildFields;
let fx: DynamoFixture;

async function auditEvents(): Promise<AuditEvent[]> {
  const { Items } = await fx.dynamo.client.send(new ScanCommand({ TableName: fx.tables.audit }));
  return (Items ?? []).map((i) => unmarshall(i) as AuditEvent);
}

beforeAll(async () => {
  fx = await startDynamoFixture();
});
afterAll(async () => {
  await fx?.dynamo.stop();
});

describe('one record per child (R3, R8)', () => {
  it('refuses a second record with the same NHS number or UPN (409), audits the attempt against the record that holds it, and stores nothing', async () => {
    const held = await createChild(
      fx.adapters,
      leedsDataManager,
      {
        ...unidentified,
        givenName: 'Nia',
        dateOfBirth: '2015-01-02',
        nhsNumber: '9434765900',
        upn: 'X801200001002',
      },
      facts,
    );
    await shieldChild(
      fx.adapters,
      leedsDataManager,
      held.childId,
      { reason: 'adult-at-risk', reviewDate: '2099-01-01' },
      facts,
    );
    for (const duplicate of [{ nhsNumber: '9434765900' }, { upn: 'X801200001002' }]) {
      await expect(
        createChild(
          fx.adapters,
          leedsDataManager,
          { ...unidentified, givenName: 'Nia', dateOfBirth: '2015-01-02', ...duplicate },
          facts,
        ),
      ).rejects.toThrow(DuplicateIdentifierError);
    }
    // The refusal names no record to the caller, and no unshielded copy can be found by a hidden field.
    const byPostcode = {
      givenName: 'Nia',
      familyName: 'Walker',
      dateOfBirth: '2015-01-02',
      postcode: 'LS8 3QE',
    };
    expect(await searchChildren(fx.adapters, practitioner, byPostcode, reason, facts)).toEqual([]);
    const refusals = (await auditEvents()).filter(
      (e) => e.action === 'create-child' && e.outcome === 'conflict',
    );
    expect(refusals.map((e) => e.childIds)).toEqual([[held.childId], [held.childId]]);
  });

  it('refuses a correction that would take another record’s NHS number, and frees an identifier a correction removes', async () => {
    const first = await createChild(
      fx.adapters,
      leedsDataManager,
      { ...unidentified, givenName: 'Ada', dateOfBirth: '2016-03-04', nhsNumber: '9434765927' },
      facts,
    );
    const second = await createChild(
      fx.adapters,
      leedsDataManager,
      { ...unidentified, givenName: 'Bea', dateOfBirth: '2016-03-05' },
      facts,
    );
    await expect(
      updateChild(
        fx.adapters,
        leedsDataManager,
        second.childId,
        { nhsNumber: '9434765927' },
        second.version,
        facts,
      ),
    ).rejects.toThrow(DuplicateIdentifierError);
    await updateChild(
      fx.adapters,
      leedsDataManager,
      first.childId,
      { nhsNumber: null },
      first.version,
      facts,
    );
    const moved = await updateChild(
      fx.adapters,
      leedsDataManager,
      second.childId,
      { nhsNumber: '9434765927' },
      second.version,
      facts,
    );
    expect(moved.record.nhsNumber).toBe('9434765927');
  });
});
