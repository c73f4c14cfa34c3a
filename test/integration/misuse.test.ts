import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DynamoMisuseAlertRepository } from '#adapters/dynamo/alert-repository.ts';
import { keys } from '#adapters/dynamo/keys.ts';
import { DynamoMisuseCounters } from '#adapters/dynamo/misuse-counters.ts';
import type { Account } from '#domain/access/account.ts';
import type { MisuseAlert } from '#domain/alerts/misuse-alert.ts';
import type { AuditEvent } from '#domain/audit/event.ts';
import { PreconditionFailedError, ValidationError } from '#domain/errors.ts';
import { detectMisuse, type MisuseDeps } from '#domain/use-cases/detect-misuse.ts';
import { reviewMisuseAlert } from '#domain/use-cases/misuse-alerts.ts';
import { LOCAL_ORGANISATIONS } from '#infra/local/organisations.ts';
import { type DynamoFixture, startDynamoFixture } from '../support/local-dynamo.ts';

let fx: DynamoFixture;
let counters: DynamoMisuseCounters;
let alerts: DynamoMisuseAlertRepository;

beforeAll(async () => {
  fx = await startDynamoFixture();
  counters = new DynamoMisuseCounters(fx.adapters.db, fx.tables.misuseCounters);
  alerts = new DynamoMisuseAlertRepository(fx.adapters.db, {
    alerts: fx.tables.alerts,
    audit: fx.tables.audit,
  });
  for (const organisation of LOCAL_ORGANISATIONS) await fx.adapters.directory.putOrganisation(organisation);
});

afterAll(async () => {
  await fx?.dynamo.stop();
});

const ids = (prefix: string, from: number, count: number) =>
  Array.from({ length: count }, (_, i) => ({ childId: `${prefix}${from + i}`, outOfArea: i % 2 === 0 }));

describe('R10 per-user-day counters in DynamoDB Local', () => {
  it('counts each child once per user and day, however often the same children are counted again', async () => {
    const first = await counters.count('u-replay', '2026-07-01', ids('C', 0, 4));
    expect(first).toEqual({ distinctChildren: 4, outOfAreaChildren: 2, alerted: [] });
    // The same batch again (a stream retry), then one overlapping it.
    expect(await counters.count('u-replay', '2026-07-01', ids('C', 0, 4))).toEqual(first);
    expect(await counters.count('u-replay', '2026-07-01', ids('C', 2, 4))).toEqual({
      distinctChildren: 6,
      outOfAreaChildren: 3,
      alerted: [],
    });
    expect(await counters.uncounted('u-replay', '2026-07-01', ['C0', 'C5', 'C6', 'C6'])).toEqual(['C6']);
    // Another day, and another user, start from nothing.
    expect((await counters.count('u-replay', '2026-07-02', ids('C', 0, 1))).distinctChildren).toBe(1);
    expect((await counters.count('u-other', '2026-07-01', [])).distinctChildren).toBe(0);
  });

  it('counts a run of more children than one transaction holds, some of them already counted', async () => {
    await counters.count('u-many', '2026-07-01', ids('M', 0, 60));
    const day = await counters.count('u-many', '2026-07-01', ids('M', 30, 200));
    expect(day.distinctChildren).toBe(230);
  });

  it('keeps a day two days, and nothing of a child but its opaque ID', async () => {
    await counters.count('u-ttl', '2026-07-01', [{ childId: 'CP7M3K9P2XN', outOfArea: false }]);
    const { Items } = await fx.adapters.db.send(
      new QueryCommand({
        TableName: fx.tables.misuseCounters,
        KeyConditionExpression: 'userDay = :d',
        ExpressionAttributeValues: { ':d': keys.misuseDay('u-ttl', '2026-07-01').userDay },
      }),
    );
    expect(Items).toHaveLength(2);
    for (const item of Items ?? []) {
      expect(item.expiresAt).toBe(Date.parse('2026-07-03T00:00:00Z') / 1000);
      expect(Object.keys(item).sort()).toEqual(
        item.item === 'DAY'
          ? ['distinctChildren', 'expiresAt', 'item', 'outOfAreaChildren', 'userDay']
          : ['expiresAt', 'item', 'userDay'],
      );
    }
  });

  it('remembers the once-a-day rules raised', async () => {
    await counters.markAlerted('u-alerted', '2026-07-01', 'many-children');
    await counters.markAlerted('u-alerted', '2026-07-01', 'many-children');
    await counters.markAlerted('u-alerted', '2026-07-01', 'rate-limited');
    expect([...(await counters.count('u-alerted', '2026-07-01', [])).alerted].sort()).toEqual([
      'many-children',
      'rate-limited',
    ]);
  });
});

const nurse = {
  userId: 'it-nurse',
  organisationId: 'ORG-LEEDS-CH',
  email: 'it-nurse@example.nhs.uk',
  roles: ['practitioner'],
} as unknown as Account;

let n = 0;
function search(childIds: string[]): AuditEvent {
  n += 1;
  return {
    eventId: `EV-it-${n}`,
    at: `2026-07-01T10:00:${String(n % 60).padStart(2, '0')}.000Z`,
    actorId: nurse.userId,
    organisationId: nurse.organisationId,
    roles: ['practitioner'],
    action: 'search-children',
    childIds,
    outcome: 'success',
    requestId: `r${n}`,
    sourceIp: '192.0.2.1',
  };
}

describe('R10 misuse detection over DynamoDB Local', () => {
  it('a replayed batch neither counts its children twice nor raises its alert twice', async () => {
    const leeds = LOCAL_ORGANISATIONS.find((o) => o.organisationId === 'ORG-LEEDS-CH');
    expect(leeds).toBeDefined();
    const deps: MisuseDeps = {
      directory: {
        getAccount: vi.fn(async (id: string) => (id === nurse.userId ? nurse : undefined)),
        getOrganisation: (id) => fx.adapters.directory.getOrganisation(id),
      },
      children: { get: vi.fn(async () => undefined) },
      involvements: { listForChild: vi.fn(async () => []) },
      counters,
      alerts,
      env: fx.adapters.env,
      thresholds: {
        distinctChildrenPerDay: 6,
        outOfAreaChildrenPerDay: 100,
        unusualHours: { from: 0, to: 0 },
      },
    };
    const batch = [search(['A', 'B', 'C']), search(['C', 'D']), search(['E', 'F', 'G'])];
    expect(await detectMisuse(deps, batch)).toBe(1);
    expect(await detectMisuse(deps, batch)).toBe(0);
    const { Item } = await fx.adapters.db.send(
      new GetCommand({
        TableName: fx.tables.misuseCounters,
        Key: keys.misuseDay(nurse.userId, '2026-07-01'),
      }),
    );
    expect(Item?.distinctChildren).toBe(7);
    const listed = await alerts.list(leeds?.administeredBy ?? '', { limit: 10 });
    expect(listed.alerts.map((a) => [a.alertId, a.rule, a.subjectUserId])).toEqual([
      [`many-children.${nurse.userId}.2026-07-01`, 'many-children', nurse.userId],
    ]);
  });
});

function alert(organisation: string, i: number): MisuseAlert {
  return {
    alertId: `unusual-hours.user-${i}.2026-07-01`,
    reviewingOrganisationId: organisation,
    rule: 'unusual-hours',
    subjectUserId: `user-${i}`,
    subjectEmail: `user-${i}@example.gov.uk`,
    organisationId: organisation,
    message: 'Possible misuse',
    createdAt: `2026-07-01T0${i}:00:00.000Z`,
    status: 'open',
    version: 1,
    expiresAt: 1_900_000_000,
  };
}

describe('R10 misuse alerts per reviewing organisation', () => {
  it('lists one organisation’s alerts newest first, page by page, and filters by status', async () => {
    for (let i = 1; i <= 5; i++) await alerts.raise(alert('ORG-PAGED', i));
    await alerts.raise({ ...alert('ORG-PAGED', 1), message: 'raised again' });
    await alerts.raise(alert('ORG-ELSEWHERE', 6));
    const first = await alerts.list('ORG-PAGED', { limit: 3 });
    expect(first.alerts.map((a) => a.subjectUserId)).toEqual(['user-5', 'user-4', 'user-3']);
    expect(first.alerts[0]).toEqual(alert('ORG-PAGED', 5));
    const second = await alerts.list('ORG-PAGED', { limit: 3, cursor: first.next });
    expect(second.alerts.map((a) => [a.subjectUserId, a.message])).toEqual([
      ['user-2', 'Possible misuse'],
      ['user-1', 'Possible misuse'],
    ]);
    // Another organisation's cursor is not a position in this list.
    await expect(alerts.list('ORG-ELSEWHERE', { limit: 3, cursor: first.next })).rejects.toBeInstanceOf(
      ValidationError,
    );
    expect(await alerts.get('ORG-ELSEWHERE', alert('ORG-PAGED', 1).alertId)).toBeUndefined();

    const current = (await alerts.get('ORG-PAGED', alert('ORG-PAGED', 2).alertId)) as MisuseAlert;
    const audit = (id: string): AuditEvent => ({ ...search([]), eventId: id, action: 'review-misuse-alert' });
    const reviewed = { ...current, status: 'referred' as const, reviewedBy: 'auditor', version: 2 };
    await alerts.review(reviewed, 1, audit('EV-review-1'));
    await expect(alerts.review({ ...reviewed, version: 3 }, 1, audit('EV-review-2'))).rejects.toBeInstanceOf(
      PreconditionFailedError,
    );
    expect((await alerts.list('ORG-PAGED', { limit: 10, status: 'referred' })).alerts).toEqual([reviewed]);
    expect((await fx.adapters.audit.find('EV-review-1'))?.action).toBe('review-misuse-alert');
  });

  it('stores a review under investigation without the TTL attribute, and one closed as no case with it, keeping the history', async () => {
    const raised = alert('ORG-REVIEWED', 7);
    await alerts.raise(raised);
    const deps = { alerts, audit: fx.adapters.audit, env: fx.adapters.env };
    const auditor = {
      userId: 'auditor-reviewed',
      roles: ['auditor' as const],
      organisationId: 'ORG-REVIEWED',
      organisationName: 'Reviewing Council',
    };
    const facts = { requestId: 'req-review', sourceIp: '192.0.2.1' };
    const ttlOf = async () => {
      const { Item } = await fx.adapters.db.send(
        new GetCommand({
          TableName: fx.tables.alerts,
          Key: keys.misuseAlert('ORG-REVIEWED', raised.alertId),
        }),
      );
      return Item && 'expiresAt' in Item ? Item.expiresAt : 'none';
    };
    expect(await ttlOf()).toBe(1_900_000_000);
    await reviewMisuseAlert(
      deps,
      auditor,
      raised.alertId,
      { outcome: 'investigating', note: 'first' },
      1,
      facts,
    );
    expect(await ttlOf()).toBe('none');
    const closed = await reviewMisuseAlert(deps, auditor, raised.alertId, { outcome: 'no-case' }, 2, facts);
    expect(await ttlOf()).toBe(closed.expiresAt);
    expect(closed.expiresAt).toBeGreaterThan(Date.now() / 1000 + 179 * 86_400);
    expect(
      (await alerts.get('ORG-REVIEWED', raised.alertId))?.reviews?.map((r) => [r.outcome, r.note]),
    ).toEqual([
      ['investigating', 'first'],
      ['no-case', undefined],
    ]);
  });
});
