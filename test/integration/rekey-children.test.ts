import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DynamoDBDocumentClient, paginateScan, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoChildRepository } from '#adapters/dynamo/child-repository.ts';
import { documentClient } from '#adapters/dynamo/client.ts';
import { keys } from '#adapters/dynamo/keys.ts';
import { ChildRekeying, isDone, type RekeyCursor } from '#adapters/dynamo/rekey-children.ts';
import { DynamoRetentionStore } from '#adapters/dynamo/retention-store.ts';
import type { TableNames } from '#adapters/dynamo/tables.ts';
import {
  BlockingKeyHasher,
  localBlockingKeyHasher,
  type StoredBlockingSecrets,
} from '#adapters/keys/blocking-key-hasher.ts';
import type { AuditEvent } from '#domain/audit/event.ts';
import type { ChildRecord } from '#domain/child/record.ts';
import { DuplicateIdentifierError } from '#domain/errors.ts';
import { blockingKeysOf } from '#domain/matching/blocking.ts';
import { leavingDay } from '#domain/retention/rule.ts';
import { type DynamoDbLocal, ensureTables, startDynamoDbLocal, tableNames } from '#infra/local/dynamodb.ts';
import { aChild, shieldBy } from '../support/builders.ts';

const k1 = randomBytes(32).toString('base64url');
const k2 = randomBytes(32).toString('base64url');
const before: StoredBlockingSecrets = { current: 'k1', k1 };
const during: StoredBlockingSecrets = { current: 'k2', k2, k1 };
/** Only the new key: what searches read once the old one is removed from the secret. */
const after = new BlockingKeyHasher({ current: 'k2', k2 });
const oldKeys = new BlockingKeyHasher(before);

const CHILDREN: ChildRecord[] = [
  aChild({ childId: 'CPREKEY0001', givenName: 'Amelia', familyName: 'Walker' }),
  aChild({ childId: 'CPREKEY0002', givenName: 'Oliver', familyName: 'Hughes', nhsNumber: '9434765927' }),
  aChild({ childId: 'CPREKEY0003', givenName: 'Zara', familyName: 'Khan', upn: 'H801200001002' }),
  aChild({
    childId: 'CPREKEY0004',
    givenName: 'Noah',
    familyName: 'Smith',
    nhsNumber: '9434765935',
    upn: 'H801200001003',
    shield: shieldBy('E08000035'),
  }),
  aChild({ childId: 'CPREKEY0005', givenName: 'Isla', familyName: 'Brown', dateOfBirth: '2019-11-30' }),
  aChild({ childId: 'CPREKEY0006', givenName: 'Leo', familyName: 'Patel', nhsNumber: '9434765943' }),
  aChild({ childId: 'CPREKEY0007', givenName: 'Maya', familyName: 'Jones', upn: 'H801200001004' }),
].map((child, i) =>
  // The example's identifiers belong to the first child only: each identifier is one record's alone.
  i === 0
    ? child
    : {
        ...child,
        nhsNumber: child.nhsNumber === aChild().nhsNumber ? undefined : child.nhsNumber,
        upn: child.upn === aChild().upn ? undefined : child.upn,
      },
);

const identifierMaterial = (record: ChildRecord) => [
  ...(record.nhsNumber ? [keys.identifierClaimMaterial('nhsNumber', record.nhsNumber)] : []),
  ...(record.upn ? [keys.identifierClaimMaterial('upn', record.upn)] : []),
];

let dynamo: DynamoDbLocal;
let db: DynamoDBDocumentClient;
let dir: string;

beforeAll(async () => {
  dynamo = await startDynamoDbLocal();
  db = documentClient('eu-west-2', dynamo.endpoint);
  dir = mkdtempSync(join(tmpdir(), 'contactpoint-rekey-'));
});
afterAll(async () => {
  await dynamo?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Fresh tables with the children written under k1, and a keyring file whose blocking keys are now k2 then k1. */
async function seededUnderK1(): Promise<{ tables: TableNames; keyring: string }> {
  const tables = tableNames(`rekey-${randomBytes(3).toString('hex')}`);
  await ensureTables(dynamo.client, tables);
  const keyring = join(dir, `${tables.children}-keyring.json`);
  writeFileSync(keyring, JSON.stringify({ blockingKeys: before }));
  await new DynamoChildRepository(db, tables, localBlockingKeyHasher(keyring)).importRecords(CHILDREN);
  writeFileSync(keyring, JSON.stringify({ blockingKeys: during }));
  return { tables, keyring };
}

const migration = (tables: TableNames, keyring: string, pageSize = 4) =>
  new ChildRekeying(db, tables, localBlockingKeyHasher(keyring), { totalSegments: 2, pageSize });

async function everyItem(table: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for await (const page of paginateScan({ client: db }, { TableName: table, ConsistentRead: true }))
    items.push(...(page.Items ?? []));
  return items.sort((a, b) => `${a.childId}|${a.sk}`.localeCompare(`${b.childId}|${b.sk}`));
}

/** Every record and key item under b3.k2, no k1 key item or claim left, and every child found by its new keys alone. */
async function expectAllUnderK2(tables: TableNames): Promise<void> {
  const items = await everyItem(tables.children);
  const records = items.filter((i) => i.sk === 'RECORD');
  const keyItems = items.filter((i) => String(i.sk).startsWith('KEY#'));
  const claims = items.filter((i) => i.sk === 'CLAIM');
  expect(records).toHaveLength(CHILDREN.length);
  for (const item of [...records, ...keyItems]) expect(item.keyGeneration).toBe('b3.k2');
  // Exactly the new keys: one item per key of each record, none left from k1.
  const expectedKeys = CHILDREN.flatMap((c) =>
    [...new Set(blockingKeysOf(c).map((m) => after.keyOf(m)))].map((k) => `${c.childId}|KEY#${k}`),
  ).sort();
  expect(keyItems.map((i) => `${i.childId}|${i.sk}`).sort()).toEqual(expectedKeys);
  const claimsWanted = CHILDREN.flatMap((c) =>
    identifierMaterial(c).map((m) => `${keys.identifierClaim(after.keyOf(m)).childId}|${c.childId}`),
  ).sort();
  expect(claims.map((i) => `${i.childId}|${i.ownerChildId}`).sort()).toEqual(claimsWanted);
  const oldClaims = CHILDREN.flatMap((c) =>
    identifierMaterial(c).map((m) => keys.identifierClaim(oldKeys.keyOf(m)).childId),
  );
  expect(oldClaims.length).toBeGreaterThan(3);
  for (const old of oldClaims) expect(claims.map((i) => i.childId)).not.toContain(old);
  // A search that knows only k2 finds every child under each of its keys.
  const searching = new DynamoChildRepository(db, tables, () => Promise.resolve(after));
  for (const child of CHILDREN) {
    const found = await searching.findByKeys(blockingKeysOf(child));
    for (const [material, profiles] of found)
      expect(
        profiles.map((p) => p.childId),
        `${child.childId} under ${material}`,
      ).toContain(child.childId);
  }
}

describe('re-keying every child under a new blocking-key secret', () => {
  it('moves every record, key item and identifier claim from k1 to k2, and a second run changes nothing', async () => {
    const { tables, keyring } = await seededUnderK1();
    const seeded = await everyItem(tables.children);
    expect(seeded.filter((i) => i.sk === 'RECORD').every((i) => i.keyGeneration === 'b3.k1')).toBe(true);
    const job = migration(tables, keyring);
    const end = await job.run(await job.start());
    expect(isDone(end)).toBe(true);
    expect(end.counts).toEqual({
      rekeyed: CHILDREN.length,
      alreadyCurrent: 0,
      retried: 0,
      gone: 0,
      remaining: 0,
    });
    await expectAllUnderK2(tables);

    const rekeyed = await everyItem(tables.children);
    const again = migration(tables, keyring);
    const second = await again.run(await again.start());
    expect(second.counts).toEqual({
      rekeyed: 0,
      alreadyCurrent: CHILDREN.length,
      retried: 0,
      gone: 0,
      remaining: 0,
    });
    expect(await everyItem(tables.children)).toEqual(rekeyed);
  });

  it('stops after a page and resumes from its saved cursor to the same end state', async () => {
    const { tables, keyring } = await seededUnderK1();
    // Interrupted after the first page that re-keyed anything (a page may hold only key items and claims);
    // a page of two items per segment re-keys at most four of the seven children.
    let last: RekeyCursor | undefined;
    const first = migration(tables, keyring, 2);
    const paused = await first.run(await first.start(), {
      keepGoing: () => (last?.counts.rekeyed ?? 0) === 0,
      onPage: (cursor) => {
        last = cursor;
      },
    });
    expect(isDone(paused)).toBe(false);
    expect(paused.counts.rekeyed).toBeGreaterThan(0);
    expect(paused.counts.rekeyed).toBeLessThan(CHILDREN.length);
    // As the checkpoint file keeps it, read back by a new process.
    const saved = JSON.parse(JSON.stringify(paused)) as RekeyCursor;
    const resumed = await migration(tables, keyring, 2).run(saved);
    expect(isDone(resumed)).toBe(true);
    expect(resumed.counts).toMatchObject({ rekeyed: CHILDREN.length, alreadyCurrent: 0, remaining: 0 });
    await expectAllUnderK2(tables);
  });

  it('counts as remaining a record written under k1 after its segment was re-keyed, and re-keys it on the next run', async () => {
    const { tables, keyring } = await seededUnderK1();
    const job = migration(tables, keyring);
    let rekeyPass = await job.start();
    while (rekeyPass.pass === 'rekey') rekeyPass = await job.nextPage(rekeyPass);
    // A function that had not yet reloaded the secret writes a new child under k1.
    const late = aChild({
      childId: 'CPREKEY0099',
      givenName: 'Ava',
      familyName: 'Late',
      nhsNumber: undefined,
      upn: undefined,
    });
    await new DynamoChildRepository(db, tables, () => Promise.resolve(oldKeys)).importRecords([late]);
    const end = await job.run(rekeyPass);
    expect(end.counts.remaining).toBe(1);
    const next = migration(tables, keyring);
    const second = await next.run(await next.start());
    expect(second.counts).toMatchObject({ rekeyed: 1, alreadyCurrent: CHILDREN.length, remaining: 0 });
  });
});

/** A create's audit event (the repository stores it in the same transaction). */
const created = (childId: string): AuditEvent => ({
  eventId: randomBytes(8).toString('hex'),
  at: new Date().toISOString(),
  actorId: 'u-rekey',
  organisationId: 'E08000035',
  roles: ['data-manager'],
  action: 'create-child',
  childIds: [childId],
  outcome: 'success',
  requestId: 'req-rekey',
  sourceIp: '127.0.0.1',
});

describe('R7: the migration backfills the retention index', () => {
  it('gives a record stored before the index existed its leaving day, so the retention job finds it, and counts it until then', async () => {
    const tables = tableNames(`backfill-${randomBytes(3).toString('hex')}`);
    await ensureTables(dynamo.client, tables);
    const keyring = join(dir, `${tables.children}-keyring.json`);
    writeFileSync(keyring, JSON.stringify({ blockingKeys: during }));
    await new DynamoChildRepository(db, tables, localBlockingKeyHasher(keyring)).importRecords(CHILDREN);
    // Stored before the index existed: the record item has no place in it, though its keys are current.
    const [old] = CHILDREN as [ChildRecord];
    await db.send(
      new UpdateCommand({
        TableName: tables.children,
        Key: keys.childRecord(old.childId),
        UpdateExpression: 'REMOVE retentionShard, retentionDay',
      }),
    );
    const retention = new DynamoRetentionStore(db, tables, localBlockingKeyHasher(keyring));
    const due = async () => {
      const ids: string[] = [];
      for await (const page of retention.dueToLeave('2099-01-01')) ids.push(...page);
      return ids;
    };
    expect(await due()).not.toContain(old.childId);
    // The check pass counts it as not done: the migration is not finished while a record has no day.
    const checking = migration(tables, keyring);
    const checked = await checking.run({ ...(await checking.start()), pass: 'check' });
    expect(checked.counts.remaining).toBe(1);

    const job = migration(tables, keyring);
    const end = await job.run(await job.start());
    expect(end.counts).toMatchObject({ rekeyed: 1, alreadyCurrent: CHILDREN.length - 1, remaining: 0 });
    expect((await due()).sort()).toEqual(CHILDREN.map((c) => c.childId).sort());
    const item = (await everyItem(tables.children)).find(
      (i) => i.childId === old.childId && i.sk === 'RECORD',
    );
    expect(item).toMatchObject({
      ...keys.leavingIndexes(old.childId, leavingDay(old)),
      version: old.version,
    });
  });
});

describe('rotation in phases: a function that knows the new key before it is current', () => {
  /** Phase 1: k2 beside k1, k1 still current — what a function that has not re-read the secret since phase 2 holds. */
  const phaseOne = new BlockingKeyHasher({ current: 'k1', k1, k2 });
  /** Phase 2: k2 current, k1 kept. */
  const phaseTwo = new BlockingKeyHasher(during);

  it('refuses an identifier already claimed under k2 while it still writes under k1, and finds a child keyed under k2', async () => {
    const tables = tableNames(`phase-${randomBytes(3).toString('hex')}`);
    await ensureTables(dynamo.client, tables);
    const holder = aChild({ childId: 'CPPHASE0001', nhsNumber: '9434765919', upn: 'H801200001005' });
    // Written by a function that already makes k2 current: its claims are under k2 only.
    await new DynamoChildRepository(db, tables, () => Promise.resolve(phaseTwo)).create(
      holder,
      created(holder.childId),
    );
    const lagging = new DynamoChildRepository(db, tables, () => Promise.resolve(phaseOne));
    for (const duplicate of [
      { nhsNumber: holder.nhsNumber, upn: undefined },
      { nhsNumber: undefined, upn: holder.upn },
    ]) {
      const second = aChild({ childId: `CPPHASE00${duplicate.upn ? '03' : '02'}`, ...duplicate });
      await expect(lagging.create(second, created(second.childId))).rejects.toThrow(DuplicateIdentifierError);
    }
    const items = await everyItem(tables.children);
    expect(items.filter((i) => i.sk === 'RECORD').map((i) => i.childId)).toEqual([holder.childId]);
    // It reads the keys of every generation in the secret, so a child keyed under k2 is found.
    const found = await lagging.findByKeys(blockingKeysOf(holder));
    for (const [material, profiles] of found)
      expect(
        profiles.map((p) => p.childId),
        material,
      ).toContain(holder.childId);
    // Without k2 in its secret (the single-step rotation), the same function would take the identifier.
    const unaware = new DynamoChildRepository(db, tables, () => Promise.resolve(oldKeys));
    const taken = aChild({ childId: 'CPPHASE0004', nhsNumber: holder.nhsNumber, upn: undefined });
    await expect(unaware.create(taken, created(taken.childId))).resolves.toBeUndefined();
  });
});
