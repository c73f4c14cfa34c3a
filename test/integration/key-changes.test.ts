import { randomBytes } from 'node:crypto';
import { type DynamoDBDocumentClient, paginateQuery, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoChildRepository } from '#adapters/dynamo/child-repository.ts';
import { documentClient } from '#adapters/dynamo/client.ts';
import type { TableNames } from '#adapters/dynamo/tables.ts';
import { BlockingKeyHasher, type StoredBlockingSecrets } from '#adapters/keys/blocking-key-hasher.ts';
import type { AuditEvent } from '#domain/audit/event.ts';
import type { ChildRecord } from '#domain/child/record.ts';
import { blockingKeysOf } from '#domain/matching/blocking.ts';
import { type DynamoDbLocal, ensureTables, startDynamoDbLocal, tableNames } from '#infra/local/dynamodb.ts';
import { aChild, shieldBy } from '../support/builders.ts';

const k1 = randomBytes(32).toString('base64url');
const k2 = randomBytes(32).toString('base64url');
const before: StoredBlockingSecrets = { current: 'k1', k1 };
const during: StoredBlockingSecrets = { current: 'k2', k2, k1 };

let dynamo: DynamoDbLocal;
let db: DynamoDBDocumentClient;
let tables: TableNames;

beforeAll(async () => {
  dynamo = await startDynamoDbLocal();
  db = documentClient('eu-west-2', dynamo.endpoint);
  tables = tableNames(`keys-${randomBytes(3).toString('hex')}`);
  await ensureTables(dynamo.client, tables);
});
afterAll(async () => {
  await dynamo?.stop();
});

const repository = (secrets: StoredBlockingSecrets, client: DynamoDBDocumentClient = db) => {
  const hasher = new BlockingKeyHasher(secrets);
  return new DynamoChildRepository(client, tables, async () => hasher);
};

let events = 0;
const audit = (childId: string): AuditEvent =>
  ({
    eventId: `evt-${++events}-${randomBytes(4).toString('hex')}`,
    at: '2026-12-06T10:00:00.000Z',
    actor: { userId: 'user-dm', organisationId: 'E08000035', roles: ['data-manager'] },
    action: 'shield-child',
    outcome: 'success',
    childIds: [childId],
    requestId: 'req',
    sourceIp: '127.0.0.1',
  }) as unknown as AuditEvent;

async function keyItems(childId: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for await (const page of paginateQuery(
    { client: db },
    {
      TableName: tables.children,
      KeyConditionExpression: 'childId = :c AND begins_with(sk, :k)',
      ExpressionAttributeValues: { ':c': childId, ':k': 'KEY#' },
    },
  ))
    items.push(...(page.Items ?? []));
  return items;
}

describe('key changes and re-keying', () => {
  it('leaves no open key of a child shielded while a re-keying rewrites its keys underneath (R3)', async () => {
    const open = aChild({ childId: 'CPRACE00001', nhsNumber: undefined, upn: undefined });
    await repository(before).create(open, audit(open.childId));
    const rekeyer = repository(during);
    // The shield reads the record's keys, then — before its transaction commits — the re-keying job
    // rewrites them under k2 (leaving the version alone), exactly once.
    let raced = false;
    const racing = new Proxy(db, {
      get(target, property, receiver) {
        if (property !== 'send') return Reflect.get(target, property, receiver);
        return async (command: unknown) => {
          if (!raced && command instanceof TransactWriteCommand) {
            raced = true;
            expect(await rekeyer.rekey({ ...open, keyGeneration: 'b3.k1' })).toBe(true);
          }
          return target.send(command as never);
        };
      },
    });
    const shielded: ChildRecord = { ...open, version: 2, shield: shieldBy('E08000035') };
    await repository(during, racing).replace(open, shielded, audit(open.childId));
    expect(raced).toBe(true);
    const stored = await keyItems(open.childId);
    const hasher = new BlockingKeyHasher(during);
    expect(stored.map((i) => i.blockingKey).sort()).toEqual(
      blockingKeysOf(shielded)
        .map((m) => hasher.keyOf(m))
        .sort(),
    );
    for (const item of stored) expect((item.profile as { postcodes?: unknown }).postcodes).toBeUndefined();
  });

  it('changes and re-keys even the child with the most names and moves a record can hold, in one transaction each', async () => {
    const names = ['Alexander', 'Samuel', 'Christopher', 'Frederick', 'Alfie'];
    const most = aChild({
      childId: 'CPMOST00001',
      givenName: 'Alex',
      familyName: 'Oyelaran-Castellanos',
      otherNames: names.map((givenName, i) => ({ givenName, familyName: `Family${'abcde'[i]}` })),
      previousAddresses: Array.from({ length: 5 }, (_, i) => ({
        line1: `${i + 1} Kirkgate`,
        town: 'Leeds',
        postcode: `LS${i + 1} 6BU`,
      })),
      nhsNumber: '9434765919',
      upn: 'H801200001001',
    });
    expect(blockingKeysOf(most).length).toBeLessThanOrEqual(40);
    await repository(before).create(most, audit(most.childId));
    const renamed: ChildRecord = { ...most, version: 2, familyName: 'Brightwater', gender: 'male' };
    await repository(before).replace(most, renamed, audit(most.childId));
    expect(await repository(during).rekey({ ...renamed, keyGeneration: 'b3.k1' })).toBe(true);
    const shielded: ChildRecord = { ...renamed, version: 3, shield: shieldBy('E08000035') };
    await repository(during).replace(renamed, shielded, audit(most.childId));
    expect((await keyItems(most.childId)).length).toBe(blockingKeysOf(shielded).length);
  });
});
