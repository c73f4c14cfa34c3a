import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoInvolvementRepository, involvementItem } from '#adapters/dynamo/involvement-repository.ts';
import { INVOLVEMENTS_BY_RECORDER_INDEX } from '#adapters/dynamo/tables.ts';
import { putGroups } from '#adapters/dynamo/write.ts';
import type { ChildFields } from '#domain/child/schema.ts';
import { childFieldsExample } from '#domain/child/schema.ts';
import { ValidationError } from '#domain/errors.ts';
import type { Involvement } from '#domain/involvement/schema.ts';
import { createChild } from '#domain/use-cases/change-child.ts';
import { registerInvolvement, updateInvolvement } from '#domain/use-cases/involvements.ts';
import { anInvolvement, leedsDataManager, otherPractitioner, practitioner } from '../support/builders.ts';
import { type DynamoFixture, startDynamoFixture } from '../support/local-dynamo.ts';

const facts = { requestId: 'req-it', sourceIp: '127.0.0.1' };
const TODAY = new Date().toISOString().slice(0, 10);
const { nhsNumber: _nhs, upn: _upn, ...unidentified } = childFieldsExample as unknown as ChildFields;
const request = {
  serviceType: 'school-nursing' as const,
  practitionerName: 'Priya Shah',
  role: 'School nurse',
  contact: { phone: '0113 496 0303' },
  startDate: '2026-01-05',
  leadProfessional: false,
  assessmentCompleted: false,
};
let fx: DynamoFixture;

beforeAll(async () => {
  fx = await startDynamoFixture();
});
afterAll(async () => {
  await fx?.dynamo.stop();
});

const ids = (page: { involvements: Involvement[] }) => page.involvements.map((i) => i.involvementId);

/** Involvements written straight to the table as the repository stores them (index attributes and all). */
async function stored(involvements: Involvement[]): Promise<void> {
  await putGroups(
    fx.adapters.db,
    fx.tables.involvements,
    involvements.map((i) => [involvementItem(i)]),
  );
}

describe('the caseload index (byRecorder) on DynamoDB Local', () => {
  it('lists what a user registered, newest first, never another user’s; reads back no index attributes', async () => {
    const child = await createChild(
      fx.adapters,
      leedsDataManager,
      { ...unidentified, givenName: 'Ava' },
      facts,
    );
    const first = await registerInvolvement(fx.adapters, practitioner, child.childId, request, facts);
    await registerInvolvement(
      fx.adapters,
      otherPractitioner,
      child.childId,
      { ...request, serviceType: 'paediatrics' },
      facts,
    );
    const second = await registerInvolvement(
      fx.adapters,
      practitioner,
      child.childId,
      { ...request, serviceType: 'health-visiting' },
      facts,
    );
    const page = await fx.adapters.involvements.listRecordedBy(practitioner.userId, {
      status: 'active',
      today: TODAY,
      limit: 20,
    });
    expect(ids(page)).toEqual([second.involvementId, first.involvementId]);
    expect(page.next).toBeUndefined();
    expect(page.involvements[0]).toEqual(second);
    expect(await fx.adapters.involvements.get(child.childId, first.involvementId)).toEqual(first);
    // An update (a Put of the whole involvement) keeps it in the index; ended, it moves to the other status.
    await updateInvolvement(
      fx.adapters,
      practitioner,
      child.childId,
      first.involvementId,
      { endDate: TODAY },
      1,
      facts,
    );
    const active = await fx.adapters.involvements.listRecordedBy(practitioner.userId, {
      status: 'active',
      today: TODAY,
      limit: 20,
    });
    const ended = await fx.adapters.involvements.listRecordedBy(practitioner.userId, {
      status: 'ended',
      today: TODAY,
      limit: 20,
    });
    expect(ids(active)).toEqual([second.involvementId]);
    expect(ids(ended)).toEqual([first.involvementId]);
    expect(ended.involvements[0]).toMatchObject({ endDate: TODAY, version: 2 });
  });

  it('is sparse: a machine client’s pushes and the seed’s involvements are not in it', async () => {
    const pushed = anInvolvement({
      involvementId: 'INV-PUSHED',
      childId: 'CPMACHINE01',
      recordedBy: 'client:cms-1',
    });
    await stored([pushed]);
    await new DynamoInvolvementRepository(fx.adapters.db, fx.tables).importInvolvements([
      anInvolvement({ involvementId: 'INV-SEED', childId: 'CPSEEDED001', recordedBy: 'seed' }),
    ]);
    const { Item } = await fx.adapters.db.send(
      new GetCommand({
        TableName: fx.tables.involvements,
        Key: { childId: pushed.childId, involvementId: pushed.involvementId },
      }),
    );
    expect(Item).toBeDefined();
    expect(Item?.recorder).toBeUndefined();
    for (const recorder of ['client:cms-1', 'seed']) {
      const { Count } = await fx.adapters.db.send(
        new QueryCommand({
          TableName: fx.tables.involvements,
          IndexName: INVOLVEMENTS_BY_RECORDER_INDEX,
          KeyConditionExpression: 'recorder = :r',
          ExpressionAttributeValues: { ':r': recorder },
        }),
      );
      expect(Count).toBe(0);
    }
  });

  it('fills a page of active involvements past many ended ones, and pages on with its cursor', async () => {
    const user = 'user-caseload-paging';
    const at = (n: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString();
    // 3 active involvements, oldest first, each with 120 ended ones recorded after it.
    const all: Involvement[] = [];
    for (let a = 0; a < 3; a++) {
      all.push(
        anInvolvement({
          involvementId: `INV-A${a}`,
          childId: `CPA${a}`,
          recordedBy: user,
          createdAt: at(a * 200),
        }),
      );
      for (let e = 0; e < 120; e++)
        all.push(
          anInvolvement({
            involvementId: `INV-E${a}-${String(e).padStart(3, '0')}`,
            childId: `CPE${a}`,
            recordedBy: user,
            endDate: '2026-02-01',
            createdAt: at(a * 200 + 1 + e),
          }),
        );
    }
    await stored(all);
    const query = { status: 'active' as const, today: TODAY, limit: 2 };
    const first = await fx.adapters.involvements.listRecordedBy(user, query);
    expect(ids(first)).toEqual(['INV-A2', 'INV-A1']);
    expect(first.next).toBeDefined();
    const second = await fx.adapters.involvements.listRecordedBy(user, { ...query, cursor: first.next });
    expect(ids(second)).toEqual(['INV-A0']);
    const ended = await fx.adapters.involvements.listRecordedBy(user, {
      ...query,
      status: 'ended',
      limit: 100,
    });
    expect(ended.involvements).toHaveLength(100);
    expect(ended.involvements.every((i) => i.endDate === '2026-02-01')).toBe(true);
    const rest = await fx.adapters.involvements.listRecordedBy(user, {
      ...query,
      status: 'ended',
      limit: 100,
      cursor: ended.next,
    });
    const seen = [...ids(ended), ...ids(rest)];
    // Ended pages, too, hold each involvement once; another page follows only while more may.
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBeGreaterThanOrEqual(200);
  });

  it('refuses a cursor from another user’s caseload', async () => {
    const user = 'user-cursor-owner';
    await stored(
      [0, 1].map((n) =>
        anInvolvement({
          involvementId: `INV-C${n}`,
          childId: `CPC${n}`,
          recordedBy: user,
          createdAt: `2026-03-0${n + 1}T00:00:00.000Z`,
        }),
      ),
    );
    const page = await fx.adapters.involvements.listRecordedBy(user, {
      status: 'active',
      today: TODAY,
      limit: 1,
    });
    expect(page.next).toBeDefined();
    await expect(
      fx.adapters.involvements.listRecordedBy('user-someone-else', {
        status: 'active',
        today: TODAY,
        limit: 1,
        cursor: page.next,
      }),
    ).rejects.toBeInstanceOf(ValidationError);
  });
});
